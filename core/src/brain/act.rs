//! What a conversation turn looks up or does before its reply is written: find the listing the
//! message names, search listings, check availability, book, move or cancel a booking. The
//! plan is pure: [`plan`] names the next act from the message, the dialogue state and what
//! earlier acts of this turn found; the glue carries it out (the same listings and bookings
//! adapters the API uses) and hands the outcome back, until there is nothing more to do. The
//! reply is then written from the outcomes (`compose`), so it never says "booked" for a
//! booking the calendar refused.

use super::understand::{understand, CivilDate, Input, Intent, Slot, Understanding};
use super::Turn;
use crate::booking::{Booking, BookingRefusal, Kind, Slot as FreeSlot, Stay};
use crate::channel::Channel;
use crate::dialogue::GoalKind;
use crate::listings::saved::Criteria;
use crate::listings::{InterestLevel, Listing, ListingQuery, Status};

/// At most this many acts per turn (find, search or check, then book): a caller is waiting.
pub const MAX_ACTS: usize = 4;
/// Times offered in one reply.
pub const OFFERED_SLOTS: usize = 3;
/// How far ahead "when can I view it?" looks.
const AVAILABILITY_DAYS: u16 = 7;
/// Listings named in one reply.
pub const LISTED: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// The listing the message names ("the one on Elm Road", "MP-2026-014").
    FindListing,
    SearchListings(ListingQuery),
    Availability {
        kind: Kind,
        listing_id: Option<String>,
        from: Option<CivilDate>,
        days: u16,
    },
    Book {
        kind: Kind,
        listing_id: Option<String>,
        start_ms: u64,
    },
    BookStay {
        listing_id: String,
        stay: Stay,
    },
    Reschedule {
        booking_id: String,
        start_ms: u64,
    },
    Cancel {
        booking_id: String,
    },
    /// Keep the contact's criteria as a saved search: matching listings are offered to them
    /// by text when they come up (`listings::saved`).
    SaveSearch(Criteria),
    /// Send the contact an info pack (`listings::pack`) by their channel, or by email when
    /// they asked for one and have an address. No ids: the listings the conversation
    /// discussed (their interest, asked or sent).
    SendInfoPack {
        listing_ids: Vec<String>,
        by_email: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Listing(Option<Box<Listing>>),
    Listings(Vec<Listing>),
    Slots(Vec<FreeSlot>),
    Booked(Booking),
    Refused(BookingRefusal),
    /// The saved search is kept (or was already).
    Saved,
    /// The info pack went out by `channel` (`sms`, `whatsapp`, `email`) with these listings'
    /// references; none when the conversation had discussed no listing, and nothing was sent.
    PackSent {
        references: Vec<String>,
        channel: String,
    },
    /// The act could not be carried out (storage, no contact yet): the reply falls back to
    /// passing the request to the team.
    Failed,
}

/// What the acts of this turn found, for `plan` and `compose`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Done(pub Vec<(Act, Outcome)>);

impl Done {
    pub fn listing(&self) -> Option<&Listing> {
        self.0.iter().find_map(|(_, o)| match o {
            Outcome::Listing(Some(l)) => Some(l.as_ref()),
            _ => None,
        })
    }

    pub fn searched(&self) -> Option<&[Listing]> {
        self.0.iter().find_map(|(_, o)| match o {
            Outcome::Listings(found) => Some(found.as_slice()),
            _ => None,
        })
    }

    pub fn slots(&self) -> Option<&[FreeSlot]> {
        self.0.iter().find_map(|(_, o)| match o {
            Outcome::Slots(slots) => Some(slots.as_slice()),
            _ => None,
        })
    }

    fn tried(&self, f: impl Fn(&Act) -> bool) -> bool {
        self.0.iter().any(|(a, _)| f(a))
    }

    /// The interest every act of the turn showed, for the contact's record (the lead and its
    /// score read it).
    pub fn interest(&self) -> Vec<(&str, InterestLevel)> {
        self.0.iter().flat_map(|(act, outcome)| interest_shown(act, outcome)).collect()
    }
}

/// The listings an act showed interest in: one asked about, those a search listed, one booked.
/// An info pack records its own listings as sent, with its message.
pub fn interest_shown<'a>(act: &Act, outcome: &'a Outcome) -> Vec<(&'a str, InterestLevel)> {
    match (act, outcome) {
        (Act::FindListing, Outcome::Listing(Some(listing))) => vec![(&listing.id, InterestLevel::Asked)],
        (Act::SearchListings(_), Outcome::Listings(found)) => {
            found.iter().take(LISTED).map(|l| (l.id.as_str(), InterestLevel::Sent)).collect()
        }
        (Act::Book { .. } | Act::BookStay { .. }, Outcome::Booked(booking)) => {
            booking.listing_id.as_deref().map(|id| (id, InterestLevel::Booked)).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// The next act for this turn, given what the earlier ones found; `None` when the reply can
/// be written.
pub fn plan(turn: &Turn, done: &Done) -> Option<Act> {
    if done.0.len() >= MAX_ACTS || turn.missed_call || turn.text.trim().is_empty() {
        return None;
    }
    // A booking made, moved or cancelled is this turn's news: nothing more to look up.
    let changed =
        |a: &Act| matches!(a, Act::Book { .. } | Act::BookStay { .. } | Act::Reschedule { .. } | Act::Cancel { .. });
    if done.tried(changed) || done.tried(|a| matches!(a, Act::SendInfoPack { .. })) {
        return None;
    }
    let understood = understand(&Input {
        utterance: &turn.text,
        system_before: turn.system_before.as_deref(),
        tenant_template: turn.settings.template.as_deref(),
        today: turn.local_time.date,
    });
    // A fault reported at "21 Elm Road" is about the home they live in, not the listing's
    // availability: the ticket names the property instead.
    if matches!(
        understood.intent,
        Intent::Emergency | Intent::MaintenanceRequest | Intent::OptOut | Intent::Complaint | Intent::SpeakToHuman
    ) {
        return None;
    }
    let words = turn.text.to_lowercase();
    let state = &turn.dialogue;
    let booked = state.booking.as_ref();

    // "Yes" to "Shall I text you when one comes up?", or "let me know if anything comes up".
    if !done.tried(|a| matches!(a, Act::SaveSearch(_))) {
        let agrees = says_yes(turn, &understood) && !declines(&words);
        if let Some(criteria) = state.current.offered_alert.as_ref().filter(|_| agrees) {
            return Some(Act::SaveSearch(criteria.clone()));
        }
        if asks_to_be_told(&words) && can_text(turn) {
            let stay = matches!(turn.settings.template.as_deref(), Some("vacation_rental" | "hotel"));
            let criteria = Criteria::from_search(&query(turn, &understood, stay), &turn.lead);
            if worth_saving(&criteria) {
                return Some(Act::SaveSearch(criteria));
            }
        }
    }

    // A booking made in this dialogue: cancel it, or move it.
    if let Some(booking) = booked {
        if cancels(&words) && !done.tried(|a| matches!(a, Act::Cancel { .. })) {
            return Some(Act::Cancel { booking_id: booking.id.clone() });
        }
        if moves(&words, understood.intent) {
            if let Some(start_ms) = chosen_time(turn, &understood) {
                if !done.tried(|a| matches!(a, Act::Reschedule { .. })) {
                    return Some(Act::Reschedule { booking_id: booking.id.clone(), start_ms });
                }
                return None;
            }
            if !done.tried(|a| matches!(a, Act::Availability { .. })) {
                let from = date_of(&understood);
                let listing_id = state.listing.as_ref().map(|l| l.id.clone());
                let days = if from.is_some() { 1 } else { AVAILABILITY_DAYS };
                return Some(Act::Availability { kind: Kind::Viewing, listing_id, from, days });
            }
            return None;
        }
    }

    if names_a_listing(&understood, &words) && !done.tried(|a| matches!(a, Act::FindListing)) {
        return Some(Act::FindListing);
    }
    // "Can you send me the details?": the listing named now, else the ones discussed.
    if let Some(by_email) = wants_pack(&words) {
        let listing_ids = done.listing().map(|l| vec![l.id.clone()]).unwrap_or_default();
        return Some(Act::SendInfoPack { listing_ids, by_email });
    }
    let focus = done
        .listing()
        .filter(|l| l.status == Status::Available)
        .map(|l| l.id.clone())
        .or_else(|| state.listing.as_ref().map(|l| l.id.clone()));
    let goal = state.goal.as_ref().map(|g| g.kind);
    let stay_template = matches!(turn.settings.template.as_deref(), Some("vacation_rental" | "hotel"));

    // A stay at a named listing with both dates: book it (the rules engine may refuse); "yes"
    // to the dates we proposed books those.
    if stay_template {
        if let (Some(listing_id), Some((check_in, check_out))) = (&focus, &state.current.offered_stay) {
            if says_yes(turn, &understood) && !done.tried(|a| matches!(a, Act::BookStay { .. })) {
                if let (Ok(check_in), Ok(check_out)) = (check_in.parse(), check_out.parse()) {
                    return Some(Act::BookStay { listing_id: listing_id.clone(), stay: Stay { check_in, check_out } });
                }
            }
        }
        let (check_in, check_out) =
            (date_slot(turn, &understood, Slot::CheckIn), date_slot(turn, &understood, Slot::CheckOut));
        // With a stay booked in this dialogue, only dates said now are a new stay: the ones
        // remembered are the booking's ("What time is check-in?" books nothing).
        let new_dates = [Slot::CheckIn, Slot::CheckOut].iter().any(|s| understood.slots.contains_key(s));
        if let (Some(listing_id), Some(check_in), Some(check_out), true) =
            (&focus, check_in, check_out, booked.is_none() || new_dates)
        {
            if check_out > check_in
                && !done.tried(|a| matches!(a, Act::BookStay { .. }))
                && wants_to_book(&understood, &words)
            {
                return Some(Act::BookStay { listing_id: listing_id.clone(), stay: Stay { check_in, check_out } });
            }
        }
    }

    // Viewings of a listing in focus: book the time they chose, or offer times.
    let viewing = matches!(goal, Some(GoalKind::Viewing))
        || matches!(understood.intent, Intent::BookViewing)
        || books(&words)
        || (!state.current.offered.is_empty() && chosen_time(turn, &understood).is_some());
    if !stay_template && viewing && focus.is_some() && booked.is_none() {
        if let Some(start_ms) = chosen_time(turn, &understood) {
            if !done.tried(|a| matches!(a, Act::Book { .. })) {
                return Some(Act::Book { kind: Kind::Viewing, listing_id: focus, start_ms });
            }
            // Refused: offer what is free instead (the refusal may carry the nearest itself).
        }
        if !done.tried(|a| matches!(a, Act::Availability { .. })) && !done.tried(|a| matches!(a, Act::Book { .. })) {
            let from = date_of(&understood);
            let days = if from.is_some() { 1 } else { AVAILABILITY_DAYS };
            return Some(Act::Availability { kind: Kind::Viewing, listing_id: focus, from, days });
        }
        return None;
    }

    // A search for places: the catalogue answers it.
    // New criteria for a search under way ("4 bedrooms in Redland") search again.
    // "Anything with parking?" searches for it; "Is there parking?" asks about the one in hand.
    let seeks = ["anything", "any with", "do you have", "have you got", "something", "one with", "ones with"];
    let features = crate::listings::features::wanted(&turn.text).filter(|_| seeks.iter().any(|w| words.contains(w)));
    // Criteria with no errand named yet ("looking for a 1 bed flat, up to 1100") are a search too.
    // "Anywhere really" to "Which area?" is an answer too: search without one.
    let any_area =
        state.current.asked.as_ref().is_some_and(|a| a.slot == Slot::Area) && super::compose::no_preference(&turn.text);
    let refines = matches!(goal, Some(GoalKind::Search | GoalKind::Stay) | None)
        && ([Slot::Area, Slot::Beds, Slot::BudgetMax].iter().any(|s| understood.slots.contains_key(s))
            || features.is_some()
            || any_area);
    let searching = matches!(
        understood.intent,
        Intent::PropertyEnquiryRent | Intent::PropertyEnquiryBuy | Intent::AvailabilitySearch
    ) || words.contains("other options")
        || words.contains("anything else")
        || refines;
    // After a booking, a question about it ("What time is check-in?") is no new search.
    let criteria = !understood.slots.is_empty() || features.is_some() || any_area;
    let searching = searching && (booked.is_none() || criteria);
    if searching && done.listing().is_none() && !done.tried(|a| matches!(a, Act::SearchListings(_))) {
        let mut query = query(turn, &understood, stay_template);
        query.q = features;
        return Some(Act::SearchListings(query));
    }
    None
}

/// The catalogue search a message and the lead so far describe.
fn query(turn: &Turn, understood: &Understanding, stay: bool) -> ListingQuery {
    let known = |slot: Slot| {
        understood.slots.get(&slot).map(|v| v.value.clone()).or_else(|| turn.lead.get(slot).map(|f| f.value.clone()))
    };
    let kind = if stay {
        Some(crate::listings::Kind::Stay)
    } else if understood.intent == Intent::PropertyEnquiryBuy {
        Some(crate::listings::Kind::Sale)
    } else {
        Some(crate::listings::Kind::Rent)
    };
    ListingQuery {
        kind,
        beds: known(Slot::Beds).and_then(|v| v.as_u64()).and_then(|n| u32::try_from(n).ok()),
        max_price: known(Slot::BudgetMax).and_then(|v| v.as_f64()),
        area: known(Slot::Area).and_then(|v| v.as_str().map(str::to_owned)),
        q: None,
        status: Some(Status::Available),
        available_by: None,
        limit: LISTED,
    }
}

/// Whether offers can reach the contact where they are writing: a phone channel.
pub fn can_text(turn: &Turn) -> bool {
    matches!(turn.channel, Channel::Sms | Channel::Whatsapp)
}

/// A search worth keeping names an area and bedrooms or a budget: with less, the next
/// qualification question narrows it first (offering to text "a place in Portishead" would
/// promise messages about most of the market).
pub fn worth_saving(criteria: &Criteria) -> bool {
    criteria.area.is_some() && (criteria.beds.is_some() || criteria.max_price.is_some())
}

/// "Let me know if anything comes up", "keep me posted".
fn asks_to_be_told(words: &str) -> bool {
    [
        "let me know if",
        "let me know when",
        "keep me posted",
        "keep me updated",
        "text me if",
        "text me when",
        "alert me",
        "tell me if",
        "tell me when",
    ]
    .iter()
    .any(|w| words.contains(w))
}

/// The message names a particular listing: a property slot, a reference, a street.
fn names_a_listing(understood: &Understanding, words: &str) -> bool {
    understood.slots.contains_key(&Slot::Property)
        || words.split(|c: char| c.is_whitespace()).any(|w| w.contains('-') && w.chars().any(|c| c.is_ascii_digit()))
        || [
            " road",
            " street",
            " lane",
            " avenue",
            " terrace",
            " place",
            " crescent",
            " square",
            " hill",
            " quay",
            " wharf",
            " close",
            " way",
        ]
        .iter()
        .any(|s| words.contains(s))
}

/// The local date the message gives (a weekday, "tomorrow", "the 12th").
fn date_of(understood: &Understanding) -> Option<CivilDate> {
    understood.slots.get(&Slot::Date).and_then(|v| v.value.as_str()).and_then(|d| d.parse().ok())
}

fn date_slot(turn: &Turn, understood: &Understanding, slot: Slot) -> Option<CivilDate> {
    understood
        .slots
        .get(&slot)
        .and_then(|v| v.value.as_str().map(str::to_owned))
        .or_else(|| turn.lead.get(slot).and_then(|f| f.value.as_str().map(str::to_owned)))
        .and_then(|d| d.parse().ok())
}

/// The start they chose: one of the times we offered ("11:30", "Tuesday at 10"), or a day and
/// time of their own.
fn chosen_time(turn: &Turn, understood: &Understanding) -> Option<u64> {
    let time = understood.slots.get(&Slot::Time).and_then(|v| v.value.as_str().map(str::to_owned));
    let date = understood.slots.get(&Slot::Date).and_then(|v| v.value.as_str().map(str::to_owned));
    let offered = &turn.dialogue.current.offered;
    let pick = offered
        .iter()
        .find(|o| time.as_deref().is_some_and(|t| t == o.time) && date.as_deref().is_none_or(|d| d == o.date));
    if let Some(o) = pick {
        return Some(o.start_ms);
    }
    // "Yes please" to the one time we offered.
    if let [only] = offered.as_slice() {
        let lower = format!(" {} ", turn.text.to_lowercase());
        let yes =
            [" yes", " yeah", " yep", " sure", " ok", " okay", "that works", "perfect", "please do", "sounds good"];
        if (understood.intent == Intent::Affirm || yes.iter().any(|w| lower.contains(w))) && time.is_none() {
            return Some(only.start_ms);
        }
    }
    // A time alone is on the day of the booking being moved, else the day already under discussion.
    let date = date
        .or_else(|| turn.dialogue.booking.as_ref().and_then(|b| b.date.clone()))
        .or_else(|| turn.dialogue.goal.as_ref().and_then(|g| g.details.get(&Slot::Date).cloned()));
    let (date, time) = (date?.parse::<CivilDate>().ok()?, time?);
    let (h, m) = time.split_once(':')?;
    let minute = h.parse::<u16>().ok()? * 60 + m.parse::<u16>().ok()?;
    Some(at_local(turn, date, minute))
}

/// A local date and minute as an instant, with the tenant's offset now (the calendar re-judges
/// the time in the tenant's zone, so a DST change before the date costs a refusal, not a wrong booking).
pub(crate) fn at_local(turn: &Turn, date: CivilDate, minute: u16) -> u64 {
    let now_local = turn.local_time.date.to_days() * 1440 + i64::from(turn.local_time.minute_of_day);
    let now_utc = (turn.now_ms / 60_000) as i64;
    // Offsets are whole quarter hours; rounding absorbs the seconds between the two clocks.
    let offset = ((now_local - now_utc) as f64 / 15.0).round() as i64 * 15;
    let local = date.to_days() * 1440 + i64::from(minute);
    u64::try_from((local - offset) * 60_000).unwrap_or(0)
}

/// "Yes please", "that works": agreeing to what we proposed.
fn says_yes(turn: &Turn, understood: &Understanding) -> bool {
    let lower = format!(" {} ", turn.text.to_lowercase());
    let yes = [
        " yes",
        " yeah",
        " yep",
        " sure",
        " ok ",
        " okay",
        "that works",
        "perfect",
        "please do",
        "sounds good",
        "go ahead",
    ];
    understood.intent == Intent::Affirm || yes.iter().any(|w| lower.contains(w))
}

/// "No", "not sure", "don't": whatever else it says, not a yes to texting them.
fn declines(words: &str) -> bool {
    words
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|w| ["no", "not", "nope", "don't", "dont"].contains(&w))
}

/// "Send me the details", "email me the listings": an info pack, by email when they say so.
fn wants_pack(words: &str) -> Option<bool> {
    let asks = [
        "send me",
        "send over",
        "send them",
        "send it",
        "send the",
        "send those",
        "email me",
        "e-mail me",
        "text me",
        "forward me",
    ]
    .iter()
    .any(|w| words.contains(w));
    let what = ["detail", "listing", "info", "particulars", "brochure", "propert", "link", "them", "those", "it over"]
        .iter()
        .any(|w| words.contains(w));
    (asks && what).then(|| words.contains("email") || words.contains("e-mail"))
}

fn cancels(words: &str) -> bool {
    [
        "cancel",
        "call it off",
        "can't make it",
        "cannot make it",
        "won't make it",
        "anular",
        "annuler",
        "stornieren",
        "absagen",
        "annullare",
        "disdire",
        "desmarcar",
    ]
    .iter()
    .any(|w| words.contains(w))
}

fn moves(words: &str, intent: Intent) -> bool {
    intent == Intent::RescheduleCancel
        || ["move it", "change it", "reschedule", "another time", "different time", "instead"]
            .iter()
            .any(|w| words.contains(w))
}

fn books(words: &str) -> bool {
    ["view", "visit", "viewing", "see it", "book", "come round", "have a look"].iter().any(|w| words.contains(w))
}

fn wants_to_book(understood: &Understanding, words: &str) -> bool {
    matches!(understood.intent, Intent::BookStay | Intent::AvailabilitySearch | Intent::ProvideInfo | Intent::Affirm)
        || understood.slots.contains_key(&Slot::CheckIn)
        || ["book", "reserve", "stay", "nights"].iter().any(|w| words.contains(w))
}
