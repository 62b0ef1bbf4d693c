//! The intent, decided in a fixed order so the outcome is explainable:
//! 1. messages that must never be misread: opt-out, wrong number/spam, asking for a human,
//!    complaints, reschedule/cancel, valuations, maintenance;
//! 2. replies to the system's last message (a yes to "Please confirm" is `affirm`, a yes to
//!    "Shall I book it?" is the booking, a no to "Anything else?" is `thanks_goodbye`, an
//!    answer to "What city?" is `provide_info`);
//! 3. the task the words describe (book/search verbs × what is booked: viewing, appointment,
//!    stay; property words → rent/buy enquiry), biased by the tenant's template when the words
//!    alone do not say (a bare "book" is a viewing for letting agents, a stay for hotels);
//! 4. thanks, greetings, yes/no, price and hours questions, other questions, bare information.

use super::dialogue::{Asked, Offered, SysAct};
use super::slots::Slots;
use super::text::Text;
use super::{Intent, Slot, Template};

#[rustfmt::skip]
const OPT_OUT_WHOLE: &[&str] = &[
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "baja", "alta baja",
    "parar", "arret", "arreter", "stopp", "sair", "basta", "desinscribir", "desabonner",
];
#[rustfmt::skip]
const OPT_OUT: &[&str] = &[
    "stop texting", "stop messaging", "stop sending", "stop contacting", "stop calling", "unsubscribe",
    "remove me from", "take me off", "opt out", "opt me out", "don't text me", "do not text me", "don't contact me",
    "do not contact me", "no more messages", "no more texts", "darme de baja", "dejen de enviar", "dejen de escribir",
    "me desabonner", "me desinscrire", "ne plus recevoir", "abmelden", "keine nachrichten mehr", "austragen",
    "descadastrar", "parem de enviar", "cancelar inscricao", "disiscrivi", "disiscrivermi", "non contattarmi",
    "smettete di", "cancellami",
];
#[rustfmt::skip]
const WRONG_NUMBER: &[&str] = &[
    "wrong number", "wrong person", "who is this", "who's this", "who are you", "don't know you", "never contacted",
    "didn't contact", "numero equivocado", "se equivoco de numero", "mauvais numero", "faux numero", "falsche nummer",
    "numero errado", "numero sbagliato", "crypto*", "bitcoin", "seo services", "viagra", "casino", "you have won",
    "you've won", "claim your prize", "click here", "loan offer", "investment opportunity",
];
#[rustfmt::skip]
const HUMAN: &[&str] = &[
    "speak to a human", "speak to a person", "speak to someone", "speak with someone", "speak to somebody",
    "talk to a human", "talk to a person", "talk to someone", "talk to somebody", "talk with someone", "an agent", "a manager", "the manager", "speak to the", "talk to the", "speak with a", "talk with a",
    "call me back", "call me", "ring me", "phone me", "give me a call", "hablar con una persona",
    "hablar con alguien", "hablar con un agente", "llamame", "parler a quelqu'un", "parler a une personne",
    "parler a un conseiller", "rappelez-moi", "rappelez moi", "mit einem menschen", "mit jemandem sprechen",
    "mit einem mitarbeiter", "ruckruf", "rufen sie mich", "falar com alguem", "falar com uma pessoa",
    "falar com um atendente", "me ligue", "parlare con qualcuno", "parlare con una persona",
    "parlare con un operatore", "richiamatemi", "mi richiami",
];
/// A person named without asking for one: a request ("I want a real person") unless the message
/// asks who answers ("Am I talking to a real person?"), which is answered, not handed over.
const HUMAN_WORDS: &[&str] = &["real person", "a human"];
#[rustfmt::skip]
const COMPLAINT: &[&str] = &[
    "complain*", "unacceptable", "disgusting", "terrible", "awful", "horrible", "appalling", "disappointed",
    "disappointing", "rude", "worst", "ridiculous", "not happy", "very unhappy", "unhappy with", "fed up",
    "still waiting", "no one has", "nobody has", "never got back", "refund", "queja", "reclamacion", "quejarme",
    "inaceptable", "plainte", "me plaindre", "reclamation", "inacceptable", "beschwerde", "beschweren", "unverschamt",
    "inakzeptabel", "reclamacao", "reclamar", "inaceitavel", "reclamo", "lamentela", "inaccettabile", "vergogna",
];
#[rustfmt::skip]
const RESCHEDULE: &[&str] = &[
    "reschedule", "re-schedule", "cancel", "cancellation", "postpone", "move my", "change my appointment",
    "change my booking", "change my reservation", "change my viewing", "change the appointment", "push back",
    "can't make it", "cannot make it", "can't come", "won't be able to make", "different time", "another time",
    "cancelar", "reprogramar", "cambiar la cita", "cambiar mi cita", "mover la cita", "annuler", "reporter",
    "deplacer", "decaler", "absagen", "stornieren", "verschieben", "umbuchen", "desmarcar", "remarcar", "adiar",
    "annullare", "disdire", "spostare", "rimandare", "cambiarla", "cambiarlo", "moverla", "moverlo", "la changer",
    "le changer", "la deplacer", "le deplacer", "spostarla", "spostarlo", "altera-la", "mudar para",
];
#[rustfmt::skip]
const VALUATION: &[&str] = &[
    "valuation*", "value my", "valued", "worth", "appraisal", "appraise", "sell my", "selling my", "market my",
    "tasacion", "tasar", "valorar", "vender mi", "estimation", "estimer", "evaluer", "vendre mon", "vendre ma",
    "bewertung", "wertermittlung", "bewerten", "verkaufen", "avaliacao", "avaliar", "vender o meu", "vender a minha",
    "valutazione", "valutare", "stima", "vendere",
];
#[rustfmt::skip]
const MAINTENANCE: &[&str] = &[
    "repair*", "broken", "not working", "isn't working", "doesn't work", "stopped working", "won't work", "fix",
    "leak*", "leaking", "drip*", "mould", "mold", "damp", "blocked", "clogged", "boiler", "maintenance", "handyman",
    "plumber", "electrician", "faulty", "broke", "cracked", "pests", "mice", "rats", "cockroach*", "no hot water",
    "averia", "roto", "rota", "no funciona", "arreglar", "gotera", "fuite", "en panne", "ne marche pas",
    "ne fonctionne pas", "reparer", "reparation", "kaputt", "defekt", "reparatur", "funktioniert nicht", "tropft",
    "quebrado", "quebrada", "nao funciona", "conserto", "consertar", "vazamento", "rotto", "rotta", "guasto",
    "non funziona", "riparare", "riparazione",
];

#[rustfmt::skip]
const BOOK: &[&str] = &[
    "book", "booking", "booked", "reserve", "reservation", "reserving", "schedule*", "make an appointment", "set up",
    "arrange", "appointment*", "appoinment*", "appt", "reservar", "reserva", "agendar", "marcar", "cita", "reserver",
    "rendez-vous", "rendez vous", "rdv", "buchen", "reservieren", "termin", "vereinbaren", "prenot*", "appuntamento",
    "fissare", "consulta",
];
#[rustfmt::skip]
pub(super) const VIEWING: &[&str] = &[
    "viewing", "to view", "view the", "view it", "view this", "view that", "visit", "visiting", "tour", "see the",
    "see it", "come and see", "come see", "look around", "have a look", "take a look", "visita", "visitar", "visite",
    "visiter", "besichtigung", "besichtigen", "anschauen", "ansehen", "ver el", "ver la", "ver o", "ver a", "voir", "vedere",
];
#[rustfmt::skip]
const PROVIDERS: &[&str] = &[
    "dentist*", "doctor*", "salon*", "stylist*", "barber*", "therapist*", "psychologist*", "psychiatrist*",
    "hairdresser*", "gp", "physician*", "optometrist*", "dermatologist*", "orthodontist*", "physio*", "chiropractor*",
    "ophthalmologist*", "practitioner*", "specialist*", "cardiologist*", "neurologist*", "optician*", "podiatrist*",
    "hygienist*", "beautician*", "esthetician*", "pediatrician*", "gynecologist*", "counsel*", "hair dresser",
    "dentista*", "medico*", "peluqueria*", "peluquero", "dentiste*", "medecin*", "coiffeur*", "zahnarzt*", "arzt*",
    "friseur*", "cabeleireir*", "dottore", "parrucchier*",
];
#[rustfmt::skip]
const SERVICES: &[&str] = &[
    "haircut*", "hair cut", "trim", "cleaning", "check-up", "checkup", "check up", "consultation", "treatment",
    "massage", "facial", "manicure", "pedicure", "nails", "filling", "whitening", "exam", "session", "therapy",
    "corte de pelo", "coupe", "haarschnitt", "corte de cabelo", "taglio",
];
#[rustfmt::skip]
const STAY: &[&str] = &[
    "hotel*", "room", "rooms", "stay", "staying", "night", "nights", "check in", "check-in", "checking in",
    "check out", "accommodation*", "lodging", "hostel", "motel", "inn", "suite", "vacation", "holiday*", "getaway",
    "trip", "travel*", "habitacion*", "alojamiento", "chambre*", "hebergement", "sejour", "nuit*", "zimmer",
    "unterkunft", "ubernachtung*", "quarto*", "hospedagem", "estadia", "camera", "camere", "alloggio", "soggiorno",
    "notti", "noches", "nachte", "noites",
];
#[rustfmt::skip]
const STAY_PLACES: &[&str] =
    &["house", "home", "apartment*", "place", "villa", "cabin", "cottage", "flat", "property", "condo"];
#[rustfmt::skip]
const PROPERTY: &[&str] = &[
    "apartment*", "flat", "flats", "house", "houses", "home", "homes", "property", "properties", "studio", "condo*",
    "bedroom*", "rental*", "rent", "renting", "lease", "to let", "buy", "buying", "purchase", "for sale", "listing*",
    "piso", "pisos", "apartamento*", "vivienda", "alquil*", "appartement*", "logement", "louer", "wohnung*", "haus",
    "miet*", "kaufen", "casa", "imovel", "alugar", "aluguel", "appartament*", "affitt*", "comprare", "acheter",
    "comprar",
];
#[rustfmt::skip]
const BUY: &[&str] = &[
    "buy", "buying", "purchase", "purchasing", "for sale", "mortgage", "comprar", "compra", "acheter", "achat",
    "kaufen", "kauf", "comprare", "acquist*",
];
#[rustfmt::skip]
const SEARCH: &[&str] = &[
    "find*", "search*", "look for", "looking for", "look up", "locate", "any", "available", "availability", "option*",
    "recommend*", "suggest*", "need a", "need an", "want a", "in need of", "know of", "is there", "are there",
    "help me get", "get me a", "buscar", "busco", "encontrar", "chercher", "cherche", "trouver", "suchen", "suche",
    "finden", "procur*", "cercare", "cerco", "trovare",
];
#[rustfmt::skip]
const STRONG_SEARCH: &[&str] = &[
    "find*", "search*", "look for", "looking for", "look up", "locate", "recommend*", "suggest*", "vacanc*",
    "options", "buscar", "busco", "encontrar", "chercher", "cherche", "trouver", "suchen", "suche", "finden",
    "procur*", "cercare", "cerco", "trovare",
];
/// Picking what the system offered: "That one sounds good", "I like it".
#[rustfmt::skip]
const SELECT: &[&str] = &[
    "sounds", "sound", "like that", "like the sound", "i like", "i love", "like it", "like this", "will work",
    "works", "would work", "looks", "seems", "good choice", "that one", "this one", "take it", "take this",
    "take that", "go with", "i'll take", "perfect", "great", "amazing", "best", "good", "fine", "nice", "suits",
    "ideal", "excellent",
];
#[rustfmt::skip]
const ALTERNATIVES: &[&str] = &[
    "other", "others", "another", "different", "else", "alternative*", "more options", "any more", "anything more",
    "next one", "otro", "otra", "autre", "andere*", "outro", "outra", "altro", "altra",
];

#[rustfmt::skip]
const THANKS_BYE: &[&str] = &[
    "thank*", "thanks", "thx", "ty", "cheers", "bye", "goodbye", "good bye", "that's all", "that is all",
    "that will be all", "that'll be all", "that's it", "thats it", "that is it", "nothing else", "nothing more",
    "no more", "all set", "have a good", "have a nice", "that will do", "that'll do", "that's everything", "i'm done",
    "i am done", "i'm good", "i'm all good", "appreciate", "gracias", "adios", "merci", "au revoir", "danke",
    "tschuss", "obrigad*", "tchau", "grazie", "arrivederci", "much obliged", "owe you", "all i need", "all i needed",
    "that's enough", "no longer need",
];
#[rustfmt::skip]
const GREETING: &[&str] = &[
    "hi", "hello", "hey", "hiya", "howdy", "good morning", "good afternoon", "good evening", "morning", "hola",
    "buenos dias", "buenas tardes", "buenas noches", "buenas", "bonjour", "bonsoir", "salut", "coucou", "hallo",
    "guten tag", "guten morgen", "guten abend", "servus", "moin", "ola", "oi", "bom dia", "boa tarde", "boa noite",
    "ciao", "buongiorno", "buonasera", "salve", "there", "yo",
];
#[rustfmt::skip]
const AFFIRM: &[&str] = &[
    "yes", "yeah", "yea", "yep", "yup", "ya", "sure", "correct", "right", "ok", "okay", "k", "sounds good",
    "sounds great", "sounds perfect", "perfect", "great", "absolutely", "definitely", "of course", "confirmed",
    "confirm", "go ahead", "please do", "do it", "that works", "works for me", "exactly", "indeed", "affirmative",
    "fine", "alright", "all right", "good", "excellent", "cool", "awesome", "wonderful", "certainly", "that's right",
    "that is right", "that's correct", "yes please", "si", "claro", "vale", "correcto", "exacto", "perfecto", "oui",
    "d'accord", "parfait", "exactement", "bien sur", "ja", "genau", "richtig", "perfekt", "gerne", "sim", "certo",
    "perfeito", "claro", "va bene", "esatto", "perfetto", "certamente", "that sounds", "sounds", "it does", "i do",
    "it is", "love it", "i like", "like it", "works", "that one", "this one",
];
#[rustfmt::skip]
const DENY: &[&str] = &[
    "no", "nope", "nah", "not really", "negative", "incorrect", "not correct", "wrong", "not quite", "not right",
    "that's wrong", "non", "nein", "nao", "not now", "not yet", "not at the moment", "i don't", "i do not",
    "don't want", "do not want", "not interested", "no thanks", "no thank you", "pas", "nicht",
];
#[rustfmt::skip]
const CORRECTION: &[&str] = &[
    "actually", "change*", "instead", "rather", "make it", "switch", "not the", "wait", "sorry", "mistake", "mean",
    "meant", "changed",
];
#[rustfmt::skip]
const PRICE: &[&str] = &[
    "how much", "price*", "pricing", "cost*", "rate", "rates", "fee", "fees", "charge", "tariff", "quote",
    "cuanto cuesta", "cuanto cuestan", "cuanto vale", "precio*", "tarifa*", "combien", "prix", "tarif*", "wie viel",
    "wieviel", "preis*", "kosten", "kostet", "quanto custa", "quanto e", "preco*", "quanto costa", "prezz*", "costo",
];
#[rustfmt::skip]
const HOURS: &[&str] = &[
    "hours", "opening", "open", "close", "closing", "closed", "where are you", "your address", "located",
    "directions", "how do i get", "how to get", "find you", "where can i park", "where do i park", "horario*", "abierto", "abren", "cierran",
    "donde estan", "direccion", "horaires", "ouvert", "ouvrez", "ferme", "adresse", "ou etes", "offnungszeiten",
    "geoffnet", "wo sind", "aberto", "endereco", "onde fica", "orari", "aperto", "chiuso", "indirizzo", "dove siete",
];
#[rustfmt::skip]
const QUESTION_WORDS: &[&str] = &[
    "what", "what's", "whats", "which", "when", "where", "who", "how", "why", "is", "are", "does", "do", "can",
    "could", "would", "will", "may", "que", "cual", "cuando", "donde", "quoi", "quel", "quelle", "ou", "est-ce", "was",
    "wann", "wo", "wie", "welche", "qual", "quando", "onde", "cosa", "quale", "dove", "come",
];

/// The first words say yes (`Some(true)`) or no (`Some(false)`).
pub(crate) fn polarity(t: &Text) -> Option<bool> {
    let head = 3.min(t.len());
    for i in 0..head {
        if t.at(i, "no problem") || t.at(i, "no worries") || t.at(i, "not a problem") {
            return Some(true);
        }
        if DENY.iter().any(|p| t.at(i, p)) {
            return Some(false);
        }
        if AFFIRM.iter().any(|p| t.at(i, p)) {
            return Some(true);
        }
        if t.breaks_before(i + 1) && i > 0 {
            break;
        }
    }
    None
}

fn is_question(t: &Text) -> bool {
    t.raw.contains('?') || QUESTION_WORDS.contains(&t.w(0))
}

fn closing(t: &Text) -> bool {
    t.has_any(THANKS_BYE)
}

fn offered_intent(offered: Offered, template: Template) -> Intent {
    match offered {
        Offered::Viewing if template == Template::Appointments => Intent::BookAppointment,
        Offered::Viewing if template == Template::Stay => Intent::BookStay,
        Offered::Viewing => Intent::BookViewing,
        Offered::Appointment if template == Template::Letting => Intent::BookViewing,
        Offered::Appointment => Intent::BookAppointment,
        Offered::Stay => Intent::BookStay,
        Offered::Unknown => booking_by_template(template),
    }
}

fn booking_by_template(template: Template) -> Intent {
    match template {
        Template::Letting => Intent::BookViewing,
        Template::Stay => Intent::BookStay,
        Template::Appointments | Template::Other => Intent::BookAppointment,
    }
}

fn search_by_template(template: Template) -> Intent {
    match template {
        Template::Letting => Intent::PropertyEnquiryRent,
        _ => Intent::AvailabilitySearch,
    }
}

/// The task the words describe, if any.
fn task(t: &Text, template: Template) -> Option<Intent> {
    let stay_template = template == Template::Stay;
    let book = t.has_any(BOOK) && !t.has_any(&["a book", "the book", "book shop", "bookshop", "facebook"]);
    // In a hotel, "visiting London" is a trip, not a viewing.
    let viewing = t.has_any(VIEWING) && !stay_template;
    let stay = t.has_any(STAY) || (stay_template && t.has_any(STAY_PLACES));
    let buy = t.has_any(BUY);
    let rentish =
        t.has_any(&["rent", "rental", "renting", "lease", "to let", "alquil*", "louer", "miet*", "alugar", "affitt*"]);
    // Renting a house for a few nights from a hotel or holiday let is a stay.
    let property = t.has_any(PROPERTY) && (!stay_template || buy) && !t.has_any(&["hotel*"]);
    let provider = t.has_any(PROVIDERS);
    let service = t.has_any(SERVICES);
    let appointment_word = t.has_any(&[
        "appointment*",
        "appoinment*",
        "appt",
        "cita",
        "rendez-vous",
        "rdv",
        "termin",
        "consulta",
        "appuntamento",
    ]);
    let search = t.has_any(SEARCH);
    let strong_search = t.has_any(STRONG_SEARCH);
    let see_provider =
        provider && t.has_any(&["see", "visit*", "go to", "go see", "get to", "going to", "meet", "get in", "come in"]);
    // "Book me a room — can you find one?": the first step is finding options.
    if book && strong_search && (stay || provider) && !appointment_word {
        return Some(Intent::AvailabilitySearch);
    }
    if see_provider && !strong_search {
        return Some(Intent::BookAppointment);
    }
    if book || (viewing && (property || template == Template::Letting)) {
        let letting_visit = template == Template::Letting && !provider && !service;
        let intent = if (provider || service || appointment_word)
            && !(viewing && property && !appointment_word)
            && !letting_visit
        {
            Intent::BookAppointment
        } else if stay && !(viewing && property) {
            Intent::BookStay
        } else if viewing || property {
            Intent::BookViewing
        } else {
            booking_by_template(template)
        };
        return Some(intent);
    }
    if t.has_any(PRICE) && !property {
        return None;
    }
    if property
        && (search
            || rentish
            || buy
            || template == Template::Letting
            || t.has_any(&["need", "want", "interested", "like"]))
    {
        return Some(if buy { Intent::PropertyEnquiryBuy } else { Intent::PropertyEnquiryRent });
    }
    if stay || provider {
        if stay
            && !search
            && t.has_any(&["i'd like to stay", "we'd like to stay", "want to stay", "need a room", "need a hotel room"])
            && t.has_any(&["night*", "check in"])
        {
            return Some(Intent::BookStay);
        }
        return Some(Intent::AvailabilitySearch);
    }
    if service
        && t.has_any(&[
            "need", "want", "like", "get", "have", "quiero", "necesito", "voudrais", "mochte", "quero", "vorrei",
        ])
    {
        return Some(Intent::BookAppointment);
    }
    if search
        && t.has_any(&["available", "availability", "options", "any", "find", "search*"])
        && template != Template::Other
        && !is_question_about_item(t)
    {
        return Some(search_by_template(template));
    }
    None
}

/// "Is it available?" asks about the thing being discussed rather than starting a search.
fn is_question_about_item(t: &Text) -> bool {
    t.has_any(&["is it", "is this", "is that", "are they", "does it", "do they", "it's available", "still available"])
}

pub(crate) fn classify(t: &Text, asked: &Asked, template: Template, slots: &Slots) -> Intent {
    if t.len() == 0 {
        return Intent::GeneralEnquiry;
    }
    let whole = t.slice(0, t.len());
    let whole = super::text::fold(whole);
    if OPT_OUT_WHOLE.contains(&whole.as_str()) || t.has_any(OPT_OUT) {
        return Intent::OptOut;
    }
    if t.has_any(WRONG_NUMBER) {
        return Intent::WrongNumberSpam;
    }
    if t.has_any(HUMAN) || (t.has_any(HUMAN_WORDS) && !super::identity::asks_in(t)) {
        return Intent::SpeakToHuman;
    }
    if t.has_any(COMPLAINT) {
        return Intent::Complaint;
    }
    let yes_no = polarity(t);
    // A correction to a read-back ("No, make it 5pm", "Actually, change the salon") is a no.
    if asked.act == SysAct::Confirm && (yes_no == Some(false) || (yes_no.is_none() && t.has_any(CORRECTION))) {
        return Intent::Deny;
    }
    // "No, change it to the 8th" after a booking or an offer corrects it.
    let corrects = t.has_any(CORRECTION) || !slots.is_empty();
    if yes_no == Some(false) && corrects && matches!(asked.act, SysAct::Done | SysAct::OfferAction) && !closing(t) {
        return Intent::Deny;
    }
    if t.has_any(RESCHEDULE) && !(asked.act == SysAct::OfferAction && yes_no == Some(false)) {
        return Intent::RescheduleCancel;
    }
    if t.has_any(VALUATION)
        && (template == Template::Letting
            || t.has_any(&[
                "house",
                "home",
                "flat",
                "property",
                "apartment",
                "casa",
                "maison",
                "haus",
                "wohnung",
                "piso",
            ]))
    {
        return Intent::ValuationRequest;
    }
    let booking_words = t.has_any(BOOK);
    if t.has_any(MAINTENANCE) && !booking_words && !t.has_any(&["fix me", "fix a", "fix an"]) {
        return Intent::MaintenanceRequest;
    }
    let task = task(t, template);
    let question = is_question(t);
    let strong_search = t.has_any(STRONG_SEARCH);
    let alternatives = t.has_any(ALTERNATIVES);
    let dated = [Slot::Date, Slot::Time, Slot::CheckIn, Slot::CheckOut].iter().any(|s| slots.contains_key(s));
    match asked.act {
        SysAct::Confirm => {
            if yes_no == Some(true)
                || (yes_no.is_none()
                    && (t.has_any(SELECT)
                        || t.has_any(&["you got it", "exactly", "that's it", "assent", "agree*", "right"])))
            {
                return Intent::Affirm;
            }
            if closing(t) {
                return Intent::ThanksGoodbye;
            }
        }
        SysAct::OfferAction => match yes_no {
            Some(true) => {
                return task.unwrap_or_else(|| offered_intent(asked.offered.unwrap_or(Offered::Unknown), template))
            }
            Some(false) if closing(t) => return Intent::ThanksGoodbye,
            Some(false) => return Intent::Deny,
            None if task.is_none() && closing(t) => return Intent::ThanksGoodbye,
            None => {}
        },
        SysAct::AnythingElse | SysAct::Done => {
            let ends = closing(t) || yes_no == Some(false) || (asked.act == SysAct::Done && yes_no == Some(true));
            if task.is_none() && ends && (!question || closing(t)) {
                return Intent::ThanksGoodbye;
            }
            if asked.act == SysAct::Done && closing(t) && !booking_words {
                return Intent::ThanksGoodbye;
            }
            if asked.act == SysAct::Done && question && !booking_words && !strong_search {
                return Intent::GeneralEnquiry;
            }
        }
        SysAct::OfferItem => {
            if alternatives && !booking_words {
                return task
                    .filter(|i| {
                        matches!(
                            i,
                            Intent::PropertyEnquiryBuy | Intent::PropertyEnquiryRent | Intent::AvailabilitySearch
                        )
                    })
                    .unwrap_or_else(|| search_by_template(template));
            }
            let selected = yes_no != Some(false) && t.has_any(SELECT) && !closing(t);
            // "Sounds good, I need to check in on the 3rd": choosing it and giving a date books it.
            if selected && (dated || booking_words) && !question {
                return match task {
                    Some(i @ (Intent::BookAppointment | Intent::BookStay | Intent::BookViewing)) => i,
                    _ => booking_by_template(template),
                };
            }
            if !booking_words && selected {
                return Intent::Affirm;
            }
            if task.is_none() {
                if closing(t) {
                    return Intent::ThanksGoodbye;
                }
                if yes_no == Some(true) && !question {
                    return Intent::Affirm;
                }
                if yes_no == Some(true) && t.len() <= 6 {
                    return Intent::Affirm;
                }
                if yes_no == Some(false) {
                    return Intent::Deny;
                }
                if question {
                    return Intent::GeneralEnquiry;
                }
            }
        }
        SysAct::AskInfo => {
            let starts_task = booking_words && asked.expects.is_empty() && task.is_some();
            if !question && !starts_task {
                return Intent::ProvideInfo;
            }
        }
        SysAct::None => {}
    }
    // A question about the item under discussion ("Is the apartment furnished?") is an enquiry,
    // not a new search, unless it asks to book or to find something.
    let mid_dialogue = !matches!(asked.act, SysAct::None | SysAct::AnythingElse);
    // ...but "Can I see the Elm Road one on Wednesday?" asks for a viewing on a day.
    let books_when = dated && matches!(task, Some(Intent::BookViewing | Intent::BookAppointment | Intent::BookStay));
    if question && mid_dialogue && !booking_words && !books_when && !strong_search && !alternatives {
        return Intent::GeneralEnquiry;
    }
    if let Some(intent) = task {
        return intent;
    }
    if closing(t) && t.len() <= 12 {
        return Intent::ThanksGoodbye;
    }
    if t.len() <= 5
        && (0..t.len()).any(|i| GREETING.iter().any(|g| t.at(i, g)))
        && t.has_any(&GREETING[..GREETING.len() - 2])
    {
        return Intent::Greeting;
    }
    if let Some(yes) = yes_no {
        if t.len() <= 6 && !question {
            return if yes { Intent::Affirm } else { Intent::Deny };
        }
    }
    let about_item = matches!(asked.act, SysAct::OfferItem | SysAct::Confirm | SysAct::Done | SysAct::OfferAction)
        || t.has_any(&[
            "they",
            "their",
            "them",
            "it",
            "its",
            "this",
            "that",
            "the property",
            "the hotel",
            "the salon",
            "the apartment",
            "the house",
        ]);
    let to_business = t.has_any(&[
        "you", "your", "vous", "votre", "usted", "ustedes", "sie", "ihr", "voce", "voces", "voi", "vostro", "lei",
    ]);
    if t.has_any(PRICE) && (!about_item || to_business) {
        return Intent::PricingInfo;
    }
    if t.has_any(HOURS) && (!about_item || to_business) {
        return Intent::HoursLocation;
    }
    if question {
        return Intent::GeneralEnquiry;
    }
    if !slots.is_empty() {
        return Intent::ProvideInfo;
    }
    Intent::GeneralEnquiry
}
