//! What the rules brain says, in each language it understands (en, es, fr, de, pt, it).
//!
//! Sentences are whole templates per language, not word-by-word assembly, so grammar stays
//! right; `{…}` placeholders are filled by [`fill`]. A language missing a phrase falls back to
//! English rather than failing.

/// The phrases a reply is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// `{name}` (with a leading space, or empty), `{business}`.
    GreetNew,
    GreetReturning,
    /// The luxury-concierge preset's greeting; `{name}`, `{business}`.
    GreetLuxury,
    /// The friendly-casual preset's (and WhatsApp's) greeting; `{name}`, `{business}`.
    GreetCasual,
    /// After a new conversation's greeting, when the tenant named the persona: `{persona}`.
    PersonaIntro,
    /// "Who am I talking to?" / "Are you a bot?": `{persona}`, `{business}`; and without a persona, `{business}`.
    IdentityNamed,
    Identity,
    /// An email's salutation, `{name}` with a leading space or empty; and its sign-off, `{business}`.
    LetterOpen,
    LetterClose,
    /// The sign-off by a named persona: `{persona}`, `{business}`.
    LetterCloseNamed,
    /// A short acknowledgement before the next qualification question.
    Noted,
    /// `{close}`.
    OpenUntil,
    /// `{day}` (today / tomorrow / a weekday name), `{time}`.
    ClosedUntil,
    ClosedNoHours,
    FollowUpOpen,
    FollowUpClosed,
    FollowUpNoHours,
    /// `{hours}`.
    Hours,
    HoursUnknown,
    /// `{address}`.
    Address,
    Emergency,
    HumanRequested,
    /// A caller asking for a person on a call that is about to be put through.
    PuttingThrough,
    /// A caller asking for a person nobody can take now: the team will call back.
    CallbackScheduled,
    Complaint,
    ThanksGoodbye,
    /// A second goodbye in a row: said differently.
    ThanksGoodbyeAgain,
    /// A goodbye while the team still owes them something: `{what}`.
    GoodbyePromised,
    MissedCall,
    /// A question nothing we know answers: said honestly, passed to the team.
    WillCheck,
    /// Another one in the same conversation.
    WillCheckAgain,
    /// A booking request passed to the team to confirm: `{what}`.
    BookingRequested,
    /// The same request again: `{what}`.
    BookingHeld,
    /// "Is it still available?" about a named property: `{property}`.
    AvailabilityCheck,
    /// "Any news?" with something pending: `{what}`.
    StillPending,
    /// "Any news?" with nothing pending.
    NothingPending,
    /// They told us their name: `{name}`.
    ThanksName,
    /// They told us something we noted (no question asked, nothing to answer).
    GotIt,
    /// A valuation asked for: passed to the team to arrange.
    ValuationRequested,
    /// A repair reported and logged as a routine ticket.
    RepairLogged,
    /// An urgent one (not an emergency): today or tomorrow.
    RepairLoggedUrgent,
    /// An intake choice's options as asked: `{options}` ("Furnished, Unfurnished or Part furnished").
    ChoiceOptions,
    /// The word joining a list's last two items.
    Or,
    /// A choice asked again after a reply that named none of its options: `{options}` numbered.
    ChoiceAgain,
    /// A yes/no question asked again after a reply that was neither: `{ask}`.
    YesNoAgain,
    /// A date question asked again after a reply without a date.
    DateAgain,
}

const fn pick(phrase: Phrase) -> [&'static str; 6] {
    // en, es, fr, de, pt, it
    match phrase {
        Phrase::GreetNew => [
            "Hi{name}, thanks for contacting {business}!",
            "¡Hola{name}, gracias por contactar con {business}!",
            "Bonjour{name}, merci d'avoir contacté {business} !",
            "Hallo{name}, danke, dass Sie {business} kontaktieren!",
            "Olá{name}, obrigado por contactar a {business}!",
            "Ciao{name}, grazie per aver contattato {business}!",
        ],
        Phrase::GreetReturning => [
            "Hi{name}, welcome back to {business}!",
            "¡Hola{name}, qué gusto saber de nuevo de usted en {business}!",
            "Bonjour{name}, ravis de vous retrouver chez {business} !",
            "Hallo{name}, schön, wieder von Ihnen zu hören – {business}!",
            "Olá{name}, bem-vindo de volta à {business}!",
            "Ciao{name}, bentornato da {business}!",
        ],
        Phrase::GreetLuxury => [
            "Good day{name}, and thank you for contacting {business}. It would be our pleasure to help.",
            "Buenos días{name}, y gracias por contactar con {business}. Será un placer ayudarle.",
            "Bonjour{name}, et merci d'avoir contacté {business}. Ce sera un plaisir de vous aider.",
            "Guten Tag{name}, und vielen Dank, dass Sie {business} kontaktieren. Wir helfen Ihnen sehr gern.",
            "Bom dia{name}, e obrigado por contactar a {business}. Será um prazer ajudar.",
            "Buongiorno{name}, e grazie per aver contattato {business}. Sarà un piacere aiutarla.",
        ],
        Phrase::GreetCasual => [
            "Hey{name}! Thanks for getting in touch with {business}.",
            "¡Hola{name}! Gracias por escribir a {business}.",
            "Salut{name} ! Merci d'avoir écrit à {business}.",
            "Hallo{name}! Danke für Ihre Nachricht an {business}.",
            "Olá{name}! Obrigado por escrever à {business}.",
            "Ciao{name}! Grazie per aver scritto a {business}.",
        ],
        Phrase::PersonaIntro => [
            "I'm {persona}, the AI assistant here.",
            "Soy {persona}, el asistente de IA.",
            "Je suis {persona}, l'assistant IA.",
            "Ich bin {persona}, der KI-Assistent.",
            "Sou {persona}, o assistente de IA.",
            "Sono {persona}, l'assistente IA.",
        ],
        Phrase::IdentityNamed => [
            "I'm {persona}, the AI assistant at {business}: automated, not a person. I can pass anything to the team.",
            "Soy {persona}, el asistente de IA de {business}: automático, no una persona. Puedo pasar cualquier cosa al equipo.",
            "Je suis {persona}, l'assistant IA de {business} : automatique, pas une personne. Je peux tout transmettre à l'équipe.",
            "Ich bin {persona}, der KI-Assistent von {business}: automatisch, kein Mensch. Ich kann alles an das Team weitergeben.",
            "Sou {persona}, o assistente de IA da {business}: automático, não uma pessoa. Posso passar qualquer assunto à equipa.",
            "Sono {persona}, l'assistente IA di {business}: automatico, non una persona. Posso passare qualsiasi cosa al team.",
        ],
        Phrase::Identity => [
            "I'm the AI assistant at {business}: automated, not a person. I can pass anything to the team.",
            "Soy el asistente de IA de {business}: automático, no una persona. Puedo pasar cualquier cosa al equipo.",
            "Je suis l'assistant IA de {business} : automatique, pas une personne. Je peux tout transmettre à l'équipe.",
            "Ich bin der KI-Assistent von {business}: automatisch, kein Mensch. Ich kann alles an das Team weitergeben.",
            "Sou o assistente de IA da {business}: automático, não uma pessoa. Posso passar qualquer assunto à equipa.",
            "Sono l'assistente IA di {business}: automatico, non una persona. Posso passare qualsiasi cosa al team.",
        ],
        Phrase::LetterOpen => ["Dear{name},", "Estimado/a{name}:", "Bonjour{name},", "Guten Tag{name},", "Caro/a{name},", "Gentile{name},"],
        Phrase::LetterClose => [
            "Kind regards,\n{business}",
            "Saludos cordiales,\n{business}",
            "Cordialement,\n{business}",
            "Mit freundlichen Grüßen\n{business}",
            "Com os melhores cumprimentos,\n{business}",
            "Cordiali saluti,\n{business}",
        ],
        Phrase::LetterCloseNamed => [
            "Kind regards,\n{persona}, AI assistant\n{business}",
            "Saludos cordiales,\n{persona}, asistente de IA\n{business}",
            "Cordialement,\n{persona}, assistant IA\n{business}",
            "Mit freundlichen Grüßen\n{persona}, KI-Assistent\n{business}",
            "Com os melhores cumprimentos,\n{persona}, assistente de IA\n{business}",
            "Cordiali saluti,\n{persona}, assistente IA\n{business}",
        ],
        Phrase::Noted => ["Thanks, noted.", "Gracias, anotado.", "Merci, c'est noté.", "Danke, notiert.", "Obrigado, anotado.", "Grazie, annotato."],
        Phrase::OpenUntil => [
            "We're open until {close} and a member of the team will reply shortly.",
            "Estamos abiertos hasta las {close} y alguien del equipo le responderá en breve.",
            "Nous sommes ouverts jusqu'à {close} et un membre de l'équipe vous répondra rapidement.",
            "Wir haben bis {close} Uhr geöffnet, und jemand aus dem Team antwortet Ihnen gleich.",
            "Estamos abertos até às {close} e alguém da equipa responderá em breve.",
            "Siamo aperti fino alle {close} e un membro del team le risponderà a breve.",
        ],
        Phrase::ClosedUntil => [
            "We're closed right now; the team will reply when we open {day} at {time}.",
            "Ahora mismo estamos cerrados; el equipo le responderá cuando abramos ({day}, {time}).",
            "Nous sommes fermés pour le moment ; l'équipe vous répondra à la réouverture ({day}, {time}).",
            "Wir haben gerade geschlossen; das Team antwortet, sobald wir öffnen ({day}, {time} Uhr).",
            "Neste momento estamos fechados; a equipa responderá quando abrirmos ({day}, {time}).",
            "Al momento siamo chiusi; il team le risponderà alla riapertura ({day}, {time}).",
        ],
        Phrase::ClosedNoHours => [
            "The team will reply as soon as they can.",
            "El equipo le responderá lo antes posible.",
            "L'équipe vous répondra dès que possible.",
            "Das Team antwortet Ihnen so bald wie möglich.",
            "A equipa responderá assim que possível.",
            "Il team le risponderà il prima possibile.",
        ],
        Phrase::FollowUpOpen => [
            "Thanks, got it — the team will pick this up shortly.",
            "Gracias, recibido: el equipo se encargará en breve.",
            "Merci, c'est noté — l'équipe s'en occupe rapidement.",
            "Danke, ist angekommen – das Team kümmert sich gleich darum.",
            "Obrigado, recebido — a equipa tratará disto em breve.",
            "Grazie, ricevuto: il team se ne occuperà a breve.",
        ],
        Phrase::FollowUpClosed => [
            "Thanks, got it — the team will pick this up when we open {day} at {time}.",
            "Gracias, recibido: el equipo se encargará cuando abramos ({day}, {time}).",
            "Merci, c'est noté — l'équipe s'en occupera à la réouverture ({day}, {time}).",
            "Danke, ist angekommen – das Team kümmert sich darum, sobald wir öffnen ({day}, {time} Uhr).",
            "Obrigado, recebido — a equipa tratará disto quando abrirmos ({day}, {time}).",
            "Grazie, ricevuto: il team se ne occuperà alla riapertura ({day}, {time}).",
        ],
        Phrase::FollowUpNoHours => [
            "Thanks, got it — the team will pick this up as soon as they can.",
            "Gracias, recibido: el equipo se encargará lo antes posible.",
            "Merci, c'est noté — l'équipe s'en occupera dès que possible.",
            "Danke, ist angekommen – das Team kümmert sich so bald wie möglich darum.",
            "Obrigado, recebido — a equipa tratará disto assim que possível.",
            "Grazie, ricevuto: il team se ne occuperà il prima possibile.",
        ],
        Phrase::Hours => [
            "Our opening hours are {hours}.",
            "Nuestro horario es {hours}.",
            "Nos horaires d'ouverture : {hours}.",
            "Unsere Öffnungszeiten: {hours}.",
            "O nosso horário é {hours}.",
            "I nostri orari di apertura: {hours}.",
        ],
        Phrase::HoursUnknown => [
            "The team will confirm our opening hours.",
            "El equipo le confirmará nuestro horario.",
            "L'équipe vous confirmera nos horaires.",
            "Das Team bestätigt Ihnen unsere Öffnungszeiten.",
            "A equipa confirmará o nosso horário.",
            "Il team le confermerà i nostri orari.",
        ],
        Phrase::Address => [
            "You'll find us at {address}.",
            "Nos encontrará en {address}.",
            "Vous nous trouverez au {address}.",
            "Sie finden uns unter {address}.",
            "Encontra-nos em {address}.",
            "Ci trova in {address}.",
        ],
        Phrase::Emergency => [
            "That sounds like an emergency. If anyone is in danger, call the emergency services now. I've alerted our on-call team and they'll contact you as soon as possible.",
            "Parece una emergencia. Si alguien corre peligro, llame ahora a los servicios de emergencia. He avisado a nuestro equipo de guardia y le contactarán lo antes posible.",
            "Cela ressemble à une urgence. Si quelqu'un est en danger, appelez les secours maintenant. J'ai alerté notre équipe d'astreinte, qui vous contactera au plus vite.",
            "Das klingt nach einem Notfall. Wenn jemand in Gefahr ist, rufen Sie jetzt den Notruf. Ich habe unser Bereitschaftsteam alarmiert; es meldet sich so schnell wie möglich.",
            "Parece uma emergência. Se alguém estiver em perigo, ligue já para os serviços de emergência. Alertei a nossa equipa de prevenção, que o contactará o mais depressa possível.",
            "Sembra un'emergenza. Se qualcuno è in pericolo, chiami subito i servizi di emergenza. Ho avvisato il nostro team reperibile, che la contatterà il prima possibile.",
        ],
        Phrase::HumanRequested => [
            "Of course — I've asked a member of the team to get back to you personally.",
            "Por supuesto: he pedido a alguien del equipo que le responda personalmente.",
            "Bien sûr — j'ai demandé à un membre de l'équipe de vous répondre personnellement.",
            "Natürlich – ich habe jemanden aus dem Team gebeten, sich persönlich bei Ihnen zu melden.",
            "Claro — pedi a alguém da equipa que lhe responda pessoalmente.",
            "Certo: ho chiesto a un membro del team di risponderle personalmente.",
        ],
        Phrase::PuttingThrough => [
            "Of course — putting you through now.",
            "Por supuesto, le paso ahora mismo.",
            "Bien sûr — je vous mets en relation tout de suite.",
            "Natürlich – ich verbinde Sie jetzt.",
            "Claro — vou transferi-lo agora.",
            "Certo, la metto in contatto adesso.",
        ],
        Phrase::CallbackScheduled => [
            "Of course — nobody can take your call right now, so I've asked the team to call you back.",
            "Por supuesto. Ahora mismo nadie puede atenderle, así que he pedido al equipo que le devuelva la llamada.",
            "Bien sûr — personne ne peut vous répondre pour le moment, j'ai donc demandé à l'équipe de vous rappeler.",
            "Natürlich – gerade kann niemand Ihren Anruf annehmen, deshalb habe ich das Team gebeten, Sie zurückzurufen.",
            "Claro — neste momento ninguém pode atender, por isso pedi à equipa que lhe ligue de volta.",
            "Certo: al momento nessuno può rispondere, quindi ho chiesto al team di richiamarla.",
        ],
        Phrase::Complaint => [
            "I'm sorry to hear that. I've passed this to the team so someone can put it right with you.",
            "Lamento lo ocurrido. Lo he trasladado al equipo para que alguien lo resuelva con usted.",
            "Je suis désolé. J'ai transmis votre message à l'équipe pour que quelqu'un règle cela avec vous.",
            "Das tut mir leid. Ich habe es an das Team weitergegeben, damit sich jemand darum kümmert.",
            "Lamento o sucedido. Passei a questão à equipa para que alguém a resolva consigo.",
            "Mi dispiace. Ho inoltrato la segnalazione al team perché qualcuno possa risolvere con lei.",
        ],
        Phrase::MissedCall => [
            "Sorry we missed your call. Reply to this message with what you need and we'll pick it up from here.",
            "Sentimos no haber podido atender su llamada. Responda a este mensaje con lo que necesita y seguimos desde aquí.",
            "Désolés d'avoir manqué votre appel. Répondez à ce message en nous disant ce dont vous avez besoin et nous prendrons le relais.",
            "Entschuldigung, wir haben Ihren Anruf verpasst. Antworten Sie auf diese Nachricht mit Ihrem Anliegen, wir kümmern uns darum.",
            "Lamentamos não ter atendido a sua chamada. Responda a esta mensagem com o que precisa e seguimos a partir daqui.",
            "Ci scusi se non abbiamo risposto alla sua chiamata. Risponda a questo messaggio con ciò di cui ha bisogno e ce ne occupiamo noi.",
        ],
        Phrase::ThanksGoodbye => [
            "You're welcome — speak soon!",
            "¡De nada, hasta pronto!",
            "Avec plaisir, à bientôt !",
            "Gern geschehen – bis bald!",
            "De nada, até breve!",
            "Prego, a presto!",
        ],
        Phrase::ThanksGoodbyeAgain => [
            "Take care, and thanks again!",
            "¡Cuídese, y gracias de nuevo!",
            "Bonne journée, et merci encore !",
            "Alles Gute und nochmals danke!",
            "Cuide-se, e obrigado mais uma vez!",
            "Buona giornata, e grazie ancora!",
        ],
        Phrase::GoodbyePromised => [
            "You're welcome! The team will be in touch about {what}.",
            "¡De nada! El equipo le contactará sobre {what}.",
            "Avec plaisir ! L'équipe reviendra vers vous au sujet de {what}.",
            "Gern geschehen! Das Team meldet sich wegen {what}.",
            "De nada! A equipa entrará em contacto sobre {what}.",
            "Prego! Il team la contatterà per {what}.",
        ],
        Phrase::WillCheck => [
            "I don't have that information to hand, so I've asked the team and they'll get back to you.",
            "No tengo ese dato a mano, así que se lo he preguntado al equipo y le responderán.",
            "Je n'ai pas cette information sous la main ; j'ai demandé à l'équipe, qui vous répondra.",
            "Diese Information habe ich gerade nicht; ich habe das Team gefragt, es meldet sich bei Ihnen.",
            "Não tenho essa informação à mão, por isso perguntei à equipa e ela responderá.",
            "Non ho questa informazione a portata di mano: l'ho chiesto al team, che le risponderà.",
        ],
        Phrase::WillCheckAgain => [
            "I've added that to the questions for the team too — they'll answer it when they get back to you.",
            "También he añadido eso a las preguntas para el equipo; se lo responderán.",
            "J'ai aussi ajouté cela aux questions pour l'équipe ; elle vous répondra.",
            "Das habe ich auch an das Team weitergegeben; es beantwortet es Ihnen.",
            "Também acrescentei isso às perguntas para a equipa; vão responder-lhe.",
            "Ho aggiunto anche questo alle domande per il team, che le risponderà.",
        ],
        Phrase::BookingRequested => [
            "I've asked the team to confirm {what} — they'll be in touch to confirm the time.",
            "He pedido al equipo que confirme {what}; le contactarán para confirmar la hora.",
            "J'ai demandé à l'équipe de confirmer {what} ; elle vous contactera pour confirmer l'horaire.",
            "Ich habe das Team gebeten, {what} zu bestätigen; es meldet sich wegen der Uhrzeit.",
            "Pedi à equipa que confirme {what}; vão contactá-lo para confirmar a hora.",
            "Ho chiesto al team di confermare {what}; la contatteranno per confermare l'orario.",
        ],
        Phrase::BookingHeld => [
            "The team has your request for {what} and will confirm it shortly.",
            "El equipo tiene su solicitud de {what} y la confirmará en breve.",
            "L'équipe a bien votre demande de {what} et la confirmera rapidement.",
            "Das Team hat Ihre Anfrage für {what} und bestätigt sie in Kürze.",
            "A equipa tem o seu pedido de {what} e vai confirmá-lo em breve.",
            "Il team ha la sua richiesta di {what} e la confermerà a breve.",
        ],
        Phrase::AvailabilityCheck => [
            "I'll check that {property} is still available and let you know.",
            "Comprobaré si {property} sigue disponible y se lo diré.",
            "Je vérifie si {property} est toujours disponible et je vous tiens au courant.",
            "Ich prüfe, ob {property} noch verfügbar ist, und melde mich.",
            "Vou verificar se {property} ainda está disponível e aviso-o.",
            "Verifico se {property} è ancora disponibile e la aggiorno.",
        ],
        Phrase::StillPending => [
            "No news yet, I'm afraid — the team still has {what} and will be in touch as soon as it's confirmed.",
            "Todavía no hay novedades: el equipo tiene {what} y le contactará en cuanto esté confirmado.",
            "Pas encore de nouvelles : l'équipe a toujours {what} et vous contactera dès que c'est confirmé.",
            "Noch keine Neuigkeiten – das Team hat {what} und meldet sich, sobald es bestätigt ist.",
            "Ainda sem novidades: a equipa tem {what} e entrará em contacto assim que estiver confirmado.",
            "Ancora nessuna novità: il team ha {what} e la contatterà appena confermato.",
        ],
        Phrase::NothingPending => [
            "There's nothing waiting on our side at the moment.",
            "Por nuestra parte no hay nada pendiente ahora mismo.",
            "Rien n'est en attente de notre côté pour le moment.",
            "Bei uns ist im Moment nichts offen.",
            "Neste momento não há nada pendente da nossa parte.",
            "Al momento non c'è nulla in sospeso da parte nostra.",
        ],
        Phrase::ThanksName => [
            "Thanks, {name}.",
            "Gracias, {name}.",
            "Merci, {name}.",
            "Danke, {name}.",
            "Obrigado, {name}.",
            "Grazie, {name}.",
        ],
        Phrase::GotIt => [
            "Got it, I've added that to your details.",
            "Entendido, lo he añadido a sus datos.",
            "C'est noté, je l'ai ajouté à votre dossier.",
            "Verstanden, ich habe es zu Ihren Angaben hinzugefügt.",
            "Entendido, acrescentei isso aos seus dados.",
            "Capito, l'ho aggiunto ai suoi dati.",
        ],
        Phrase::ChoiceOptions => [
            "{options}?",
            "¿{options}?",
            "{options} ?",
            "{options}?",
            "{options}?",
            "{options}?",
        ],
        Phrase::Or => ["or", "o", "ou", "oder", "ou", "o"],
        Phrase::ChoiceAgain => [
            "Could you reply with one of these: {options}?",
            "¿Podría responder con una de estas opciones: {options}?",
            "Pourriez-vous répondre par l'une de ces options : {options} ?",
            "Könnten Sie mit einer dieser Optionen antworten: {options}?",
            "Pode responder com uma destas opções: {options}?",
            "Può rispondere con una di queste opzioni: {options}?",
        ],
        Phrase::YesNoAgain => [
            "Sorry, is that a yes or a no? {ask}",
            "Perdone, ¿es un sí o un no? {ask}",
            "Pardon, est-ce un oui ou un non ? {ask}",
            "Entschuldigung, ist das ein Ja oder ein Nein? {ask}",
            "Desculpe, é um sim ou um não? {ask}",
            "Scusi, è un sì o un no? {ask}",
        ],
        Phrase::DateAgain => [
            "Which date would that be, for example 14/03?",
            "¿Qué fecha sería, por ejemplo 14/03?",
            "Quelle date exactement, par exemple 14/03 ?",
            "Welches Datum wäre das, zum Beispiel der 14. März?",
            "Que data seria, por exemplo 14/03?",
            "Che data sarebbe, per esempio 14/03?",
        ],
        Phrase::ValuationRequested => [
            "We'd be glad to value it. I've asked the team, who will be in touch to arrange a time.",
            "Con mucho gusto la valoramos. Se lo he pasado al equipo, que le contactará para fijar una hora.",
            "Avec plaisir. J'ai transmis votre demande d'estimation à l'équipe, qui vous contactera pour fixer un rendez-vous.",
            "Sehr gern bewerten wir sie. Ich habe das Team informiert; es meldet sich, um einen Termin zu vereinbaren.",
            "Teremos todo o gosto em fazer a avaliação. Passei o pedido à equipa, que entrará em contacto para marcar uma hora.",
            "Saremo lieti di fare una valutazione. Ho informato il team, che la contatterà per fissare un appuntamento.",
        ],
        Phrase::RepairLogged => [
            "Sorry about that. I've logged the repair for our maintenance team, who will be in touch to arrange a visit.",
            "Lamentamos las molestias. He registrado la reparación para nuestro equipo de mantenimiento, que le contactará para concertar una visita.",
            "Désolé pour ce désagrément. J'ai enregistré la réparation pour notre équipe d'entretien, qui vous contactera pour convenir d'un passage.",
            "Das tut mir leid. Ich habe die Reparatur für unser Wartungsteam erfasst; es meldet sich, um einen Termin zu vereinbaren.",
            "Lamentamos o incómodo. Registei a reparação para a nossa equipa de manutenção, que entrará em contacto para marcar uma visita.",
            "Ci dispiace. Ho registrato la riparazione per il nostro team di manutenzione, che la contatterà per fissare un intervento.",
        ],
        Phrase::RepairLoggedUrgent => [
            "Sorry about that. I've logged it as urgent for our maintenance team, who will be in touch today or tomorrow to fix it.",
            "Lamentamos las molestias. Lo he registrado como urgente para nuestro equipo de mantenimiento, que le contactará hoy o mañana para repararlo.",
            "Désolé pour ce désagrément. Je l'ai signalé comme urgent à notre équipe d'entretien, qui vous contactera aujourd'hui ou demain pour la réparation.",
            "Das tut mir leid. Ich habe es für unser Wartungsteam als dringend erfasst; es meldet sich heute oder morgen für die Reparatur.",
            "Lamentamos o incómodo. Registei-o como urgente para a nossa equipa de manutenção, que entrará em contacto hoje ou amanhã para o reparar.",
            "Ci dispiace. L'ho segnalato come urgente al nostro team di manutenzione, che la contatterà oggi o domani per la riparazione.",
        ],
    }
}

const LANGUAGES: [&str; 6] = ["en", "es", "fr", "de", "pt", "it"];

/// The phrase in `language` (an ISO 639-1 code), English when the language is not supported.
pub fn phrase(phrase: Phrase, language: &str) -> &'static str {
    let index = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
    pick(phrase)[index]
}

/// The words for "today" and "tomorrow" used in [`Phrase::ClosedUntil`].
pub fn relative_day(day: &str, language: &str) -> String {
    let table: [[&str; 2]; 6] = [
        ["today", "tomorrow"],
        ["hoy", "mañana"],
        ["aujourd'hui", "demain"],
        ["heute", "morgen"],
        ["hoje", "amanhã"],
        ["oggi", "domani"],
    ];
    let row = table[LANGUAGES.iter().position(|l| *l == language).unwrap_or(0)];
    match day {
        "today" => row[0].to_owned(),
        "tomorrow" => row[1].to_owned(),
        other => other.to_owned(),
    }
}

/// Replaces each `{key}` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (key, value)| text.replace(&format!("{{{key}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Phrase; 42] = [
        Phrase::LetterCloseNamed,
        Phrase::PersonaIntro,
        Phrase::IdentityNamed,
        Phrase::Identity,
        Phrase::ChoiceOptions,
        Phrase::Or,
        Phrase::ChoiceAgain,
        Phrase::YesNoAgain,
        Phrase::DateAgain,
        Phrase::ValuationRequested,
        Phrase::RepairLogged,
        Phrase::RepairLoggedUrgent,
        Phrase::ThanksGoodbyeAgain,
        Phrase::GoodbyePromised,
        Phrase::WillCheck,
        Phrase::WillCheckAgain,
        Phrase::BookingRequested,
        Phrase::BookingHeld,
        Phrase::AvailabilityCheck,
        Phrase::StillPending,
        Phrase::NothingPending,
        Phrase::ThanksName,
        Phrase::GotIt,
        Phrase::Noted,
        Phrase::GreetNew,
        Phrase::GreetReturning,
        Phrase::OpenUntil,
        Phrase::ClosedUntil,
        Phrase::ClosedNoHours,
        Phrase::FollowUpOpen,
        Phrase::FollowUpClosed,
        Phrase::FollowUpNoHours,
        Phrase::Hours,
        Phrase::HoursUnknown,
        Phrase::Address,
        Phrase::Emergency,
        Phrase::HumanRequested,
        Phrase::PuttingThrough,
        Phrase::CallbackScheduled,
        Phrase::Complaint,
        Phrase::ThanksGoodbye,
        Phrase::MissedCall,
    ];

    #[test]
    fn every_language_has_every_phrase_with_the_same_placeholders() {
        let placeholders = |s: &str| {
            let mut keys: Vec<String> =
                s.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(k, _)| k.to_owned())).collect();
            keys.sort();
            keys
        };
        for p in ALL {
            let english = placeholders(phrase(p, "en"));
            for language in LANGUAGES {
                let text = phrase(p, language);
                assert!(!text.is_empty(), "{p:?} {language}");
                assert_eq!(placeholders(text), english, "{p:?} in {language}: {text}");
            }
        }
    }

    #[test]
    fn unknown_languages_fall_back_to_english_and_fill_replaces_placeholders() {
        assert_eq!(phrase(Phrase::ThanksGoodbye, "xx"), "You're welcome — speak soon!");
        let text = fill(phrase(Phrase::GreetNew, "es"), &[("name", " Ana"), ("business", "Maple & Pine")]);
        assert_eq!(text, "¡Hola Ana, gracias por contactar con Maple & Pine!");
        assert_eq!(relative_day("tomorrow", "fr"), "demain");
        assert_eq!(relative_day("Mon", "fr"), "Mon");
    }
}
