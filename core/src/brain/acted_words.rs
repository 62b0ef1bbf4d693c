//! The sentences around what the calendar did, in the six languages the brain speaks: free
//! times offered, a booking made, moved or cancelled, a refusal and its alternative. English
//! names the listing (`{what}`: "the flat on Elm Road"); the other languages leave it out rather
//! than decline an English label, since the conversation is already about it.

/// A sentence of [`words`]; placeholders `{what}`, `{slots}`, `{from}`, `{to}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Say {
    /// `{what}`, `{slots}`.
    Offer,
    /// `{what}`.
    NoFreeTime,
    /// `{what}` is the booking described ("your viewing tomorrow at 10:00").
    Booked,
    Moved,
    Cancelled,
    SlotTaken,
    OutsideHours,
    /// `{slots}`.
    SlotInstead,
    /// `{from}`, `{to}`.
    StayInstead,
    DatesInstead,
    BookingNotFound,
    /// A named listing that is available, and one that is not (other languages than English,
    /// which describes it); `{ref}`.
    Available,
    Unavailable,
}

const LANGS: [&str; 6] = ["en", "es", "fr", "de", "pt", "it"];

#[rustfmt::skip]
const fn table(say: Say) -> [&'static str; 6] {
    match say {
        Say::Offer => [
            "I can show you {what} {slots}. Which suits you?",
            "Puedo hacerle la visita {slots}. ¿Qué hora le viene mejor?",
            "Je peux vous faire visiter {slots}. Quel créneau vous convient ?",
            "Ich kann Ihnen eine Besichtigung {slots} anbieten. Was passt Ihnen?",
            "Posso marcar a visita {slots}. Qual lhe convém?",
            "Posso fissare la visita {slots}. Quale preferisce?",
        ],
        Say::NoFreeTime => [
            "I don't have a free viewing time for {what} then, so I've asked the team to suggest one.",
            "No tengo ninguna hora libre para la visita ese día; he pedido al equipo que le proponga una.",
            "Je n'ai pas de créneau libre pour la visite à ce moment-là ; j'ai demandé à l'équipe de vous en proposer un.",
            "Dann habe ich keinen freien Besichtigungstermin; ich habe das Team gebeten, Ihnen einen vorzuschlagen.",
            "Não tenho nenhum horário livre para a visita nesse dia; pedi à equipa que lhe proponha um.",
            "Non ho orari liberi per la visita in quel momento; ho chiesto al team di proporgliene uno.",
        ],
        Say::Booked => [
            "Booked: {what}. I've sent you the details.",
            "Reservado: {what}. Le he enviado los detalles.",
            "C'est réservé : {what}. Je vous ai envoyé les détails.",
            "Gebucht: {what}. Ich habe Ihnen die Details geschickt.",
            "Reservado: {what}. Enviei-lhe os detalhes.",
            "Prenotato: {what}. Le ho inviato i dettagli.",
        ],
        Say::Moved => [
            "Done — it's now {what}. I've sent you the new details.",
            "Hecho: ahora es {what}. Le he enviado los nuevos detalles.",
            "C'est fait : c'est désormais {what}. Je vous ai envoyé les nouveaux détails.",
            "Erledigt – neu: {what}. Ich habe Ihnen die neuen Details geschickt.",
            "Feito: agora é {what}. Enviei-lhe os novos detalhes.",
            "Fatto: ora è {what}. Le ho inviato i nuovi dettagli.",
        ],
        Say::Cancelled => [
            "Cancelled: {what}. Text us any time if you'd like another.",
            "Cancelado: {what}. Escríbanos cuando quiera.",
            "Annulé : {what}. Écrivez-nous quand vous voulez.",
            "Storniert: {what}. Schreiben Sie uns jederzeit.",
            "Cancelado: {what}. Escreva-nos quando quiser.",
            "Annullato: {what}. Ci scriva quando vuole.",
        ],
        Say::SlotTaken => [
            "I'm sorry, that time has just been taken.",
            "Lo siento, esa hora acaba de ocuparse.",
            "Désolé, ce créneau vient d'être pris.",
            "Leider wurde dieser Termin gerade vergeben.",
            "Lamento, esse horário acabou de ser ocupado.",
            "Mi dispiace, quell'orario è appena stato preso.",
        ],
        Say::OutsideHours => [
            "We can't do a viewing at that time.",
            "No podemos hacer una visita a esa hora.",
            "Nous ne pouvons pas faire de visite à cette heure-là.",
            "Zu dieser Zeit können wir keine Besichtigung anbieten.",
            "Não podemos fazer uma visita a essa hora.",
            "Non possiamo fare una visita a quell'ora.",
        ],
        Say::SlotInstead => [
            "I could do {slots} instead — would that suit you?",
            "Podría ser {slots}: ¿le viene bien?",
            "Je peux vous proposer {slots} à la place : cela vous convient ?",
            "Ich könnte stattdessen {slots} anbieten – passt Ihnen das?",
            "Posso propor {slots} em alternativa: pode ser?",
            "Potrei proporle {slots}: le va bene?",
        ],
        Say::StayInstead => [
            "{from} to {to} would work — shall I book that?",
            "Del {from} al {to} sería posible: ¿lo reservo?",
            "Du {from} au {to}, ce serait possible : je réserve ?",
            "Vom {from} bis {to} wäre möglich – soll ich das buchen?",
            "De {from} a {to} seria possível: reservo?",
            "Dal {from} al {to} sarebbe possibile: prenoto?",
        ],
        Say::DatesInstead => [
            "Shall I book those dates instead?",
            "¿Reservo esas fechas?",
            "Je réserve ces dates ?",
            "Soll ich diese Daten buchen?",
            "Reservo essas datas?",
            "Prenoto queste date?",
        ],
        Say::Available => [
            "{ref} is available.",
            "Sí, {ref} está disponible.",
            "Oui, {ref} est disponible.",
            "Ja, {ref} ist verfügbar.",
            "Sim, {ref} está disponível.",
            "Sì, {ref} è disponibile.",
        ],
        Say::Unavailable => [
            "I'm sorry, {ref} is no longer available.",
            "Lo siento, {ref} ya no está disponible.",
            "Désolé, {ref} n'est plus disponible.",
            "Leider ist {ref} nicht mehr verfügbar.",
            "Lamento, {ref} já não está disponível.",
            "Mi dispiace, {ref} non è più disponibile.",
        ],
        Say::BookingNotFound => [
            "I can't find that booking, so I've asked the team to check it for you.",
            "No encuentro esa reserva; he pedido al equipo que la revise.",
            "Je ne trouve pas cette réservation ; j'ai demandé à l'équipe de la vérifier.",
            "Ich finde diese Buchung nicht; ich habe das Team gebeten, sie zu prüfen.",
            "Não encontro essa reserva; pedi à equipa que a verifique.",
            "Non trovo quella prenotazione; ho chiesto al team di verificarla.",
        ],
    }
}

/// `say` in `lang` (English for a language we do not speak) with its placeholders filled.
pub(super) fn words(say: Say, lang: &str, values: &[(&str, &str)]) -> String {
    let index = LANGS.iter().position(|l| *l == lang).unwrap_or(0);
    super::phrases::fill(table(say)[index], values)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Say; 13] = [
        Say::Available,
        Say::Unavailable,
        Say::Offer,
        Say::NoFreeTime,
        Say::Booked,
        Say::Moved,
        Say::Cancelled,
        Say::SlotTaken,
        Say::OutsideHours,
        Say::SlotInstead,
        Say::StayInstead,
        Say::DatesInstead,
        Say::BookingNotFound,
    ];

    #[test]
    fn every_language_says_the_times_and_dates_english_says() {
        for say in ALL {
            let en = table(say)[0];
            for (lang, text) in LANGS.iter().zip(table(say)) {
                for key in ["{slots}", "{from}", "{to}", "{ref}"] {
                    assert_eq!(en.contains(key), text.contains(key), "{say:?} in {lang}: {key}");
                }
                // `{what}` is required where it is the booking itself.
                if matches!(say, Say::Booked | Say::Moved | Say::Cancelled) {
                    assert!(text.contains("{what}"), "{say:?} in {lang}");
                }
            }
        }
        assert_eq!(words(Say::Booked, "xx", &[("what", "x")]), "Booked: x. I've sent you the details.");
    }
}
