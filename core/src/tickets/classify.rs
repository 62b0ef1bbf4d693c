//! Which messages open a ticket, of what category and urgency, and what the reporter is told.
//!
//! The urgency rule (documented in docs/API.md):
//! - A gas leak, water coming in, no power, or a lock-out is an **emergency** at any hour.
//! - No heating is an **emergency** at night (20:00–08:00, the tenant's local time) in the
//!   heating season (October to April): nobody should spend a cold night without it. By day,
//!   or in summer, it is **urgent**: a heating engineer can be booked the same day.
//! - Fire, injury and break-ins are emergencies for the emergency services and the on-call
//!   team, not faults for a contractor: they open no ticket.
//! - Any other maintenance request is **urgent** when the message says so (the understood
//!   urgency is high: "asap", "leaking", "not working") and **routine** otherwise.

use super::{Category, NewTicket, TicketUrgency};
use crate::brain::phrases::{phrase, Phrase};
use crate::brain::understand::text::Text;
use crate::brain::understand::{Emergency, Intent, Urgency};
use crate::brain::Turn;

/// How much of the message a ticket's summary quotes.
const SUMMARY_QUOTE_CHARS: usize = 120;

/// The ticket a turn opens, if the message reports a fault of the property. Pure: the rules
/// brain calls it with what it understood; an LLM brain's reply gets the same from the turn.
pub fn from_turn(turn: &Turn, intent: Intent, emergency: Option<Emergency>, urgency: Urgency) -> Option<NewTicket> {
    let category = match (intent, emergency) {
        (Intent::Emergency, Some(kind)) => emergency_category(kind)?,
        (Intent::MaintenanceRequest, _) => category_of(&turn.text),
        _ => return None,
    };
    let urgency = urgency_of(emergency, urgency, turn);
    let quote: String = turn.text.trim().chars().take(SUMMARY_QUOTE_CHARS).collect();
    let summary = format!("{} ({}): \"{quote}\"", category.as_str(), urgency.as_str());
    Some(NewTicket { category, urgency, summary, property: None })
}

/// The category of an emergency that is a property fault; `None` for the rest.
fn emergency_category(kind: Emergency) -> Option<Category> {
    match kind {
        // Water in the wrong place is a plumber's job whatever else the message names.
        Emergency::Flood => Some(Category::Plumbing),
        Emergency::NoHeat => Some(Category::Heating),
        // Gas appliances and supply are fixed by a (Gas Safe) heating engineer.
        Emergency::GasLeak => Some(Category::Heating),
        Emergency::NoPower => Some(Category::Electrical),
        Emergency::Lockout => Some(Category::Locks),
        Emergency::Fire | Emergency::Injury | Emergency::Security => None,
    }
}

/// (category, words that name it). The first category with a match wins: a leaking boiler is
/// heating, a dripping tap is plumbing.
#[rustfmt::skip]
const CATEGORIES: &[(Category, &[&str])] = &[
    (Category::Heating, &[
        "boiler*", "radiator*", "heating", "heater*", "hot water", "thermostat*", "furnace", "calefaccion",
        "caldera", "radiador*", "chauffage", "chaudiere", "heizung", "heizkorper", "aquecimento", "caldaia",
        "riscaldamento", "termosifone*",
    ]),
    (Category::Locks, &[
        "lock*", "key*", "latch", "door won't", "door wont", "cerradura", "llave*", "serrure", "cle*", "schloss",
        "schlussel*", "fechadura", "chave*", "serratura", "chiave*",
    ]),
    (Category::Appliances, &[
        "oven*", "fridge*", "freezer*", "washing machine*", "dishwasher*", "cooker*", "hob", "microwave*",
        "dryer*", "tumble dryer*", "extractor*", "horno", "nevera", "lavadora", "lavavajillas", "four", "frigo",
        "lave-linge", "lave-vaisselle", "backofen", "kuhlschrank", "waschmaschine", "spulmaschine", "forno",
        "frigorifico", "geladeira", "maquina de lavar", "frigorifero", "lavatrice", "lavastoviglie",
    ]),
    (Category::Electrical, &[
        "socket*", "plug*", "fuse*", "light*", "switch*", "electric*", "wiring", "power", "trip switch", "enchufe*",
        "electricidad", "luz", "prise*", "electricite", "steckdose*", "strom", "sicherung*", "tomada*",
        "eletricidade", "presa", "corrente", "luce",
    ]),
    (Category::Plumbing, &[
        "leak*", "tap*", "toilet*", "loo", "sink*", "drain*", "pipe*", "shower*", "bath*", "blocked", "drip*",
        "water", "fuga", "grifo", "inodoro", "desague", "fuite", "robinet*", "toilettes", "evier", "tropft",
        "wasserhahn", "toilette", "abfluss", "vazamento", "torneira", "sanita", "perdita", "rubinetto", "scarico",
    ]),
];

/// The category a maintenance message names; [`Category::Other`] when it names none.
pub fn category_of(text: &str) -> Category {
    let t = Text::new(text);
    CATEGORIES.iter().find(|(_, words)| t.has_any(words)).map_or(Category::Other, |(c, _)| *c)
}

/// The ticket's urgency by the rule in this module's documentation.
pub fn urgency_of(emergency: Option<Emergency>, understood: Urgency, turn: &Turn) -> TicketUrgency {
    match emergency {
        Some(Emergency::NoHeat) if cold_night(turn) => TicketUrgency::Emergency,
        Some(Emergency::NoHeat) => TicketUrgency::Urgent,
        Some(_) => TicketUrgency::Emergency,
        None if matches!(understood, Urgency::High | Urgency::Critical) => TicketUrgency::Urgent,
        None => TicketUrgency::Routine,
    }
}

const NIGHT_FROM: u16 = 20 * 60;
const NIGHT_UNTIL: u16 = 8 * 60;

/// A night in the heating season (October to April), the tenant's local time.
fn cold_night(turn: &Turn) -> bool {
    let t = turn.local_time;
    let night = t.minute_of_day >= NIGHT_FROM || t.minute_of_day < NIGHT_UNTIL;
    night && !(5..=9).contains(&t.date.month)
}

/// The reply to an emergency: the standing emergency words and, when the message is an
/// emergency fault and the tenant names an emergency contractor, who to call for the repair.
pub fn emergency_reply(turn: &Turn, emergency: Option<Emergency>, lang: &str) -> String {
    let base = phrase(Phrase::Emergency, lang);
    let ticket = from_turn(turn, Intent::Emergency, emergency, Urgency::Critical);
    let contractor = turn.settings.maintenance.emergency_contractor.as_ref();
    match (ticket, contractor) {
        (Some(t), Some(c)) if t.urgency == TicketUrgency::Emergency => {
            format!("{base} {}", contractor_line(t.category, lang, &c.name, c.phone.as_str()))
        }
        _ => base.to_owned(),
    }
}

/// "For the repair itself, call our emergency plumber, Pipe Pros, on +44…".
fn contractor_line(category: Category, lang: &str, name: &str, phone: &str) -> String {
    match lang {
        "es" => format!("Para la reparación, llame a nuestro técnico de urgencias, {name}, al {phone}."),
        "fr" => format!("Pour la réparation, appelez notre dépanneur d'urgence, {name}, au {phone}."),
        "de" => format!("Für die Reparatur rufen Sie unseren Notdienst {name} an: {phone}."),
        "pt" => format!("Para a reparação, ligue para o nosso técnico de urgência, {name}, pelo {phone}."),
        "it" => format!("Per la riparazione chiami il nostro tecnico di pronto intervento, {name}, al {phone}."),
        _ => {
            let trade = match category {
                Category::Plumbing => "plumber",
                Category::Heating => "heating engineer",
                Category::Electrical => "electrician",
                Category::Locks => "locksmith",
                Category::Appliances | Category::Other => "contractor",
            };
            format!("For the repair itself, call our emergency {trade}, {name}, on {phone}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::simulate::sms_turn;
    use crate::brain::understand::CivilDate;
    use crate::brain::Brain;
    use crate::phone::PhoneE164;
    use crate::tenant::{LocalTime, Settings};
    use crate::tickets::Contractor;

    fn at(text: &str, date: &str, hour: u16) -> Turn {
        let local = LocalTime { date: date.parse::<CivilDate>().unwrap(), minute_of_day: hour * 60 };
        sms_turn("Acme Lettings", &Settings::default(), text, local)
    }

    #[test]
    fn a_broken_boiler_is_a_heating_emergency_on_a_winter_night_and_urgent_by_day() {
        let text = "The boiler's broken and there's no heating";
        let night =
            from_turn(&at(text, "2026-01-15", 3), Intent::Emergency, Some(Emergency::NoHeat), Urgency::Critical)
                .unwrap();
        assert_eq!((night.category, night.urgency), (Category::Heating, TicketUrgency::Emergency));
        assert!(night.summary.contains("boiler's broken"), "{}", night.summary);
        let day = from_turn(&at(text, "2026-01-15", 11), Intent::Emergency, Some(Emergency::NoHeat), Urgency::Critical);
        assert_eq!(day.unwrap().urgency, TicketUrgency::Urgent);
        let summer =
            from_turn(&at(text, "2026-07-15", 3), Intent::Emergency, Some(Emergency::NoHeat), Urgency::Critical);
        assert_eq!(summer.unwrap().urgency, TicketUrgency::Urgent);
    }

    #[test]
    fn property_emergencies_open_tickets_and_others_do_not() {
        let turn = at("help", "2026-07-15", 14);
        let open =
            |kind| from_turn(&turn, Intent::Emergency, Some(kind), Urgency::Critical).map(|t| (t.category, t.urgency));
        assert_eq!(open(Emergency::Flood), Some((Category::Plumbing, TicketUrgency::Emergency)));
        assert_eq!(open(Emergency::GasLeak), Some((Category::Heating, TicketUrgency::Emergency)));
        assert_eq!(open(Emergency::NoPower), Some((Category::Electrical, TicketUrgency::Emergency)));
        assert_eq!(open(Emergency::Lockout), Some((Category::Locks, TicketUrgency::Emergency)));
        assert_eq!(open(Emergency::Fire), None);
        assert_eq!(open(Emergency::Injury), None);
        assert_eq!(open(Emergency::Security), None);
        assert_eq!(from_turn(&turn, Intent::BookViewing, None, Urgency::Normal), None);
    }

    #[test]
    fn maintenance_requests_are_categorised_from_their_words() {
        assert_eq!(category_of("the kitchen tap is dripping"), Category::Plumbing);
        assert_eq!(category_of("the radiator in the bedroom is cold"), Category::Heating);
        assert_eq!(category_of("the front door lock is stiff"), Category::Locks);
        assert_eq!(category_of("the washing machine won't spin"), Category::Appliances);
        assert_eq!(category_of("a socket in the lounge sparks"), Category::Electrical);
        assert_eq!(category_of("La lavadora no funciona"), Category::Appliances);
        assert_eq!(category_of("the window won't close"), Category::Other);
        let turn = at("the kitchen tap is leaking, please come asap", "2026-03-02", 10);
        let ticket = from_turn(&turn, Intent::MaintenanceRequest, None, Urgency::High).unwrap();
        assert_eq!((ticket.category, ticket.urgency), (Category::Plumbing, TicketUrgency::Urgent));
        let routine = from_turn(&turn, Intent::MaintenanceRequest, None, Urgency::Normal).unwrap();
        assert_eq!(routine.urgency, TicketUrgency::Routine);
        // Through the rules brain, as a turn meets it.
        let brain = |text| crate::brain::rules::RulesBrain.respond(&at(text, "2026-03-02", 10)).ticket;
        let tap = brain("Hi, the kitchen tap in my flat is dripping, could someone look at it?").unwrap();
        assert_eq!((tap.category, tap.urgency), (Category::Plumbing, TicketUrgency::Routine));
        assert_eq!(brain("Is the flat on Elm Road still available?"), None);
    }

    #[test]
    fn the_emergency_reply_gives_the_contractors_number_only_for_an_emergency_fault() {
        let mut turn = at("There's water pouring through my ceiling", "2026-01-15", 3);
        assert_eq!(emergency_reply(&turn, Some(Emergency::Flood), "en"), phrase(Phrase::Emergency, "en"));
        turn.settings.maintenance.emergency_contractor =
            Some(Contractor { name: "Pipe Pros".into(), phone: PhoneE164::parse("+441632960123").unwrap() });
        let reply = emergency_reply(&turn, Some(Emergency::Flood), "en");
        assert!(reply.ends_with("call our emergency plumber, Pipe Pros, on +441632960123."), "{reply}");
        assert!(emergency_reply(&turn, Some(Emergency::Flood), "es").contains("+441632960123"));
        // The rules brain's whole reply, framed for SMS at 03:00, keeps the contractor's number.
        let mut night = at("The boiler's broken and there's no heating", "2026-01-15", 3);
        night.settings = turn.settings.clone();
        night.contact_name = Some("Priya Shah".into());
        let reply = crate::brain::rules::RulesBrain.respond(&night);
        let text = reply.text.unwrap();
        assert!(text.contains("call our emergency heating engineer, Pipe Pros, on +441632960123."), "{text}");
        let ticket = reply.ticket.unwrap();
        assert_eq!((ticket.category, ticket.urgency), (Category::Heating, TicketUrgency::Emergency));
        // A fire is for the emergency services: no contractor.
        assert_eq!(emergency_reply(&turn, Some(Emergency::Fire), "en"), phrase(Phrase::Emergency, "en"));
    }
}
