//! The receptionist's acts as LLM tools: search the listings, check availability, book, move or
//! cancel the booking, send an info pack. Each call becomes the same [`Act`] the rules brain
//! plans, carried out by the same glue executor (the session hands it over as
//! [`super::session::Io::Act`]); its [`Outcome`] comes back to the model as compact JSON with
//! the rules brain's own words for it (`brain::acted`). Nothing here names a contact: a booking
//! is always the current contact's, and only the booking this conversation made can be moved or
//! cancelled.

use super::tools::{arguments, ToolCall, ToolDef, ToolOutcome};
use crate::booking::{parse_rfc3339, Booking, BookingRefusal, Kind, Stay};
use crate::brain::act::{at_local, Act, Done, Outcome, LISTED};
use crate::brain::acted::say_done;
use crate::brain::understand::CivilDate;
use crate::brain::Turn;
use crate::listings::query::from_params;
use crate::listings::{summary, Listing, Medium, Status};
use serde_json::{json, Map, Value};

pub const SEARCH_LISTINGS: &str = "search_listings";
pub const CHECK_AVAILABILITY: &str = "check_availability";
pub const BOOK: &str = "book";
pub const RESCHEDULE_BOOKING: &str = "reschedule_booking";
pub const CANCEL_BOOKING: &str = "cancel_booking";
pub const SEND_INFO_PACK: &str = "send_info_pack";

pub const NAMES: [&str; 6] =
    [SEARCH_LISTINGS, CHECK_AVAILABILITY, BOOK, RESCHEDULE_BOOKING, CANCEL_BOOKING, SEND_INFO_PACK];

/// The longest availability question a caller needs answered at once.
const MAX_DAYS: u64 = 14;
const DEFAULT_DAYS: u16 = 7;
/// A listing reference or id, a feature word, a search phrase.
const TEXT_CHARS: usize = 120;

pub fn definitions() -> Vec<ToolDef> {
    let listing = json!({ "type": "string", "maxLength": TEXT_CHARS,
                          "description": "A listing's reference (e.g. MP-2026-014) or id, as search_listings gave it." });
    vec![
        ToolDef {
            name: SEARCH_LISTINGS,
            description: "Search the business's available listings. Name only listings this returns, with their \
                          reference.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "kind": { "type": "string", "enum": ["rent", "sale", "stay"] },
                    "area": { "type": "string", "maxLength": TEXT_CHARS, "description": "Area or postcode district." },
                    "beds": { "type": "integer", "minimum": 0, "maximum": 50, "description": "The fewest bedrooms." },
                    "max_price": { "type": "number", "exclusiveMinimum": 0 },
                    "features": { "type": "array", "items": { "type": "string", "maxLength": TEXT_CHARS },
                                  "description": "e.g. parking, garden, pets_allowed, furnished." },
                    "text": { "type": "string", "maxLength": TEXT_CHARS, "description": "Other words to match." }
                },
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: CHECK_AVAILABILITY,
            description: "Free times for a viewing of a listing, or an appointment, in the business's time zone. \
                          Offer only times this returns.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "kind": { "type": "string", "enum": ["viewing", "appointment"] },
                    "listing": listing,
                    "from": { "type": "string", "format": "date", "description": "First day, YYYY-MM-DD (default today)." },
                    "days": { "type": "integer", "minimum": 1, "maximum": MAX_DAYS }
                },
                "required": ["kind"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: BOOK,
            description: "Book for the caller: a viewing or appointment at a start time check_availability gave, \
                          or a stay at a listing from check_in to check_out. Only when the caller has said yes to \
                          that time or those dates. The calendar may refuse, naming the rule and an alternative.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "kind": { "type": "string", "enum": ["viewing", "appointment", "stay"] },
                    "listing": listing,
                    "start": { "type": "string", "description": "Start, as check_availability gave it (RFC 3339), or YYYY-MM-DDTHH:MM local time." },
                    "check_in": { "type": "string", "format": "date" },
                    "check_out": { "type": "string", "format": "date" }
                },
                "required": ["kind"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: RESCHEDULE_BOOKING,
            description: "Move the caller's booking made in this conversation to a new start time.",
            input_schema: json!({
                "type": "object",
                "properties": { "start": { "type": "string", "description": "RFC 3339, or YYYY-MM-DDTHH:MM local time." } },
                "required": ["start"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: CANCEL_BOOKING,
            description: "Cancel the caller's booking made in this conversation, when they ask to.",
            input_schema: json!({ "type": "object", "properties": {}, "additionalProperties": false }),
        },
        ToolDef {
            name: SEND_INFO_PACK,
            description: "Send the caller the details of listings (by their channel, or by email when they ask and \
                          we have their address). Without listings, the ones discussed in this conversation.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "listings": { "type": "array", "items": listing, "maxItems": crate::listings::pack::PACK_LISTINGS },
                    "by_email": { "type": "boolean" }
                },
                "additionalProperties": false
            }),
        },
    ]
}

/// The act a call asks for, judged against what this message already did (`done`: the rules'
/// acts and the model's earlier calls), or the error result the model reads instead.
pub fn act_of(turn: &Turn, done: &Done, call: &ToolCall) -> Result<Act, ToolOutcome> {
    let input = arguments(call)?;
    let allowed: &[&str] = match call.name.as_str() {
        SEARCH_LISTINGS => &["kind", "area", "beds", "max_price", "features", "text"],
        CHECK_AVAILABILITY => &["kind", "listing", "from", "days"],
        BOOK => &["kind", "listing", "start", "check_in", "check_out"],
        RESCHEDULE_BOOKING => &["start"],
        CANCEL_BOOKING => &[],
        SEND_INFO_PACK => &["listings", "by_email"],
        other => return Err(ToolOutcome::error(format!("unknown tool `{other}`"))),
    };
    if let Some(key) = input.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ToolOutcome::error(format!(
            "unknown argument `{key}`; {} takes {}",
            call.name,
            allowed.join(", ")
        )));
    }
    let changed = done.0.iter().find(|(a, _)| {
        matches!(a, Act::Book { .. } | Act::BookStay { .. } | Act::Reschedule { .. } | Act::Cancel { .. })
    });
    let a = Args(&input);
    match call.name.as_str() {
        SEARCH_LISTINGS => search(&a, turn),
        CHECK_AVAILABILITY => {
            let kind = a.slot_kind()?;
            let from = a.date("from")?;
            let days = match input.get("days") {
                None | Some(Value::Null) => {
                    if from.is_some() {
                        1
                    } else {
                        DEFAULT_DAYS
                    }
                }
                Some(v) => match v.as_u64() {
                    Some(n) if (1..=MAX_DAYS).contains(&n) => n as u16,
                    _ => return Err(ToolOutcome::error(format!("days must be a whole number from 1 to {MAX_DAYS}"))),
                },
            };
            let listing_id = a.text("listing")?.or_else(|| focus(turn, done));
            Ok(Act::Availability { kind, listing_id, from, days })
        }
        BOOK | RESCHEDULE_BOOKING | CANCEL_BOOKING if changed.is_some() => {
            let said = changed.and_then(|c| said_of(turn, c)).unwrap_or_default();
            Err(ToolOutcome::error(format!(
                "a booking was already made or changed for this message ({said}); tell the caller, do not do it again"
            )))
        }
        BOOK => {
            let listing_id = a.text("listing")?.or_else(|| focus(turn, done));
            match input.get("kind").and_then(Value::as_str) {
                Some("stay") => {
                    let Some(listing_id) = listing_id else {
                        return Err(ToolOutcome::error("listing is required for a stay"));
                    };
                    let (Some(check_in), Some(check_out)) = (a.date("check_in")?, a.date("check_out")?) else {
                        return Err(ToolOutcome::error("a stay needs check_in and check_out, YYYY-MM-DD"));
                    };
                    if check_out <= check_in {
                        return Err(ToolOutcome::error("check_out must be after check_in"));
                    }
                    Ok(Act::BookStay { listing_id, stay: Stay { check_in, check_out } })
                }
                _ => {
                    let kind = a.slot_kind()?;
                    let start_ms = a.start(turn)?;
                    if kind == Kind::Viewing && listing_id.is_none() {
                        return Err(ToolOutcome::error("a viewing needs the listing: its reference"));
                    }
                    Ok(Act::Book { kind, listing_id, start_ms })
                }
            }
        }
        RESCHEDULE_BOOKING => {
            let start_ms = a.start(turn)?;
            Ok(Act::Reschedule { booking_id: conversation_booking(turn, done)?, start_ms })
        }
        CANCEL_BOOKING => Ok(Act::Cancel { booking_id: conversation_booking(turn, done)? }),
        _ if done.0.iter().any(|(a, o)| matches!((a, o), (Act::SendInfoPack { .. }, Outcome::PackSent { references, .. }) if !references.is_empty())) => {
            Err(ToolOutcome::error(
                "the details were already sent for this message (see what was done): tell the caller, do not send again",
            ))
        }
        _ => {
            let listing_ids = match input.get("listings") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) if items.len() <= crate::listings::pack::PACK_LISTINGS => items
                    .iter()
                    .map(|i| i.as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| ToolOutcome::error("listings must be references, as text"))?,
                Some(_) => {
                    return Err(ToolOutcome::error(format!(
                        "listings must be a list of at most {} references",
                        crate::listings::pack::PACK_LISTINGS
                    )))
                }
            };
            let by_email = match input.get("by_email") {
                None | Some(Value::Null) => false,
                Some(v) => v.as_bool().ok_or_else(|| ToolOutcome::error("by_email must be true or false"))?,
            };
            Ok(Act::SendInfoPack { listing_ids, by_email })
        }
    }
}

/// What the act did, for the model: the facts as data and the rules brain's sentence for them.
pub fn act_result(turn: &Turn, act: &Act, outcome: &Outcome) -> ToolOutcome {
    let said = said_of(turn, &(act.clone(), outcome.clone()));
    let mut result = match outcome {
        Outcome::Listing(Some(listing)) => json!({ "listing": item(listing) }),
        Outcome::Listing(None) => json!({ "listing": null, "note": "No listing matches that." }),
        Outcome::Listings(found) => json!({ "listings": found.iter().take(LISTED).map(item).collect::<Vec<_>>() }),
        Outcome::Slots(slots) => json!({
            "slots": slots.iter().map(|s| json!({ "start": s.start_rfc3339(), "end": s.end_rfc3339() })).collect::<Vec<_>>()
        }),
        Outcome::Booked(booking) => json!({ "booking": booking_json(booking) }),
        Outcome::Refused(refusal) => json!({ "refused": refusal_rule(refusal) }),
        Outcome::PackSent { references, channel } => json!({ "sent": references, "channel": channel }),
        Outcome::Saved => json!({ "saved_search": true }),
        Outcome::Failed => {
            return ToolOutcome::error(
                "that could not be done right now: tell the caller the team will follow up, and escalate",
            )
        }
    };
    if let Some(said) = said {
        result["said"] = json!(said);
    }
    ToolOutcome::ok(result, None)
}

/// The rules brain's words for one act's outcome.
fn said_of(turn: &Turn, done: &(Act, Outcome)) -> Option<String> {
    say_done(turn, &Done(vec![done.clone()]), &turn.lead, "en").map(|s| s.parts.join(" "))
}

fn item(l: &Listing) -> Value {
    json!({ "id": l.id, "reference": l.reference, "summary": summary(l, Medium::Text), "status": l.status,
            "features": l.features })
}

fn booking_json(b: &Booking) -> Value {
    json!({ "id": b.id, "kind": b.kind, "status": b.status, "listing_id": b.listing_id, "start": b.start, "end": b.end })
}

fn refusal_rule(refusal: &BookingRefusal) -> &'static str {
    match refusal {
        BookingRefusal::RuleViolation(_) => "booking_rule",
        BookingRefusal::SlotTaken { .. } => "slot_taken",
        BookingRefusal::OutsideHours { .. } => "outside_hours",
        BookingRefusal::NotFound => "not_found",
        BookingRefusal::Cancelled => "cancelled",
    }
}

fn search(a: &Args, turn: &Turn) -> Result<Act, ToolOutcome> {
    let features = match a.0.get("features") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ToolOutcome::error("features must be words, as text"))?,
        Some(_) => return Err(ToolOutcome::error("features must be a list of words")),
    };
    let text = a.text("text")?;
    let q: Vec<String> = features.into_iter().chain(text).collect();
    let param = |name: &str| -> Option<String> {
        match name {
            "q" => Some(q.join(" ")),
            "kind" | "area" | "beds" | "max_price" => a.0.get(name).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
            _ => None,
        }
    };
    let mut query = from_params(param).map_err(ToolOutcome::error)?.unwrap_or_default();
    if query.kind.is_none() && matches!(turn.settings.template.as_deref(), Some("vacation_rental" | "hotel")) {
        query.kind = Some(crate::listings::Kind::Stay);
    }
    query.status = Some(Status::Available);
    query.limit = LISTED;
    Ok(Act::SearchListings(query))
}

/// The listing in focus: found this message, else the one the conversation is about.
fn focus(turn: &Turn, done: &Done) -> Option<String> {
    done.listing().map(|l| l.id.clone()).or_else(|| turn.dialogue.listing.as_ref().map(|l| l.id.clone()))
}

/// The booking this conversation made: this message's, else the dialogue's.
fn conversation_booking(turn: &Turn, done: &Done) -> Result<String, ToolOutcome> {
    let made = done.0.iter().rev().find_map(|(_, o)| match o {
        Outcome::Booked(b) if b.status != "cancelled" => Some(b.id.clone()),
        _ => None,
    });
    made.or_else(|| turn.dialogue.booking.as_ref().map(|b| b.id.clone()))
        .ok_or_else(|| ToolOutcome::error("there is no booking in this conversation; the team can find older ones"))
}

/// A call's arguments, read with errors the model can act on.
struct Args<'a>(&'a Map<String, Value>);

impl Args<'_> {
    fn text(&self, key: &str) -> Result<Option<String>, ToolOutcome> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) if s.chars().count() <= TEXT_CHARS => Ok(Some(s.trim().to_owned())),
            Some(_) => Err(ToolOutcome::error(format!("{key} must be text of at most {TEXT_CHARS} characters"))),
        }
    }

    fn date(&self, key: &str) -> Result<Option<CivilDate>, ToolOutcome> {
        self.text(key)?
            .map(|d| d.parse().map_err(|_| ToolOutcome::error(format!("{key} must be a YYYY-MM-DD date"))))
            .transpose()
    }

    fn slot_kind(&self) -> Result<Kind, ToolOutcome> {
        match self.0.get("kind").and_then(Value::as_str) {
            Some("viewing") | None => Ok(Kind::Viewing),
            Some("appointment") => Ok(Kind::Appointment),
            Some(_) => Err(ToolOutcome::error("kind must be viewing or appointment")),
        }
    }

    /// RFC 3339, or a local `YYYY-MM-DDTHH:MM` in the business's time zone.
    fn start(&self, turn: &Turn) -> Result<u64, ToolOutcome> {
        let bad = || ToolOutcome::error("start must be RFC 3339 (as check_availability gave it) or YYYY-MM-DDTHH:MM");
        let text = self.text("start")?.ok_or_else(bad)?;
        if let Some(ms) = parse_rfc3339(&text) {
            return Ok(ms);
        }
        let (date, time) = text.split_once(['T', ' ']).ok_or_else(bad)?;
        let date: CivilDate = date.parse().map_err(|_| bad())?;
        let (h, m) = time.split_once(':').ok_or_else(bad)?;
        let (h, m) = (h.parse::<u16>().map_err(|_| bad())?, m.get(..2).unwrap_or(m).parse::<u16>().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(at_local(turn, date, h * 60 + m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::Slot;
    use crate::dialogue::{BookingRef, ListingRef};
    use crate::llm::testing::turn;

    fn call(name: &str, arguments: Value) -> ToolCall {
        ToolCall { id: "call_1".into(), name: name.into(), arguments: arguments.to_string() }
    }

    /// Monday 23 Nov 2026 10:00 at a letting agent on UTC, about the flat on Elm Road.
    fn at_agent(text: &str) -> Turn {
        let mut t = turn(text);
        t.now_ms = u64::try_from((t.local_time.date.to_days() * 1440 + 600) * 60_000).unwrap();
        t.dialogue.listing = Some(ListingRef { id: "lst_elm".into(), label: "the flat on Elm Road".into() });
        t
    }

    fn error(outcome: ToolOutcome) -> String {
        assert!(outcome.is_error && outcome.action.is_none());
        serde_json::from_str::<Value>(&outcome.result_json).unwrap()["error"].as_str().unwrap().to_owned()
    }

    fn booking(id: &str, start: &str) -> Booking {
        Booking::sample(id, Kind::Viewing, "lst_elm", start.into(), start.into())
    }

    #[test]
    fn the_six_tools_have_object_schemas_and_map_onto_the_rules_brains_acts() {
        let defs = definitions();
        assert_eq!(defs.iter().map(|d| d.name).collect::<Vec<_>>(), NAMES);
        assert!(defs.iter().all(|d| d.input_schema["type"] == "object" && !d.description.is_empty()));
        let t = at_agent("2 beds in Clifton with parking under 1500?");
        let done = Done::default();
        let search = call(
            SEARCH_LISTINGS,
            json!({"kind": "rent", "area": "Clifton", "beds": 2, "max_price": 1500, "features": ["parking"], "text": "garden"}),
        );
        let Ok(Act::SearchListings(q)) = act_of(&t, &done, &search) else { panic!() };
        assert_eq!((q.kind, q.beds, q.max_price), (Some(crate::listings::Kind::Rent), Some(2), Some(1500.0)));
        assert_eq!((q.area.as_deref(), q.q.as_deref()), (Some("Clifton"), Some("parking garden")));
        assert_eq!((q.status, q.limit), (Some(Status::Available), LISTED), "only what can be offered");

        let check = call(CHECK_AVAILABILITY, json!({"kind": "viewing", "from": "2026-11-24"}));
        let expected = Act::Availability {
            kind: Kind::Viewing,
            listing_id: Some("lst_elm".into()),
            from: Some("2026-11-24".parse().unwrap()),
            days: 1,
        };
        assert_eq!(act_of(&t, &done, &check), Ok(expected), "the listing in focus, one day");
        let check = call(CHECK_AVAILABILITY, json!({"kind": "appointment", "listing": "MP-2026-014"}));
        let Ok(Act::Availability { kind, listing_id, days, .. }) = act_of(&t, &done, &check) else { panic!() };
        assert_eq!((kind, listing_id.as_deref(), days), (Kind::Appointment, Some("MP-2026-014"), 7));

        let offered = Slot { start_ms: 1_795_514_400_000, end_ms: 0, staff_id: None, offset_minutes: 60 };
        let book = call(BOOK, json!({"kind": "viewing", "listing": "MP-2026-014", "start": offered.start_rfc3339()}));
        assert_eq!(
            act_of(&t, &done, &book),
            Ok(Act::Book { kind: Kind::Viewing, listing_id: Some("MP-2026-014".into()), start_ms: offered.start_ms })
        );
        // A local time is the business's: 11:30 on the Tuesday, here on UTC.
        let local = call(BOOK, json!({"kind": "viewing", "start": "2026-11-24T11:30"}));
        let Ok(Act::Book { start_ms, listing_id, .. }) = act_of(&t, &done, &local) else { panic!() };
        assert_eq!(listing_id.as_deref(), Some("lst_elm"));
        assert_eq!(crate::booking::rfc3339(start_ms, 0), "2026-11-24T11:30:00+00:00");
        let stay =
            call(BOOK, json!({"kind": "stay", "listing": "HV-1", "check_in": "2027-05-01", "check_out": "2027-05-04"}));
        let Ok(Act::BookStay { listing_id, stay }) = act_of(&t, &done, &stay) else { panic!() };
        assert_eq!((listing_id.as_str(), stay.check_out.to_string().as_str()), ("HV-1", "2027-05-04"));

        let pack = call(SEND_INFO_PACK, json!({"listings": ["MP-2026-014"], "by_email": true}));
        assert_eq!(
            act_of(&t, &done, &pack),
            Ok(Act::SendInfoPack { listing_ids: vec!["MP-2026-014".into()], by_email: true })
        );
        assert_eq!(
            act_of(&t, &done, &call(SEND_INFO_PACK, json!({}))),
            Ok(Act::SendInfoPack { listing_ids: vec![], by_email: false }),
            "the ones discussed"
        );
    }

    #[test]
    fn bad_arguments_are_readable_errors_for_the_model() {
        let t = at_agent("book it");
        let done = Done::default();
        for (name, arguments, says) in [
            (SEARCH_LISTINGS, json!({"beds": "lots"}), "`beds` must be a whole number"),
            (SEARCH_LISTINGS, json!({"kind": "castle"}), "`kind` must be one of rent, sale, stay"),
            (SEARCH_LISTINGS, json!({"features": "parking"}), "features must be a list"),
            (SEARCH_LISTINGS, json!({"contact_id": "con_other"}), "unknown argument `contact_id`"),
            (CHECK_AVAILABILITY, json!({"kind": "stay"}), "kind must be viewing or appointment"),
            (CHECK_AVAILABILITY, json!({"kind": "viewing", "days": 90}), "days must be a whole number from 1 to 14"),
            (CHECK_AVAILABILITY, json!({"kind": "viewing", "from": "next week"}), "from must be a YYYY-MM-DD date"),
            (BOOK, json!({"kind": "viewing"}), "start must be RFC 3339"),
            (BOOK, json!({"kind": "viewing", "start": "tomorrow at 10"}), "start must be RFC 3339"),
            (BOOK, json!({"kind": "viewing", "start": "2026-11-24T25:00"}), "start must be RFC 3339"),
            (BOOK, json!({"kind": "stay", "listing": "HV-1"}), "a stay needs check_in and check_out"),
            (
                BOOK,
                json!({"kind": "stay", "listing": "HV-1", "check_in": "2027-05-04", "check_out": "2027-05-01"}),
                "check_out must be after check_in",
            ),
            (
                BOOK,
                json!({"kind": "viewing", "start": "2026-11-24T11:30", "contact": "+447700900999"}),
                "unknown argument `contact`",
            ),
            (RESCHEDULE_BOOKING, json!({"start": "2026-11-24T11:30"}), "there is no booking in this conversation"),
            (CANCEL_BOOKING, json!({}), "there is no booking in this conversation"),
            (CANCEL_BOOKING, json!({"booking_id": "bkg_someone_elses"}), "unknown argument `booking_id`"),
            (SEND_INFO_PACK, json!({"listings": "MP-1"}), "listings must be a list of at most 3"),
            (SEND_INFO_PACK, json!({"listings": [1]}), "listings must be references"),
            (SEND_INFO_PACK, json!({"by_email": "yes"}), "by_email must be true or false"),
        ] {
            let said = error(act_of(&t, &done, &call(name, arguments.clone())).unwrap_err());
            assert!(said.contains(says), "{name} {arguments}: {said}");
        }
        let mut no_focus = t.clone();
        no_focus.dialogue.listing = None;
        let said = error(
            act_of(&no_focus, &done, &call(BOOK, json!({"kind": "viewing", "start": "2026-11-24T11:30"}))).unwrap_err(),
        );
        assert!(said.contains("a viewing needs the listing"), "{said}");
        let raw = ToolCall { id: "c".into(), name: BOOK.into(), arguments: "{\"kind\":".into() };
        assert!(error(act_of(&t, &done, &raw).unwrap_err()).contains("not valid JSON"));
    }

    #[test]
    fn only_the_conversations_booking_is_moved_or_cancelled_and_a_message_books_once() {
        let mut t = at_agent("cancel it please");
        t.dialogue.booking = Some(BookingRef { id: "bkg_mine".into(), label: "your viewing".into(), date: None });
        let done = Done::default();
        assert_eq!(
            act_of(&t, &done, &call(CANCEL_BOOKING, json!({}))),
            Ok(Act::Cancel { booking_id: "bkg_mine".into() })
        );
        let moved = act_of(&t, &done, &call(RESCHEDULE_BOOKING, json!({"start": "2026-11-24T15:00"})));
        assert!(matches!(moved, Ok(Act::Reschedule { ref booking_id, .. }) if booking_id == "bkg_mine"), "{moved:?}");
        // The rules acts already booked for this message: the model is told, not allowed again.
        let start = "2026-11-24T11:30:00Z";
        let booked = Act::Book { kind: Kind::Viewing, listing_id: Some("lst_elm".into()), start_ms: 0 };
        let done = Done(vec![(booked, Outcome::Booked(booking("bkg_new", start)))]);
        let again = call(BOOK, json!({"kind": "viewing", "start": "2026-11-24T15:00"}));
        let said = error(act_of(&t, &done, &again).unwrap_err());
        assert!(
            said.contains("already made or changed for this message") && said.contains("Booked: your viewing"),
            "{said}"
        );
    }

    #[test]
    fn an_info_pack_the_rules_already_sent_for_this_message_is_not_sent_again() {
        let t = at_agent("send me the details");
        let pack = Act::SendInfoPack { listing_ids: vec![], by_email: false };
        let sent = Outcome::PackSent { references: vec!["MP-1".into()], channel: "sms".into() };
        let said = error(act_of(&t, &Done(vec![(pack.clone(), sent)]), &call(SEND_INFO_PACK, json!({}))).unwrap_err());
        assert!(said.contains("already sent"), "{said}");
        // Nothing was discussed then: the model may send the ones it found since.
        let none = Outcome::PackSent { references: vec![], channel: String::new() };
        let again = act_of(&t, &Done(vec![(pack, none)]), &call(SEND_INFO_PACK, json!({"listings": ["MP-1"]})));
        assert!(again.is_ok(), "{again:?}");
    }

    #[test]
    fn results_are_compact_json_with_the_rules_brains_words() {
        let t = at_agent("when can I view it?");
        let slot = Slot { start_ms: 1_795_514_400_000, end_ms: 1_795_516_200_000, staff_id: None, offset_minutes: 60 };
        let act = Act::Availability { kind: Kind::Viewing, listing_id: Some("lst_elm".into()), from: None, days: 7 };
        let r = act_result(&t, &act, &Outcome::Slots(vec![slot.clone()]));
        let v: Value = serde_json::from_str(&r.result_json).unwrap();
        assert_eq!(v["slots"][0]["start"], slot.start_rfc3339(), "in the tenant's offset");
        assert!(v["said"].as_str().unwrap().contains("I can show you the flat on Elm Road"), "{v}");

        let refused =
            Outcome::Refused(BookingRefusal::SlotTaken { alternative: Some(crate::booking::Alternative::Slot(slot)) });
        let act = Act::Book { kind: Kind::Viewing, listing_id: None, start_ms: 0 };
        let v: Value = serde_json::from_str(&act_result(&t, &act, &refused).result_json).unwrap();
        assert_eq!(v["refused"], "slot_taken");
        assert!(v["said"].as_str().unwrap().contains("instead — would that suit you?"), "{v}");

        let sent = Outcome::PackSent { references: vec!["MP-1".into(), "MP-2".into()], channel: "sms".into() };
        let act = Act::SendInfoPack { listing_ids: vec![], by_email: false };
        let v: Value = serde_json::from_str(&act_result(&t, &act, &sent).result_json).unwrap();
        assert_eq!(v["said"], "I've sent you the details of MP-1 and MP-2 by text.");
        let failed = act_result(&t, &act, &Outcome::Failed);
        assert!(error(failed).contains("team will follow up"));
    }
}
