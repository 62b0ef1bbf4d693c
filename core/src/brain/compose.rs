//! The answer-first reply policy of the rules brain. A reply is built in this order:
//!
//! 1. a goodbye gets a warm close and nothing else — no new question;
//! 2. otherwise every part of the message is acted on first: their name is acknowledged (once
//!    per conversation), the hours and address come from the tenant's settings, "any news?"
//!    from what we promised, a booking request or "is it still available?" is passed to the
//!    team to confirm (a promise, and a follow-up task), a question is answered from the
//!    knowledge base — or, when nothing we know answers it, honestly passed to the team;
//! 3. then at most one question, the next thing their goal needs ([`super::questions`]), never
//!    on a message that thanks us;
//! 4. a reply is never the same words as the one before it.

use super::acted;
use super::grounding;
use super::phrases::{fill, phrase, Phrase};
use super::questions;
use super::tone::{ChannelStyle, CONCISE_MAX_CHARS};
use super::understand::{CivilDate, Intent, Slot, Understanding};
use super::Turn;
use crate::dialogue::{DialogueState, Goal, GoalKind, ReplyActs};
use crate::kb::query::condense;
use crate::lead::{shows_interest, LeadFields};

/// The promise a search makes until listings are searchable.
const SHORTLIST: &str = "a shortlist of places that match";
/// What a valuation request is promised, in the dialogue state.
const VALUATION: &str = "a valuation";
/// The promise a stay enquiry makes until availability is searchable.
const FREE_DATES: &str = "what we have free for your dates";

/// A knowledge answer on channels without a length limit: the passage, within reason.
const KB_ANSWER_CHARS: usize = 600;

/// The room a knowledge answer has: on SMS what two segments leave after the other parts (the
/// question after it goes first if the reply runs over), elsewhere [`KB_ANSWER_CHARS`].
fn kb_room(turn: &Turn, parts: &[String]) -> usize {
    match turn.settings.style_for(turn.channel) {
        Some(ChannelStyle::Concise) => {
            // A new conversation's greeting and opening status go before it (about 130 characters).
            let opening = if turn.new_conversation { OPENING_CHARS } else { 0 };
            let used: usize = opening + parts.iter().map(|p| p.chars().count() + 1).sum::<usize>();
            CONCISE_MAX_CHARS.saturating_sub(used).max(MIN_KB_CHARS)
        }
        _ => KB_ANSWER_CHARS,
    }
}

/// The greeting and "we're open until 18:00…" a first reply starts with.
const OPENING_CHARS: usize = 130;

/// Never less than this for an answer, even after a long greeting.
const MIN_KB_CHARS: usize = 160;

/// What the composer decided: the words (before channel framing), what they did, and the
/// team's follow-up they create.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Composed {
    /// The answer parts, then the question (greeting and framing are added by the caller).
    pub parts: Vec<String>,
    pub acts: ReplyActs,
    /// A question nothing we know answers, for the unanswered list.
    pub unanswered: Option<String>,
    /// A task for the team, one line: "Viewing to confirm: …", "Unanswered question: …".
    pub follow_up: Option<String>,
    /// Nothing in the message needed more than the opening (status and next step).
    pub bare: bool,
    /// They asked who (or what) is answering: the caller says, with the persona's name, first.
    pub identity: bool,
}

/// What a request for a person is told. On a call the words say what happens next — the
/// call is put through, or the team will call back (`voice::handoff::person_route` decides both
/// here and where the call goes); on other channels the team gets back to them.
fn person_phrase(turn: &Turn) -> Phrase {
    use crate::voice::handoff::{person_route, PersonRoute};
    if turn.channel != crate::channel::Channel::Voice {
        return Phrase::HumanRequested;
    }
    let open = turn.settings.is_open_at(turn.local_time);
    let none = crate::voice::VoiceSettings::default();
    match person_route(turn.settings.voice.as_ref().unwrap_or(&none), open) {
        PersonRoute::Transfer(_) => Phrase::PuttingThrough,
        PersonRoute::Callback(_) => Phrase::CallbackScheduled,
    }
}

pub(super) fn compose(turn: &Turn, understood: &Understanding, state: &DialogueState, lang: &str) -> Composed {
    let intent = understood.intent;
    let engaged = shows_interest(intent) || intent == Intent::ProvideInfo || !turn.lead.0.is_empty();
    // Someone telling us what they want without saying which errand it is: the business's usual one.
    let words = Words::new(&turn.text);
    // "Anywhere really" to "Which area?": no preference, so the question is not asked again.
    let waived = state.current.asked.as_ref().map(|a| a.slot).filter(|_| no_preference(&turn.text));
    let mut goal = Goal::updated(state.goal.as_ref(), intent, &understood.slots)
        .or_else(|| engaged.then(|| Goal::new(GoalKind::usual_for(turn.settings.template.as_deref()))));
    // "Please arrange a visit" read as an answer to our question is still a booking request.
    let books = words.books();
    if let Some(g) = goal.as_mut().filter(|g| books && g.kind == GoalKind::Search) {
        g.kind = GoalKind::Viewing;
    }
    let mut known = turn.lead.clone();
    known.merge(&understood.slots, "", 0);
    let mut out =
        Composed { acts: ReplyActs { goal: goal.clone(), waived, ..Default::default() }, ..Default::default() };

    // "Thanks. How long will they be?" is a question with manners, not a goodbye.
    if intent == Intent::ThanksGoodbye && !turn.text.contains('?') {
        out.parts.push(close(state, lang));
        out.acts.closed = true;
        return out;
    }

    // Their name, once: "Thanks, Tom." (a greeting that named them counts as the once).
    if let Some(name) = understood.slots.get(&Slot::Name).and_then(|v| v.value.as_str()) {
        if !state.current.name_used {
            let first = name.split_whitespace().next().unwrap_or(name);
            out.parts.push(fill(phrase(Phrase::ThanksName, lang), &[("name", first)]));
            out.acts.name_used = true;
        }
    }
    let acknowledged = out.parts.len();
    if super::understand::asks_identity(&turn.text) {
        out.identity = true;
        out.acts.answered.push("identity".into());
    }

    if intent == Intent::HoursLocation || words.asks_hours() {
        out.parts.push(hours(turn, lang));
        out.acts.answered.push("hours".into());
    }
    if intent == Intent::MaintenanceRequest {
        // The turn opens the ticket (`tickets::from_turn`); its urgency says how soon.
        let ticket = crate::tickets::from_turn(turn, intent, understood.emergency, understood.urgency);
        let urgent = ticket.is_some_and(|t| t.urgency != crate::tickets::TicketUrgency::Routine);
        out.parts.push(phrase(if urgent { Phrase::RepairLoggedUrgent } else { Phrase::RepairLogged }, lang).to_owned());
    }
    if words.asks_news() {
        out.parts.push(match state.promised.last() {
            Some(promise) if lang == "en" => fill(phrase(Phrase::StillPending, lang), &[("what", &promise.what)]),
            _ => phrase(Phrase::NothingPending, lang).to_owned(),
        });
    }
    // What the calendar and the catalogue said this turn comes first; promises only stand in
    // for what they could not do.
    let acted = acted::say(turn, &known, lang).unwrap_or_default();
    out.parts.extend(acted.parts.iter().cloned());
    out.acts.listing = acted.listing.clone();
    out.acts.booking = acted.booking.clone();
    out.acts.offered = acted.offered.clone();
    out.acts.offered_stay = acted.offered_stay.clone();
    out.acts.offered_alert = acted.offered_alert.clone();
    if acted.follow_up.is_some() {
        out.follow_up = acted.follow_up.clone();
    }
    let promise_booking = !acted.handled_booking;
    if let Some(goal) =
        goal.as_ref().filter(|g| promise_booking && wants_booking(BookingAsk(intent, books), g, understood, &known))
    {
        let what = describe(goal, &known, turn.local_time.date, lang);
        let held = state.promised.iter().any(|p| p.what == what);
        let which = if held { Phrase::BookingHeld } else { Phrase::BookingRequested };
        out.parts.push(fill(phrase(which, lang), &[("what", &what)]));
        if !held {
            out.follow_up = Some(format!("{} to confirm: {what}", task_label(goal.kind)));
            out.acts.promised = Some(what);
            out.acts.promised_booking = true;
        }
    } else if intent == Intent::ValuationRequest && !state.promised.iter().any(|p| p.what == VALUATION) {
        out.parts.push(phrase(Phrase::ValuationRequested, lang).to_owned());
        out.follow_up = Some(format!("Valuation to arrange: \u{201c}{}\u{201d}", quote(&turn.text)));
        out.acts.promised = Some(VALUATION.to_owned());
    } else if let Some(property) = asks_availability(intent, understood).filter(|_| !acted.found_listing) {
        out.parts.push(fill(phrase(Phrase::AvailabilityCheck, lang), &[("property", &property)]));
        let what = format!("whether {property} is still available");
        if !state.promised.iter().any(|p| p.what == what) {
            out.follow_up = Some(format!("Availability to check: {property}"));
            out.acts.promised = Some(what);
        }
    }
    // "Do you have anything for 4 people?" to a holiday let is a search whatever the intent says:
    // the business's usual errand, unless a more specific one is under way.
    let seeking = !understood.slots.is_empty()
        && words.any(&["do you have", "have you got", "anything", "availability", "available", "any room"]);
    if seeking && goal.as_ref().is_none_or(|g| g.kind == GoalKind::Information) {
        let usual = GoalKind::usual_for(turn.settings.template.as_deref());
        let details = goal.take().map(|g| g.details).unwrap_or_default();
        goal = Some(Goal { kind: usual, details });
        out.acts.goal = goal.clone();
    }
    let seeking = seeking && goal.as_ref().is_some_and(|g| matches!(g.kind, GoalKind::Stay | GoalKind::Search));
    let places = seeking || wants_places(intent, &words);
    if out.parts.len() == acknowledged && places && !acted.searched {
        // Listings and availability are the team's for now: say so once, then that more options
        // are asked for.
        let stay = goal.as_ref().is_some_and(|g| g.kind == GoalKind::Stay);
        let (promise, offer, task) = if stay {
            (FREE_DATES, "I'll check what we have free and let you know.", "Availability to check: a stay")
        } else {
            (
                SHORTLIST,
                "I'll ask the team to send you places that match.",
                "Places to send: a shortlist that matches their search",
            )
        };
        let again = state.promised.iter().any(|p| p.what == promise);
        let asked_more = again && words.more_options();
        if !again || asked_more {
            out.parts.push(if asked_more { "I've asked the team for more options too." } else { offer }.to_owned());
        }
        if !again {
            out.acts.promised = Some(promise.to_owned());
            out.follow_up = Some(task.into());
        }
    }
    let handled_other = out.parts.len() > acknowledged || places || out.identity;
    // Hours come from the settings, the one source of truth for them, not a passage about them.
    let kb_question =
        words.asks_something() && !out.acts.answered.iter().any(|a| a == "hours") && !acted.answered_features;
    // Beside a booking the reply already handled, only the message's other sentences are a
    // question for the knowledge base ("Can I view it Friday? Do you allow pets?").
    let booked = out.acts.promised.is_some() || acted.handled_booking || acted.found_listing;
    let asked = if booked { other_sentences(&turn.text) } else { turn.text.clone() };
    if kb_question && !asked.trim().is_empty() && !matches!(intent, Intent::Complaint | Intent::SpeakToHuman) {
        if let Some(passage) = grounding::answer(&asked, &turn.knowledge, handled_other) {
            out.parts.push(condense(&passage.text, kb_room(turn, &out.parts)));
            out.acts.answered.push(passage.id.clone());
        } else if !handled_other && (!answerable_by_team_flow(intent) || asks_beside_intent(intent, &turn.text)) {
            let again = state.current.unanswered > 0;
            out.parts.push(phrase(if again { Phrase::WillCheckAgain } else { Phrase::WillCheck }, lang).to_owned());
            out.acts.unanswered = true;
            out.unanswered = Some(turn.text.trim().to_owned());
            out.follow_up.get_or_insert_with(|| format!("Unanswered question: \u{201c}{}\u{201d}", quote(&turn.text)));
        }
    }
    match intent {
        Intent::SpeakToHuman => out.parts.push(phrase(person_phrase(turn), lang).to_owned()),
        Intent::Complaint => out.parts.push(phrase(Phrase::Complaint, lang).to_owned()),
        _ => {}
    }

    let thanked = words.thanks();
    let may_ask = (engaged || places) && !thanked && !matches!(intent, Intent::Complaint | Intent::SpeakToHuman);
    let question = goal
        .as_ref()
        .filter(|_| may_ask && !acted.asks && !acted.handled_booking)
        .and_then(|goal| questions::next(turn, &known, goal, &as_left(state, &acted, waived), lang))
        // Never the very words of the last reply's question when nothing else is said.
        .filter(|ask| !(out.parts.is_empty() && state.current.last_reply.as_deref() == Some(ask.text.as_str())));
    if out.parts.len() == acknowledged && question.is_none() && acknowledged == 0 && !out.identity {
        if thanked {
            // "Thanks, I don't need anything else": a close, not "the team will pick this up".
            out.parts.push(close(state, lang));
            out.acts.closed = true;
        } else if !understood.slots.is_empty() {
            out.parts.push(phrase(Phrase::GotIt, lang).to_owned());
        }
    }
    out.bare = out.parts.is_empty() && !out.identity;
    if let Some(ask) = question {
        out.parts.push(ask.text);
        out.acts.asked = Some(ask.slot);
    }
    out
}

/// The dialogue as this turn's acts leave it: the listing they found, the booking they made.
fn as_left(state: &DialogueState, acted: &acted::Said, waived: Option<Slot>) -> DialogueState {
    let mut left = state.clone();
    left.current.dropped.extend(waived);
    if let Some(listing) = &acted.listing {
        left.listing = Some(listing.clone());
    }
    if let Some(booking) = &acted.booking {
        left.booking = booking.clone();
    }
    left
}

/// "Anywhere", "I don't mind", "not fussy": an answer that there is no preference.
pub(crate) fn no_preference(text: &str) -> bool {
    let lower = format!(" {} ", text.to_lowercase());
    [
        " anywhere",
        " don't mind",
        " dont mind",
        " not fussy",
        " no preference",
        " any area",
        " flexible",
        " doesn't matter",
        " doesnt matter",
        " whatever",
        " open to anything",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The sentences of `text` that do not ask for the booking (or viewing) itself.
fn other_sentences(text: &str) -> String {
    let normalised = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::kb::query::sentences(&normalised)
        .into_iter()
        .filter(|s| {
            let w = Words::new(s);
            !w.books()
                && !w.any(&["view", "visit", "book", "viewing", "appointment", "reserve", "change it", "move it"])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A warm close: what the team still owes them, else a goodbye (said differently the second time).
fn close(state: &DialogueState, lang: &str) -> String {
    match state.promised.last().filter(|_| !state.current.closed) {
        Some(promise) if lang == "en" => fill(phrase(Phrase::GoodbyePromised, lang), &[("what", &promise.what)]),
        _ if state.current.closed => phrase(Phrase::ThanksGoodbyeAgain, lang).to_owned(),
        _ => phrase(Phrase::ThanksGoodbye, lang).to_owned(),
    }
}

/// The message asks for a booking (or adds a day or time to the one in progress) and we know
/// when: without a day there is nothing to confirm yet, and the question asks for it.
fn wants_booking(asked: BookingAsk, goal: &Goal, understood: &Understanding, known: &LeadFields) -> bool {
    let BookingAsk(intent, said) = asked;
    let books = said
        || matches!(
            intent,
            Intent::BookViewing | Intent::BookAppointment | Intent::BookStay | Intent::RescheduleCancel
        );
    let when_slots = [Slot::Date, Slot::Time, Slot::CheckIn, Slot::CheckOut];
    let adds_when = when_slots.iter().any(|s| understood.slots.contains_key(s))
        // "Actually, can we do Friday instead?" corrects the day: a Deny that carries a date.
        && matches!(intent, Intent::ProvideInfo | Intent::Affirm | Intent::GeneralEnquiry | Intent::Deny);
    let when_known = match goal.kind {
        GoalKind::Stay => known.knows(Slot::CheckIn),
        _ => goal.details.contains_key(&Slot::Date),
    };
    goal.is_booking() && (books || adds_when) && when_known
}

/// The message's intent, and whether its words ask for a booking whatever the intent says.
#[derive(Clone, Copy)]
struct BookingAsk(Intent, bool);

/// "Is the flat on Elm Road still available?": the property they named.
fn asks_availability(intent: Intent, understood: &Understanding) -> Option<String> {
    let enquiry =
        matches!(intent, Intent::AvailabilitySearch | Intent::PropertyEnquiryRent | Intent::PropertyEnquiryBuy);
    let property = understood.slots.get(&Slot::Property)?;
    enquiry.then(|| property.value.as_str().map_or_else(|| property.text.clone(), str::to_owned))
}

/// A request for places (to rent, buy or stay), not a question about one. English wording
/// only: the promise itself is English (see `describe`).
fn wants_places(intent: Intent, words: &Words) -> bool {
    let search =
        matches!(intent, Intent::PropertyEnquiryRent | Intent::PropertyEnquiryBuy | Intent::AvailabilitySearch);
    (search
        && words.any(&[
            "find",
            "looking for",
            "search",
            "any ",
            "anything",
            "do you have",
            "have you got",
            "available",
            "free ",
            "options",
            "other ",
            "another",
        ]))
        || words.more_options()
}

/// "That is correct, quick question: is it furnished?": a question mark after an answer or a
/// greeting is still a question (bookings and hours carry their own answer).
fn asks_beside_intent(intent: Intent, text: &str) -> bool {
    text.contains('?') && matches!(intent, Intent::Affirm | Intent::Deny | Intent::Greeting)
}

/// Intents whose answer is the team's next step, not a fact: never "I don't have that to hand".
fn answerable_by_team_flow(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::BookViewing
            | Intent::BookAppointment
            | Intent::BookStay
            | Intent::RescheduleCancel
            | Intent::ValuationRequest
            | Intent::MaintenanceRequest
            | Intent::HoursLocation
            | Intent::Greeting
            | Intent::Affirm
            | Intent::Deny
            | Intent::OptOut
            | Intent::WrongNumberSpam
    )
}

fn noun(kind: GoalKind) -> &'static str {
    match kind {
        GoalKind::Viewing | GoalKind::Search => "a viewing",
        GoalKind::Appointment => "an appointment",
        GoalKind::Stay => "a stay",
        GoalKind::Valuation => "a valuation",
        GoalKind::Repair => "a repair visit",
        GoalKind::Information => "your request",
    }
}

/// How the team's queue names a booking to confirm.
fn task_label(kind: GoalKind) -> &'static str {
    match kind {
        GoalKind::Viewing | GoalKind::Search => "Viewing",
        GoalKind::Appointment => "Appointment",
        GoalKind::Stay => "Stay",
        GoalKind::Valuation => "Valuation",
        GoalKind::Repair => "Repair visit",
        GoalKind::Information => "Request",
    }
}

/// The booking in words the contact can check: "a viewing of the flat on Elm Road tomorrow
/// (Tue 1 Dec) at 10:00". Other languages get the bare request ("your request" words are
/// English, so they say only the date and time, which read the same everywhere).
fn describe(goal: &Goal, known: &LeadFields, today: CivilDate, lang: &str) -> String {
    let detail = |slot| goal.details.get(&slot).cloned();
    let date = detail(Slot::Date).or_else(|| field(known, Slot::CheckIn));
    let when = date.as_deref().and_then(|d| d.parse::<CivilDate>().ok()).map(|d| day_label(d, today, lang));
    let time = detail(Slot::Time);
    if lang != "en" {
        return [when, time].into_iter().flatten().collect::<Vec<_>>().join(" ");
    }
    let mut text = noun(goal.kind).to_owned();
    if let Some(property) = detail(Slot::Property).or_else(|| field(known, Slot::Property)) {
        text.push_str(&format!(" of {property}"));
    }
    if goal.kind == GoalKind::Stay {
        if let Some(out) = field(known, Slot::CheckOut).and_then(|d| d.parse::<CivilDate>().ok()) {
            if let Some(when) = &when {
                return format!("{text} from {when} to {}", day_label(out, today, lang));
            }
        }
    }
    if let Some(when) = when {
        text.push(' ');
        text.push_str(&when);
    }
    if let Some(time) = time {
        text.push_str(&format!(" at {time}"));
    }
    if let Some(provider) = detail(Slot::Provider) {
        text.push_str(&format!(" with {provider}"));
    }
    text
}

fn field(known: &LeadFields, slot: Slot) -> Option<String> {
    known.get(slot).map(|f| f.value.as_str().map_or_else(|| f.value.to_string(), str::to_owned))
}

/// "today", "tomorrow (Tue 1 Dec)", "on Fri 4 Dec"; ISO digits in other languages.
fn day_label(date: CivilDate, today: CivilDate, lang: &str) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    if lang != "en" {
        return format!("{:02}/{:02}", date.day, date.month);
    }
    let short =
        format!("{} {} {}", DAYS[usize::from(date.weekday() % 7)], date.day, MONTHS[usize::from(date.month - 1) % 12]);
    match date.to_days() - today.to_days() {
        0 => format!("today ({short})"),
        1 => format!("tomorrow ({short})"),
        _ => format!("on {short}"),
    }
}

fn hours(turn: &Turn, lang: &str) -> String {
    let mut answer = match turn.settings.hours_summary() {
        Some(hours) => fill(phrase(Phrase::Hours, lang), &[("hours", &hours)]),
        None => phrase(Phrase::HoursUnknown, lang).to_owned(),
    };
    if let Some(address) = &turn.settings.address {
        answer.push(' ');
        answer.push_str(&fill(phrase(Phrase::Address, lang), &[("address", address)]));
    }
    answer
}

/// At most 120 characters of what they wrote, for a one-line task.
fn quote(text: &str) -> String {
    let text = text.trim();
    let cut: String = text.chars().take(120).collect();
    if text.chars().count() > 120 {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Whether the knowledge base could answer the message: `compose` consults it only for a
/// question (`kb_question`), so a turn searches it only then.
pub(super) fn may_ask_knowledge(text: &str) -> bool {
    Words::new(text).asks_something()
}

/// Cheap reads of the message's words for the parts the intent alone does not tell.
struct Words {
    lower: String,
}

impl Words {
    fn new(text: &str) -> Self {
        Words { lower: format!(" {} ", text.to_lowercase().replace(['\u{2019}', '`'], "'")) }
    }

    fn any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.lower.contains(p))
    }

    /// A question or a request for information, in any of the languages understood.
    fn asks_something(&self) -> bool {
        self.lower.contains('?')
            || self.any(&[
                " what ",
                " what's ",
                " how ",
                " when ",
                " where ",
                " which ",
                " who ",
                " why ",
                " can i ",
                " can you ",
                " could you ",
                " do you ",
                " does ",
                " is there ",
                " are there ",
                " is it ",
                " tell me ",
                " let me know ",
                " i'd like to know",
                " wondering",
                " qué ",
                " cuál ",
                " dónde ",
                " cuándo ",
                " combien ",
                " quel ",
                " où ",
                " wann ",
                " wie ",
                " wo ",
                " was ",
                " quanto ",
                " onde ",
            ])
    }

    fn asks_hours(&self) -> bool {
        self.any(&[
            "opening hours",
            "open hours",
            "office hours",
            "what time do you open",
            "what time do you close",
            "when are you open",
            "when do you open",
            "when do you close",
            "your address",
            "where are you based",
            "where is your office",
        ])
    }

    fn asks_news(&self) -> bool {
        self.any(&[
            "any news",
            "any update",
            "any word",
            "heard back",
            "heard anything",
            "an update",
            "news on",
            "status of my",
        ])
    }

    fn books(&self) -> bool {
        self.any(&[
            "schedule a visit",
            "schedule a viewing",
            "book a visit",
            "book a viewing",
            "arrange a visit",
            "arrange a viewing",
            "arrange and appointment",
            "set up a visit",
            "set up a viewing",
            "view it ",
            "see it ",
            "visit it ",
            "to view ",
            "come and see",
            "come see",
            "take a look at",
        ])
    }

    fn more_options(&self) -> bool {
        self.any(&[
            "other options",
            "other apartments",
            "other places",
            "other properties",
            "other houses",
            "other hotels",
            "any others",
            "anything else available",
            "something else",
            "more options",
            "another place",
            "another apartment",
            "another one",
            "other ones",
            "different one",
            "alternative",
            "anything else you can find",
            "what else do you have",
            "anything else",
        ])
    }

    fn thanks(&self) -> bool {
        self.any(&[
            "thank",
            "thanks",
            "cheers",
            "that's all",
            "that is all",
            "that'll be all",
            "that will be all",
            "that'll be it",
            "that will be it",
            "that's it",
            "that is it",
            "nothing else",
            "nothing more",
            "anything else",
            "no further",
            "all set",
            "i'm good",
            "that's everything",
            "appreciate",
            "more help",
            "any more",
            "gracias",
            "merci",
            "danke",
            "obrigad",
            "grazie",
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booking_descriptions_say_what_when_and_where() {
        let today = CivilDate::new(2026, 11, 30).unwrap();
        let mut goal = Goal::new(GoalKind::Viewing);
        goal.details.insert(Slot::Property, "the flat on Elm Road".into());
        goal.details.insert(Slot::Date, "2026-12-01".into());
        goal.details.insert(Slot::Time, "10:00".into());
        assert_eq!(
            describe(&goal, &LeadFields::default(), today, "en"),
            "a viewing of the flat on Elm Road tomorrow (Tue 1 Dec) at 10:00"
        );
        assert_eq!(describe(&goal, &LeadFields::default(), today, "es"), "01/12 10:00");
        assert_eq!(day_label(CivilDate::new(2026, 12, 4).unwrap(), today, "en"), "on Fri 4 Dec");
    }
}
