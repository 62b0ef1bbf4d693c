//! Understanding one inbound message, deterministically and offline: the rules brain's NLU.
//!
//! [`understand`] turns an utterance (plus what the system just asked and the tenant's
//! template) into an [`Intent`], typed [`Slot`]s with normalised values, the [`Language`], an
//! [`Urgency`] and, when it is one, the [`Emergency`]. No regex engine, no models, no clock:
//! hand-written matching over folded tokens keeps the wasm small and every rule testable.
//!
//! Layout: [`text`] tokenises; [`language`] guesses the language; [`numbers`], [`dates`] and
//! [`times`] read quantities; [`places`] reads names of people, places, properties and
//! providers; [`slots`] assembles the slots; [`dialogue`] reads the system's last question;
//! [`urgency`] finds emergencies; [`intent`] decides the intent; [`expect`] reads a reply against
//! the answer an intake question expects (a choice, yes/no, a date).
//!
//! Dates resolve against [`Input::today`] (the tenant's local date). Ambiguity rules:
//! a bare weekday is its next occurrence *after* today (on a Friday, "Friday" is a week away);
//! "this Friday" / "Friday this week" is this week's if not past, else the next one;
//! "next Friday" / "Friday next week" is the Friday of next week (weeks start on Monday);
//! "the 12th" is this month's if not past, else next month's; "March 12" without a year is the
//! next March 12 on or after today; numeric `12/03` is day/month unless the first number
//! cannot be a month's day/month reading (`03/25` → March 25), and ISO `2026-03-12` is exact.
//! Times without am/pm: 1–7 o'clock read as afternoon (business hours), 8–11 as morning.

mod contact;
mod dates;
mod dialogue;
pub mod expect;
mod identity;
mod intent;
mod language;
mod numbers;
mod places;
mod slots;
pub(crate) mod text;
mod times;
mod urgency;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use dates::ParseDateError;
pub use identity::asks_identity;

/// One message to understand.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub utterance: &'a str,
    /// What the system said just before (its question types bare answers).
    pub system_before: Option<&'a str>,
    /// The tenant's template: `letting_agent`, `vacation_rental`, `clinic_salon`, `hotel`, …
    pub tenant_template: Option<&'a str>,
    /// The tenant's local date; relative dates resolve against it.
    pub today: CivilDate,
}

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CivilDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Understanding {
    pub intent: Intent,
    pub slots: BTreeMap<Slot, SlotValue>,
    pub language: Language,
    pub urgency: Urgency,
    pub emergency: Option<Emergency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotValue {
    /// Normalised: ISO date, `HH:MM`, a number, a boolean, E.164 or a string.
    pub value: serde_json::Value,
    /// The words it came from, verbatim from the utterance.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Greeting,
    PricingInfo,
    HoursLocation,
    AvailabilitySearch,
    PropertyEnquiryRent,
    PropertyEnquiryBuy,
    BookViewing,
    BookAppointment,
    BookStay,
    RescheduleCancel,
    ValuationRequest,
    MaintenanceRequest,
    Emergency,
    SpeakToHuman,
    Complaint,
    GeneralEnquiry,
    OptOut,
    WrongNumberSpam,
    ThanksGoodbye,
    Affirm,
    Deny,
    ProvideInfo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Name,
    Email,
    Phone,
    Beds,
    Baths,
    Area,
    Property,
    Provider,
    Date,
    Time,
    CheckIn,
    CheckOut,
    PartySize,
    BudgetMax,
    MoveIn,
    Pets,
    Furnished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Es,
    Fr,
    De,
    Pt,
    It,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Low,
    Normal,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Emergency {
    GasLeak,
    Flood,
    Fire,
    NoHeat,
    NoPower,
    Lockout,
    Injury,
    /// A break-in or intruder.
    Security,
}

impl Language {
    /// The ISO 639-1 code, as the phrase tables key languages.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Pt => "pt",
            Language::It => "it",
        }
    }
}

/// The tenant templates that change how ambiguous words read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Template {
    Letting,
    Stay,
    Appointments,
    Other,
}

impl Template {
    fn from_name(name: Option<&str>) -> Self {
        match name.map(|n| n.trim().to_ascii_lowercase()).as_deref() {
            Some("letting_agent" | "estate_agent" | "property_management" | "real_estate") => Template::Letting,
            Some("hotel" | "vacation_rental" | "holiday_let" | "bnb") => Template::Stay,
            Some("clinic_salon" | "clinic" | "salon" | "dentist" | "spa") => Template::Appointments,
            _ => Template::Other,
        }
    }
}

/// The language a text is written in, read as [`understand`] reads it.
pub fn language_of(text: &str) -> Language {
    language::detect(&text::Text::new(text))
}

/// Understands one message. Never panics; inputs longer than 4 KiB are read up to that point.
pub fn understand(input: &Input) -> Understanding {
    let utterance = text::Text::new(input.utterance);
    let system = input.system_before.map(text::Text::new);
    let template = Template::from_name(input.tenant_template);
    let asked = system.as_ref().map(dialogue::read).unwrap_or_default();
    let language = language::detect(&utterance);
    let slots = slots::extract(&utterance, &asked, template, input.today);
    let emergency = urgency::emergency(&utterance);
    let intent = match emergency {
        Some(_) => Intent::Emergency,
        None => intent::classify(&utterance, &asked, template, &slots),
    };
    let urgency = urgency::urgency(&utterance, intent, emergency);
    Understanding { intent, slots, language, urgency, emergency }
}

#[cfg(test)]
mod tests;
