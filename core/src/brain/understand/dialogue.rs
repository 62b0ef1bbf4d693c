//! What the system's previous message asked. A bare "San Jose" means nothing alone; after
//! "What city?" it is an area, after "Please confirm…" a "yes" confirms, and after "Would you
//! like me to book it?" a "yes" starts the booking.

use super::text::Text;
use super::Slot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SysAct {
    /// Nothing before (first message) or nothing recognisable.
    #[default]
    None,
    /// "Please confirm: …", "Is that correct?"
    Confirm,
    /// "Would you like me to book it?": a yes starts that task.
    OfferAction,
    /// "Anything else?": a no ends the conversation.
    AnythingElse,
    /// "What city?", "When would you like to check in?"
    AskInfo,
    /// "I found 3 apartments; Avalon is at …": the caller picks or asks for others.
    OfferItem,
    /// "Your appointment is booked.": a task just finished.
    Done,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Asked {
    pub act: SysAct,
    /// The slots the question asks for, in order.
    pub expects: Vec<Slot>,
    /// The task an [`SysAct::OfferAction`] offers, read from its words: viewing, appointment or stay.
    pub offered: Option<Offered>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offered {
    Viewing,
    Appointment,
    Stay,
    Unknown,
}

impl Asked {
    pub fn expects(&self, slot: Slot) -> bool {
        self.expects.contains(&slot)
    }
}

#[rustfmt::skip]
const STRONG_CONFIRM: &[&str] = &[
    "confirm*", "is that correct", "is that right", "is this correct", "is this right", "that correct", "that right",
    "correct*", "to make sure", "to verify", "verify", "is it ok", "is that ok", "is that okay", "sound right",
    "sounds right", "est-ce correct", "c'est bien", "es correcto", "esta bien", "ist das richtig", "stimmt das",
    "esta correto", "e corretto", "let me see if i got", "make sure i have", "ensure", "i'm reserving",
    "i am reserving", "i'm booking", "i am booking", "i will book", "i'll book", "i'm scheduling", "i am scheduling",
    "i will schedule", "i'll schedule", "to be clear", "just to check", "let's see if", "review", "acknowledge",
    "you are booking", "you're booking", "i have you",
];
#[rustfmt::skip]
const SOFT_CONFIRM: &[&str] = &[
    "you'd like to", "you would like to", "you want to", "you wish to", "you are looking", "you're looking", "so you",
];
/// What an offer offers: "Would you like an appointment?", "Shall I schedule a visit?"
#[rustfmt::skip]
const OFFER_OBJECT: &[&str] =
    &["book*", "reserv*", "schedul*", "appointment*", "visit*", "viewing", "see it", "come see", "tour", "make a"];
/// How an offer is asked: "Would you like…", "Shall I…".
#[rustfmt::skip]
const OFFER_ASK: &[&str] = &[
    "would you like", "do you want", "shall i", "should i", "want me to", "can i", "may i", "wanna", "like me to",
    "do you wish", "would you want", "are you interested", "interested in", "do you like to", "would you care",
    "are you ready", "whether i can", "if i can", "if you want", "if you would like", "you want me",
];
#[rustfmt::skip]
const OFFER_ACTION: &[&str] = &[
    "would you like to book", "would you like to reserve", "would you like to schedule", "would you like to make",
    "would you like to visit", "would you like me to", "would you like to set", "would you like to go ahead",
    "shall i", "should i", "do you want me to", "do you want to book", "do you want to reserve",
    "do you want to schedule", "do you want to make", "do you want to visit", "want me to", "can i book",
    "can i reserve", "can i schedule", "may i book", "like to book", "like to reserve", "like to schedule",
    "like to visit", "like to make a", "wanna", "want to book", "want to reserve", "want to schedule",
    "want to visit", "want to take", "to book this", "to book it", "to reserve",
];
#[rustfmt::skip]
const ANYTHING_ELSE: &[&str] = &[
    "anything else", "something else", "else i can", "else can i", "any other", "anything more", "further help",
    "further assistance", "help you with", "assist you with", "else for you", "more help", "otra cosa", "autre chose",
    "sonst noch", "mais alguma", "qualcos'altro", "altro",
];
#[rustfmt::skip]
const DONE: &[&str] = &[
    "is confirmed", "has been confirmed", "been booked", "been reserved", "been scheduled", "been made",
    "successfully", "is booked", "is scheduled", "is reserved", "is made", "all set", "is complete", "been completed",
    "is done", "reservation is successful", "booking is successful", "i have booked", "i've booked", "i booked",
    "i have reserved", "i've reserved", "i reserved", "i have scheduled", "i've scheduled", "i scheduled",
    "confirmada", "confirmee", "bestatigt", "confermat*",
];
#[rustfmt::skip]
const OFFER_ITEM: &[&str] = &[
    "i found", "i've found", "i have found", "found", "there is", "there's", "there are", "how about", "what about",
    "is a nice", "is a great", "is a good", "located at", "located in", "is at", "option", "options", "matching",
    "rated", "rating", "i have", "i recommend", "i suggest", "available",
];

/// Question words that make a clause a request for information.
#[rustfmt::skip]
const ASKS: &[(Slot, &[&str])] = &[
    (Slot::CheckIn, &["check in", "checkin", "checking in", "check-in", "arriv*", "start date", "staying from"]),
    (Slot::CheckOut, &["check out", "checkout", "checking out", "leav*", "depart*", "end date", "until when"]),
    (Slot::MoveIn, &["move in", "moving in", "move-in"]),
    (
        Slot::Area,
        &[
            "what city", "which city", "what area", "which area", "what location", "which location", "where",
            "what town", "which town", "city", "location", "area", "neighborhood", "neighbourhood", "destination",
            "ciudad", "ville", "stadt", "cidade", "citta", "zona", "quartier",
        ],
    ),
    (
        Slot::PartySize,
        &[
            "how many people", "how many guests", "how many adults", "how many of you", "how many persons", "people",
            "guests", "party", "group", "travelers", "travellers", "cuantas personas", "combien de personnes",
            "wie viele personen", "quantas pessoas", "quante persone",
        ],
    ),
    (Slot::Beds, &["bedroom*", "how many beds", "beds", "bed rooms", "bed room"]),
    (Slot::Baths, &["bathroom*", "baths", "bath"]),
    (Slot::Time, &["what time", "which time", "time", "hora", "heure", "uhrzeit", "orario"]),
    (
        Slot::Date,
        &[
            "what date", "which date", "what day", "which day", "when", "date", "day", "fecha", "quand", "wann",
            "quando",
        ],
    ),
    (
        Slot::Name,
        &[
            "your name", "name please", "who am i speaking", "who is this", "nombre", "votre nom", "ihr name",
            "seu nome", "il suo nome",
        ],
    ),
    (Slot::Email, &["email", "e-mail", "correo"]),
    (Slot::Phone, &["phone number", "number to reach", "contact number", "mobile number", "telefono", "telephone"]),
    (
        Slot::BudgetMax,
        &["budget", "price range", "how much would you", "how much do you", "max rent", "maximum rent", "presupuesto"],
    ),
    (
        Slot::Provider,
        &[
            "which dentist", "which doctor", "which stylist", "which salon", "which therapist", "which provider",
            "who would you like", "preferred stylist", "preferred dentist", "preferred doctor",
        ],
    ),
    (
        Slot::Property,
        &[
            "which property", "which apartment", "which hotel", "which house", "which flat", "what property",
            "property name", "hotel name",
        ],
    ),
];

fn question_like(t: &Text) -> bool {
    t.raw.contains('?')
        || t.has_any(&[
            "what",
            "which",
            "when",
            "where",
            "how many",
            "please tell",
            "please provide",
            "please specify",
            "let me know",
            "can you tell",
            "could you tell",
        ])
}

pub(crate) fn read(t: &Text) -> Asked {
    let mut asked = Asked::default();
    if t.len() == 0 {
        return asked;
    }
    let wh = t.has_any(&["what", "which", "when", "where", "how many", "how long", "who", "what's"]);
    let explicit_confirm = t.has_any(STRONG_CONFIRM) || ends_with_tag(t);
    let offer_question =
        (t.has_any(OFFER_ACTION) || t.has_any(OFFER_OBJECT)) && t.has_any(OFFER_ASK) && !wh && !explicit_confirm;
    let proposes_item = t.has_any(&["how about", "what about", "what do you think", "do you like"]);
    let expects = if question_like(t) { expectations(t) } else { Vec::new() };
    let done = t.has_any(DONE);
    asked.act = if done && t.has_any(ANYTHING_ELSE) {
        SysAct::AnythingElse
    } else if done && !offer_question {
        SysAct::Done
    } else if proposes_item && !offer_question {
        SysAct::OfferItem
    } else if wh && !expects.is_empty() {
        SysAct::AskInfo
    } else if explicit_confirm {
        SysAct::Confirm
    } else if offer_question {
        SysAct::OfferAction
    } else if t.has_any(SOFT_CONFIRM) && (t.raw.contains('?') || !t.has_any(OFFER_ITEM)) {
        SysAct::Confirm
    } else if t.has_any(ANYTHING_ELSE) {
        SysAct::AnythingElse
    } else if !expects.is_empty()
        || (wh && t.raw.contains('?'))
        || t.has_any(&["please tell", "let me know", "tell me", "please provide", "please specify"])
    {
        SysAct::AskInfo
    } else if t.has_any(OFFER_ITEM) {
        SysAct::OfferItem
    } else {
        SysAct::None
    };
    if matches!(asked.act, SysAct::AskInfo | SysAct::AnythingElse) {
        asked.expects = expects;
    }
    if asked.act == SysAct::OfferAction {
        asked.offered = Some(
            if t.has_any(&[
                "appointment*",
                "dentist",
                "doctor",
                "salon",
                "stylist",
                "therapist",
                "cita",
                "rendez-vous",
                "termin",
                "consulta",
                "appuntamento",
            ]) {
                Offered::Appointment
            } else if t.has_any(&["visit*", "viewing", "view", "tour", "see the", "see it"]) {
                Offered::Viewing
            } else if t.has_any(&["room*", "hotel", "house", "stay", "reserv*", "nights", "check in"]) {
                Offered::Stay
            } else {
                Offered::Unknown
            },
        );
    }
    asked
}

/// "…, correct?" / "…, right?" at the end of a read-back.
fn ends_with_tag(t: &Text) -> bool {
    let trimmed = t.raw.trim_end();
    trimmed.ends_with('?') && matches!(t.w(t.len() - 1), "correct" | "right" | "ok" | "okay")
}

fn expectations(t: &Text) -> Vec<Slot> {
    let mut found: Vec<(usize, Slot)> = Vec::new();
    for (slot, phrases) in ASKS {
        if let Some((at, _)) = t.find_any(phrases) {
            // "check in" questions are also "when" questions: keep the more specific one.
            let dated = matches!(slot, Slot::Date)
                && found.iter().any(|(_, s)| matches!(s, Slot::CheckIn | Slot::CheckOut | Slot::MoveIn));
            if !dated {
                found.push((at, *slot));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Asked {
        read(&Text::new(s))
    }

    #[test]
    fn reads_questions_for_slots() {
        let a = read_str("What city?");
        assert_eq!((a.act, a.expects), (SysAct::AskInfo, vec![Slot::Area]));
        let a = read_str("When would you like to check in?");
        assert_eq!(a.expects, vec![Slot::CheckIn]);
        let a = read_str("Which city would you like to book in, when are you planning to check in, and how many people are in your party?");
        assert_eq!(a.expects, vec![Slot::Area, Slot::CheckIn, Slot::PartySize]);
        assert_eq!(read_str("What time works for you?").expects, vec![Slot::Time]);
    }

    #[test]
    fn reads_confirmations_offers_and_closings() {
        assert_eq!(read_str("Please confirm: a visit to Avalon on March 3rd.").act, SysAct::Confirm);
        assert_eq!(read_str("So you'd like to book a house in London for 2 people?").act, SysAct::Confirm);
        let offer = read_str("Would you like to schedule a visit to the property?");
        assert_eq!((offer.act, offer.offered), (SysAct::OfferAction, Some(Offered::Viewing)));
        assert_eq!(read_str("Shall I book the appointment?").offered, Some(Offered::Appointment));
        assert_eq!(read_str("Do you want me to reserve a room?").offered, Some(Offered::Stay));
        assert_eq!(read_str("Is there anything else I can help you with?").act, SysAct::AnythingElse);
        assert_eq!(read_str("I found 10 hotels. How about the Hilton?").act, SysAct::OfferItem);
        assert_eq!(read_str("").act, SysAct::None);
        assert_eq!(read_str("Your reservation is confirmed.").act, SysAct::Done);
    }
}
