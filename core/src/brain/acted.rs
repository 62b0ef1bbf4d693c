//! The reply's words for what the turn's acts found or did: a listing named back with its
//! summary, search results, the free times offered, a booking made, moved or cancelled, or a
//! refusal with the rule and the nearest alternative. English words around the calendar's own
//! phrases (`booking::phrase`, six languages); nothing here invents a time or a price — each
//! comes from an outcome.

use super::act::{can_text, worth_saving, Act, Done, Outcome, LISTED, OFFERED_SLOTS};
use super::acted_words::{words, Say};
use super::Turn;
use crate::booking::notice::{self, Period};
use crate::booking::phrase::{phrase_date, phrase_slots};
use crate::booking::{parse_rfc3339, Alternative, Booking, BookingRefusal, Kind, Slot};
use crate::brain::tone::ChannelStyle;
use crate::brain::understand::{CivilDate, Slot as USlot};
use crate::dialogue::{BookingRef, ListingRef, OfferedSlot};
use crate::lead::LeadFields;
use crate::listings::saved::Criteria;
use crate::listings::summary::{capitalised, title_case};
use crate::listings::{as_of, street, summary, Listing, Medium, Status};

/// Listings named in an SMS reply.
const SMS_LISTED: usize = 2;

/// What the acts give the reply.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Said {
    pub parts: Vec<String>,
    pub listing: Option<ListingRef>,
    pub booking: Option<Option<BookingRef>>,
    pub offered: Vec<OfferedSlot>,
    pub offered_stay: Option<(String, String)>,
    /// The saved search this reply offers to keep.
    pub offered_alert: Option<Criteria>,
    /// The reply already ends with the question that moves things on (which time? which one?).
    pub asks: bool,
    /// A named listing was found: no need to promise to check it.
    pub found_listing: bool,
    /// The catalogue answered the search: no shortlist to promise.
    pub searched: bool,
    /// A booking was made, moved, cancelled or refused with reasons: no booking to promise.
    pub handled_booking: bool,
    /// An info pack was sent (or there was none to send): the request is answered.
    pub sent_pack: bool,
    /// Something the team must pick up (no free time, a booking that cannot be found).
    pub follow_up: Option<String>,
    /// The message's questions about the listing's features were answered from them.
    pub answered_features: bool,
}

pub(crate) fn say(turn: &Turn, known: &LeadFields, lang: &str) -> Option<Said> {
    say_done(turn, &turn.acts, known, lang)
}

/// What `done` gives a reply in this turn (the LLM's tools phrase each result with it).
pub(crate) fn say_done(turn: &Turn, done: &Done, known: &LeadFields, lang: &str) -> Option<Said> {
    if done.0.is_empty() {
        return None;
    }
    let today = turn.local_time.date;
    let mut said = Said::default();
    let mut label = turn.dialogue.listing.as_ref().map(|l| l.label.clone());
    for (act, outcome) in &done.0 {
        match (act, outcome) {
            (Act::FindListing, Outcome::Listing(Some(listing))) => {
                let name = label_of(listing);
                said.found_listing = true;
                said.listing = Some(ListingRef { id: listing.id.clone(), label: name.clone() });
                label = Some(name.clone());
                // The one we were just talking about, with times or a booking to say: those are
                // the news, not its description again.
                let in_focus = turn.dialogue.listing.as_ref().is_some_and(|l| l.id == listing.id);
                if in_focus && listing.status == Status::Available && done.0.len() > 1 {
                    continue;
                }
                let available = listing.status == Status::Available;
                // The summary is the catalogue's English: other languages name the reference.
                if lang != "en" {
                    let say = if available { Say::Available } else { Say::Unavailable };
                    said.parts.push(words(say, lang, &[("ref", &listing.reference)]));
                    continue;
                }
                said.parts.push(if available {
                    format!("{} is available: {}.", capitalised(&name), summary(&as_of(listing, today), Medium::Text))
                } else {
                    format!("I'm sorry, {name} is {} now.", status_words(listing.status))
                });
                // "Do they allow pets?" about it: its features say.
                if lang == "en" {
                    let answers = crate::listings::features::answers(listing, &turn.text);
                    said.answered_features = !answers.is_empty();
                    said.parts.extend(answers.into_iter().map(str::to_owned));
                }
            }
            (Act::SearchListings(query), Outcome::Listings(found)) if !found.is_empty() => {
                said.searched = true;
                // Two segments of SMS hold two listings with the greeting and the question.
                let room = if turn.settings.style_for(turn.channel) == Some(ChannelStyle::Concise) {
                    SMS_LISTED
                } else {
                    LISTED
                };
                let shown: Vec<String> = found
                    .iter()
                    .take(room)
                    .map(|l| format!("{} ({})", summary(&as_of(l, today), Medium::Text), l.reference))
                    .collect();
                let intro = if shown.len() == 1 {
                    "I have one that matches:".to_owned()
                } else {
                    format!("I have {} that match:", shown.len())
                };
                said.parts.push(format!("{intro} {}.", join(&shown)));
                if let [only] = found.as_slice() {
                    let name = label_of(only);
                    said.listing = Some(ListingRef { id: only.id.clone(), label: name.clone() });
                    label = Some(name);
                }
                // One stay that matches the dates asked for: offer to book those (the rules
                // engine judges them when they say yes).
                let stay = query.kind == Some(crate::listings::Kind::Stay);
                if let (true, [_], Some((check_in, check_out))) = (stay, found.as_slice(), stay_dates(known)) {
                    said.parts.push(format!(
                        "Shall I book it from {} to {}?",
                        phrase_date(check_in, today, lang),
                        phrase_date(check_out, today, lang)
                    ));
                    said.offered_stay = Some((check_in.to_string(), check_out.to_string()));
                    said.asks = true;
                } else if stay && query.area.is_some() {
                    said.parts.push(
                        if found.len() == 1 { "Would you like to book it?" } else { "Which would you like?" }.into(),
                    );
                    said.asks = true;
                // Without an area the matches are only a start: the next qualification question
                // narrows them (which area?); with one, the next step is a viewing.
                } else if query.area.is_some() {
                    said.parts.push(
                        if found.len() == 1 { "Would you like to view it?" } else { "Would you like to view one?" }
                            .into(),
                    );
                    said.asks = true;
                }
            }
            (Act::SearchListings(query), Outcome::Listings(_)) => {
                // Nothing fits yet: offer to keep the search, where a text can reach them.
                let criteria = Criteria::from_search(query, &turn.lead);
                if can_text(turn) && worth_saving(&criteria) {
                    said.parts.push(format!(
                        "I don't have {} right now. Shall I text you when one comes up?",
                        criteria.describe()
                    ));
                    said.offered_alert = Some(criteria);
                    said.searched = true;
                    said.asks = true;
                }
            }
            (Act::SaveSearch(criteria), Outcome::Saved) => {
                said.parts.push(format!(
                    "Done: I'll text you when {} comes up. Reply STOP at any time to stop these messages.",
                    criteria.describe()
                ));
                said.asks = true;
            }
            (Act::SaveSearch(criteria), Outcome::Failed) => {
                said.parts.push("I couldn't set that up just now, so I've asked the team to let you know.".into());
                said.follow_up = Some(format!("Listings to send when they come up: {}", criteria.describe()));
                said.asks = true;
            }
            (Act::Availability { .. }, Outcome::Slots(slots)) => {
                let offered: Vec<Slot> = slots.iter().take(OFFERED_SLOTS).cloned().collect();
                let what = label.clone().unwrap_or_else(|| "a viewing".to_owned());
                if offered.is_empty() {
                    said.parts.push(words(Say::NoFreeTime, lang, &[("what", &what)]));
                    said.follow_up = Some(format!("Viewing to arrange: {what} (no free slot offered)"));
                } else {
                    let slots = phrase_slots(&offered, today, lang);
                    said.parts.push(words(Say::Offer, lang, &[("what", &what), ("slots", &slots)]));
                    said.offered = offered.iter().map(offered_slot).collect();
                    said.asks = true;
                }
                said.handled_booking = true;
            }
            (Act::Book { .. } | Act::BookStay { .. }, Outcome::Booked(booking)) => {
                let what = described(booking, label.as_deref(), today, lang);
                said.parts.push(words(Say::Booked, lang, &[("what", &what)]));
                said.booking = Some(Some(booking_ref(booking, what)));
                said.handled_booking = true;
            }
            (Act::Reschedule { .. }, Outcome::Booked(booking)) => {
                let what = described(booking, label.as_deref(), today, lang);
                said.parts.push(words(Say::Moved, lang, &[("what", &what)]));
                said.booking = Some(Some(booking_ref(booking, what)));
                said.handled_booking = true;
            }
            (Act::Cancel { .. }, Outcome::Booked(booking)) => {
                let what = described(booking, label.as_deref(), today, lang);
                said.parts.push(words(Say::Cancelled, lang, &[("what", &what)]));
                said.booking = Some(None);
                said.handled_booking = true;
            }
            (Act::SendInfoPack { by_email, .. }, Outcome::PackSent { references, channel }) => {
                said.sent_pack = true;
                if references.is_empty() {
                    said.parts.push(
                        "I don't have a property from our conversation to send yet — which one would you like the \
                         details of?"
                            .into(),
                    );
                    said.asks = true;
                    continue;
                }
                let by = match channel.as_str() {
                    "email" => "by email",
                    "whatsapp" => "on WhatsApp",
                    _ => "by text",
                };
                let refs = match references.as_slice() {
                    [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                    _ => references.join(""),
                };
                said.parts.push(if *by_email && channel != "email" {
                    format!("I don't have an email address for you, so I've sent the details of {refs} {by}.")
                } else {
                    format!("I've sent you the details of {refs} {by}.")
                });
            }
            (_, Outcome::Refused(refusal)) => {
                said.handled_booking = true;
                refused(&mut said, refusal, today, lang);
            }
            _ => {}
        }
    }
    (!said.parts.is_empty()).then_some(said)
}

/// The stay asked for, when both its dates are known and in order.
fn stay_dates(known: &LeadFields) -> Option<(CivilDate, CivilDate)> {
    let date = |slot| known.get(slot).and_then(|f| f.value.as_str()).and_then(|d| d.parse::<CivilDate>().ok());
    let (check_in, check_out) = (date(USlot::CheckIn)?, date(USlot::CheckOut)?);
    (check_out > check_in).then_some((check_in, check_out))
}

fn refused(said: &mut Said, refusal: &BookingRefusal, today: crate::brain::understand::CivilDate, lang: &str) {
    let (lead, alternative) = match refusal {
        BookingRefusal::RuleViolation(v) => (v.message.clone(), v.alternative.as_ref()),
        BookingRefusal::SlotTaken { alternative } => (words(Say::SlotTaken, lang, &[]), alternative.as_ref()),
        BookingRefusal::OutsideHours { alternative } => (words(Say::OutsideHours, lang, &[]), alternative.as_ref()),
        BookingRefusal::NotFound | BookingRefusal::Cancelled => {
            said.parts.push(words(Say::BookingNotFound, lang, &[]));
            said.follow_up = Some("Booking to check: the contact's booking could not be found".into());
            return;
        }
    };
    said.parts.push(lead);
    if let Some(Alternative::Stay(stay)) = alternative {
        said.offered_stay = Some((stay.check_in.to_string(), stay.check_out.to_string()));
    }
    match alternative {
        Some(Alternative::Slot(slot)) => {
            let slots = phrase_slots(std::slice::from_ref(slot), today, lang);
            said.parts.push(words(Say::SlotInstead, lang, &[("slots", &slots)]));
            said.offered = vec![offered_slot(slot)];
            said.asks = true;
        }
        // A rule's own message already names the dates that would work.
        Some(Alternative::Stay(stay))
            if !said.parts.last().is_some_and(|m| m.contains(&phrase_date(stay.check_in, today, "en"))) =>
        {
            let (from, to) = (phrase_date(stay.check_in, today, lang), phrase_date(stay.check_out, today, lang));
            said.parts.push(words(Say::StayInstead, lang, &[("from", &from), ("to", &to)]));
            said.asks = true;
        }
        Some(Alternative::Stay(_)) => {
            said.parts.push(words(Say::DatesInstead, lang, &[]));
            said.asks = true;
        }
        None => {}
    }
}

/// "a viewing of the flat on Elm Road tomorrow at 11:30", "a stay from 1 March to 2 April".
fn described(booking: &Booking, label: Option<&str>, today: crate::brain::understand::CivilDate, lang: &str) -> String {
    if lang != "en" {
        // The confirmation's own words ("su visita mañana a las 10:00"), which know each
        // language's possessives.
        let period = match (booking.kind, booking.start.parse(), booking.end.parse()) {
            (Kind::Stay, Ok(check_in), Ok(check_out)) => {
                Some(Period::Stay(crate::booking::Stay { check_in, check_out }))
            }
            _ => slot_of(booking).map(Period::Slot),
        };
        if let Some(period) = period {
            return notice::describe(booking.kind, &period, today, lang);
        }
    }
    let of = label.map(|l| format!(" of {l}")).unwrap_or_default();
    match booking.kind {
        Kind::Stay => {
            let (from, to) = (booking.start.parse(), booking.end.parse());
            match (from, to) {
                (Ok(from), Ok(to)) => {
                    format!("your stay{of} from {} to {}", phrase_date(from, today, lang), phrase_date(to, today, lang))
                }
                _ => format!("your stay{of}"),
            }
        }
        kind => {
            let when = slot_of(booking).map(|s| phrase_slots(&[s], today, lang)).unwrap_or_default();
            format!("your {}{of} {when}", kind.as_str()).trim_end().to_owned()
        }
    }
}

/// The booking's start as a slot in the tenant's offset (read back from its RFC 3339 start).
fn slot_of(booking: &Booking) -> Option<Slot> {
    let start_ms = parse_rfc3339(&booking.start)?;
    let end_ms = parse_rfc3339(&booking.end).unwrap_or(start_ms);
    let tail = booking.start.get(booking.start.len().saturating_sub(6)..)?;
    let sign = if tail.starts_with('-') { -1 } else { 1 };
    let (h, m) = tail.get(1..)?.split_once(':')?;
    let offset_minutes = sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?);
    Some(Slot { start_ms, end_ms, staff_id: booking.staff_id.clone(), offset_minutes })
}

fn booking_ref(booking: &Booking, label: String) -> BookingRef {
    let date = match booking.kind {
        Kind::Stay => Some(booking.start.clone()),
        _ => slot_of(booking).map(|s| s.local_start().0.to_string()),
    };
    BookingRef { id: booking.id.clone(), label, date }
}

fn offered_slot(slot: &Slot) -> OfferedSlot {
    let (date, minute) = slot.local_start();
    OfferedSlot {
        start_ms: slot.start_ms,
        end_ms: slot.end_ms,
        date: date.to_string(),
        time: format!("{:02}:{:02}", minute / 60, minute % 60),
    }
}

/// How the reply names a listing: "the flat on Elm Road", else its reference.
pub(super) fn label_of(listing: &Listing) -> String {
    match street(&listing.address) {
        Some(street) => format!("the {} on {}", listing.property_type.as_str(), title_case(&street)),
        None => listing.reference.clone(),
    }
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Available => "available",
        Status::LetAgreed => "let agreed",
        Status::UnderOffer => "under offer",
        Status::Sold => "sold",
        Status::Withdrawn => "no longer on the market",
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}; and {last}", rest.join("; ")),
    }
}
