//! What the contact is told about their booking: confirmation, change, cancellation, the
//! reminder a day before and the review request afterwards — in the language they last wrote
//! in ([`language_of`]), one of the six the brain speaks (English otherwise).

use super::{phrase_date, phrase_slots, rules::Stay, Kind, Slot};
use crate::brain::understand::CivilDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    Confirmed,
    Rescheduled,
    Cancelled,
    Reminder,
    Review { link: &'a str },
}

/// When a booking is, as said in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    Slot(Slot),
    Stay(Stay),
}

/// The language code for a contact's notices: that of their last message, English without one.
pub fn language_of(last_inbound: Option<&str>) -> &'static str {
    last_inbound.filter(|t| !t.trim().is_empty()).map_or("en", |t| crate::brain::understand::language_of(t).code())
}

/// "your viewing tomorrow at 10:00", "your stay from 1 March to 2 April", in `lang`. The
/// possessive carries the noun's gender, so each language names the three kinds whole.
pub fn describe(kind: Kind, period: &Period, today: CivilDate, lang: &str) -> String {
    match period {
        Period::Slot(slot) => {
            let booking = match (lang, kind) {
                ("es", Kind::Appointment) => "su cita",
                ("es", _) => "su visita",
                ("fr", Kind::Appointment) => "votre rendez-vous",
                ("fr", _) => "votre visite",
                ("de", Kind::Appointment) => "Ihr Termin",
                ("de", _) => "Ihre Besichtigung",
                ("pt", Kind::Appointment) => "a sua marcação",
                ("pt", _) => "a sua visita",
                ("it", Kind::Appointment) => "il suo appuntamento",
                ("it", _) => "la sua visita",
                (_, Kind::Appointment) => "your appointment",
                (_, Kind::Stay) => "your stay",
                (_, Kind::Viewing) => "your viewing",
            };
            format!("{booking} {}", phrase_slots(std::slice::from_ref(slot), today, lang))
        }
        Period::Stay(stay) => {
            let (from, to) = (phrase_date(stay.check_in, today, lang), phrase_date(stay.check_out, today, lang));
            match lang {
                "es" => format!("su estancia del {from} al {to}"),
                "fr" => format!("votre séjour du {from} au {to}"),
                "de" => format!("Ihr Aufenthalt vom {from} bis {to}"),
                "pt" => format!("a sua estadia de {from} a {to}"),
                "it" => format!("il suo soggiorno dal {from} al {to}"),
                _ => format!("your stay from {from} to {to}"),
            }
        }
    }
}

/// The message for `notice` in `lang`, signed by the business. Where a language would make a
/// word agree with the booking's gender, the sentence is built so that nothing has to.
pub fn notice_text(notice: Notice<'_>, business: &str, what: &str, lang: &str) -> String {
    let what_ = capitalise(what);
    let text = match (lang, notice) {
        ("es", Notice::Confirmed) => format!("{what_} está confirmada. Responda aquí para cambiarla."),
        ("es", Notice::Rescheduled) => format!("{what_} se ha cambiado y está confirmada."),
        ("es", Notice::Cancelled) => format!("{what_} se ha cancelado."),
        ("es", Notice::Reminder) => format!("le recordamos {what}. Responda aquí si necesita cambiarla."),
        ("es", Notice::Review { link }) => format!("gracias por {what}. Nos encantaría saber qué tal fue: {link}"),
        ("fr", Notice::Confirmed) => format!("nous confirmons {what}. Répondez ici pour tout changement."),
        ("fr", Notice::Rescheduled) => format!("changement confirmé : {what}."),
        ("fr", Notice::Cancelled) => format!("nous avons annulé {what}."),
        ("fr", Notice::Reminder) => format!("rappel de {what}. Répondez ici pour tout changement."),
        ("fr", Notice::Review { link }) => format!("merci pour {what}. Votre avis nous intéresse : {link}"),
        ("de", Notice::Confirmed) => format!("Wir bestätigen: {what_}. Antworten Sie hier, um etwas zu ändern."),
        ("de", Notice::Rescheduled) => format!("Geändert und bestätigt: {what_}."),
        ("de", Notice::Cancelled) => format!("Storniert: {what_}."),
        ("de", Notice::Reminder) => {
            format!("Zur Erinnerung: {what_}. Antworten Sie hier, falls Sie etwas ändern möchten.")
        }
        ("de", Notice::Review { link }) => {
            format!("Vielen Dank! Wie war es? Wir freuen uns über Ihre Bewertung: {link}")
        }
        ("pt", Notice::Confirmed) => format!("{what_} está confirmada. Responda aqui para a alterar."),
        ("pt", Notice::Rescheduled) => format!("{what_} foi alterada e está confirmada."),
        ("pt", Notice::Cancelled) => format!("{what_} foi cancelada."),
        ("pt", Notice::Reminder) => format!("lembrete: {what}. Responda aqui se precisar de alterar."),
        ("pt", Notice::Review { link }) => format!("obrigado! Gostaríamos de saber como correu: {link}"),
        ("it", Notice::Confirmed) => format!("confermiamo {what}. Risponda qui per qualsiasi modifica."),
        ("it", Notice::Rescheduled) => format!("modifica confermata: {what}."),
        ("it", Notice::Cancelled) => format!("abbiamo annullato {what}."),
        ("it", Notice::Reminder) => format!("le ricordiamo {what}. Risponda qui per qualsiasi modifica."),
        ("it", Notice::Review { link }) => format!("grazie! Ci farebbe piacere sapere com'è andata: {link}"),
        (_, Notice::Confirmed) => format!("{what_} is confirmed. Reply here to change it."),
        (_, Notice::Rescheduled) => format!("{what_} has been moved and is confirmed."),
        (_, Notice::Cancelled) => format!("{what_} has been cancelled."),
        (_, Notice::Reminder) => format!("a reminder of {what}. Reply here if you need to change it."),
        (_, Notice::Review { link }) => format!("thank you for {what}. We would love to hear how it went: {link}"),
    };
    // French puts a space before the colon.
    let colon = if lang == "fr" { " :" } else { ":" };
    format!("{business}{colon} {text}")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{instant, FixedZone};
    use super::*;

    #[test]
    fn notices_name_the_booking_and_the_business() {
        let today = CivilDate { year: 2026, month: 11, day: 30 };
        let start_ms = instant(&FixedZone(0), today.add_days(1), 600);
        let slot = Slot { start_ms, end_ms: start_ms + 1_800_000, staff_id: None, offset_minutes: 0 };
        let what = describe(Kind::Viewing, &Period::Slot(slot), today, "en");
        assert_eq!(what, "your viewing tomorrow at 10:00");
        assert_eq!(
            notice_text(Notice::Confirmed, "Harbour Lettings", &what, "en"),
            "Harbour Lettings: Your viewing tomorrow at 10:00 is confirmed. Reply here to change it."
        );
        let stay = Stay {
            check_in: CivilDate { year: 2027, month: 3, day: 1 },
            check_out: CivilDate { year: 2027, month: 4, day: 2 },
        };
        let what = describe(Kind::Stay, &Period::Stay(stay), today, "en");
        assert_eq!(what, "your stay from 1 March 2027 to 2 April 2027");
        let review = notice_text(Notice::Review { link: "https://g.page/r/x" }, "Coast", &what, "en");
        assert!(review.ends_with("how it went: https://g.page/r/x"), "{review}");
    }

    #[test]
    fn notices_are_in_the_language_the_contact_last_wrote_in() {
        let today = CivilDate { year: 2026, month: 11, day: 30 };
        let start_ms = instant(&FixedZone(0), today.add_days(1), 600);
        let slot = Period::Slot(Slot { start_ms, end_ms: start_ms + 1_800_000, staff_id: None, offset_minutes: 0 });
        let lang = language_of(Some("Hola, quiero reservar una visita para mañana"));
        assert_eq!(lang, "es");
        assert_eq!(
            notice_text(Notice::Confirmed, "Maple", &describe(Kind::Viewing, &slot, today, lang), lang),
            "Maple: Su visita mañana a las 10:00 está confirmada. Responda aquí para cambiarla."
        );
        let fr = notice_text(Notice::Reminder, "Maple", &describe(Kind::Appointment, &slot, today, "fr"), "fr");
        assert_eq!(fr, "Maple : rappel de votre rendez-vous demain à 10:00. Répondez ici pour tout changement.");
        let stay = Period::Stay(Stay {
            check_in: CivilDate { year: 2026, month: 12, day: 1 },
            check_out: CivilDate { year: 2027, month: 1, day: 2 },
        });
        assert_eq!(describe(Kind::Stay, &stay, today, "de"), "Ihr Aufenthalt vom 1. Dezember bis 2. Januar 2027");
        assert_eq!(language_of(None), "en");
        assert_eq!(language_of(Some("  ")), "en");
        assert!(notice_text(Notice::Cancelled, "M", "x", "xx").ends_with("X has been cancelled."), "unknown: English");
    }
}
