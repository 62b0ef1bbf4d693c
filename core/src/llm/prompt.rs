//! What the model is told: a system prompt holding the tenant's own facts and the guardrails,
//! and the conversation so far. The model may only state facts written here, so a fact the
//! tenant has not set never appears — not even as a placeholder.

use super::round::Message;
use crate::brain::persona;
use crate::brain::tone::{ChannelStyle, Tone};
use crate::brain::Turn;
use crate::channel::Channel;
use crate::dialogue::MAX_ASKS;
use crate::lead::{next_question, slot_name};
use crate::tenant::OpenStatus;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/// About 1,500 tokens of earlier conversation for an LLM turn or draft ([`transcript_within`]).
pub const TRANSCRIPT_CHARS: usize = 6_000;
/// Tenant-written texts and summaries are capped so one setting cannot crowd out the rules.
const NOTE_CHARS: usize = 480;
const SUMMARY_CHARS: usize = 1000;
/// Passages given to the model, and the most of each it reads.
const KNOWLEDGE_IN_PROMPT: usize = 5;
const KNOWLEDGE_CHARS: usize = 600;

/// What the turn itself does not carry: how the Worker wants this reply shaped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptContext {
    /// The monthly budget is nearly spent: ask for shorter replies (see [`super::BudgetMode`]).
    pub brief: bool,
    /// The console's copilot: a draft staff read, edit and send themselves. The model may only
    /// read (search the knowledge, the hours); nothing it says is done.
    #[serde(default)]
    pub draft: bool,
}

/// Who said a line of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    /// A stored message's side (`messages.direction`): the contact's words are the user's; ours
    /// and staff's are the assistant's.
    pub fn of_direction(direction: &str) -> Role {
        if direction == "inbound" {
            Role::User
        } else {
            Role::Assistant
        }
    }
}

pub fn system_prompt(turn: &Turn, extra: &PromptContext) -> String {
    let settings = &turn.settings;
    let mut p = String::new();
    let channel = match turn.channel {
        Channel::Sms => "text messages (SMS)",
        Channel::Whatsapp => "WhatsApp messages",
        Channel::Chat => "the chat on the business's website",
        Channel::Email => "emails",
        Channel::Voice => "phone calls (your words are spoken: one or two short sentences, at most one question)",
    };
    let business = one_line(&turn.business_name, NOTE_CHARS);
    let role = persona::role_of_turn(turn);
    match persona::of_turn(turn, role) {
        Some(persona) => {
            _ = writeln!(
                p,
                "You are {}, {} at the front desk of {business}, answering {channel} on the business's behalf. You \
             are the business's AI assistant, not a person: in a new conversation introduce yourself by that name \
             as its AI assistant; if asked who you are or whether you are a person or a bot, say so plainly; never \
             claim to be human.",
                one_line(&persona.name, NOTE_CHARS),
                role.describe()
            )
        }
        None => {
            _ = writeln!(
                p,
                "You are the front desk of {business}, answering {channel} on the business's behalf. You are an \
             automated assistant; say so if asked.",
            )
        }
    }
    if let Some(kind) = settings.template.as_deref().and_then(template_line) {
        let _ = writeln!(p, "{kind}");
    }

    p.push_str("\n# What you know\nThese are the only facts about the business you may state:\n");
    let now = turn.local_time;
    let (hour, minute) = (now.minute_of_day / 60, now.minute_of_day % 60);
    let day = DAY_NAMES[usize::from(now.weekday() % 7)];
    let _ = writeln!(p, "- Local time now: {day} {} {hour:02}:{minute:02}.", now.date);
    match settings.hours_summary() {
        Some(hours) => _ = writeln!(p, "- Opening hours: {hours}."),
        None => p.push_str("- Opening hours: not set. Do not state any.\n"),
    }
    match settings.status_at(now) {
        OpenStatus::OpenUntil(close) => _ = writeln!(p, "- Right now: open until {close}."),
        OpenStatus::Closed(Some((day, time))) => _ = writeln!(p, "- Right now: closed; opens {day} at {time}."),
        OpenStatus::Closed(None) => p.push_str("- Right now: closed.\n"),
    }
    if let Some(address) = &settings.address {
        let _ = writeln!(p, "- Address: {}.", one_line(address, NOTE_CHARS));
    }
    if let Some(step) = &settings.next_step {
        let _ = writeln!(p, "- Next step for a new enquiry: {}", one_line(step, NOTE_CHARS));
    }

    p.push_str("\n# This conversation\n");
    if let Some(name) = turn.contact_name.as_deref().map(|n| one_line(n, 80)).filter(|n| !n.is_empty()) {
        let _ = writeln!(p, "- The contact's name: {name}.");
    }
    p.push_str(if turn.returning_contact {
        "- They have written to us before.\n"
    } else {
        "- This is a new contact.\n"
    });
    if let Some(summary) = turn.history_summary.as_deref().map(|s| clip(s.trim(), SUMMARY_CHARS)) {
        if !summary.is_empty() {
            let _ = writeln!(p, "- Earlier conversations, summarised: {summary}");
        }
    }
    let style = settings.style_for(turn.channel);
    p.push_str(match (turn.new_conversation, style) {
        (true, Some(ChannelStyle::Formal)) => "- This message starts a new conversation: name the business.\n",
        (true, _) => {
            "- This message starts a new conversation: greet them briefly (by first name if known) and name the \
             business.\n"
        }
        (false, _) => "- This continues the conversation: do not greet them again.\n",
    });
    if !turn.lead.0.is_empty() {
        let known: Vec<String> =
            turn.lead.0.iter().map(|(slot, field)| format!("{}: {}", slot_name(*slot), plain(&field.value))).collect();
        let _ = writeln!(p, "- What they have told us already (do not ask again): {}.", known.join("; "));
    }
    dialogue_lines(&mut p, turn);
    if let Some(question) = next_question(&turn.lead, &settings.questions())
        .filter(|q| !turn.dialogue.is_dropped(q.field) && turn.dialogue.times_asked(q.field) < MAX_ASKS)
    {
        let _ = writeln!(
            p,
            "- If they are enquiring and nothing more urgent is open, you may end your reply with this one \
             question, in their language: {}{}",
            one_line(&question.ask, NOTE_CHARS),
            match question.answer.as_ref().filter(|a| a.kind == "choice") {
                Some(a) => format!(" (name the options: {})", a.options.join(" / ")),
                None => String::new(),
            }
        );
    }
    knowledge_lines(&mut p, turn);
    acts_lines(&mut p, turn);
    if turn.missed_call {
        p.push_str(
            "- They phoned and nobody answered; they have not written anything. Send one short, friendly \
             follow-up asking how we can help.\n",
        );
    }

    p.push_str(
        "\n# Rules\n\
         - Never take payments, and never ask for card, bank or password details.\n\
         - Give no legal, medical or financial advice; offer to have the team follow up instead.\n\
         - Never state a price, availability, date, policy or any other fact that is not written above or \
         returned by search_knowledge. When asked for one, search the knowledge base; if it has no answer, say \
         the team will confirm, and note what they want with save_lead_details.\n\
         - Emergencies — a gas smell, fire, flooding or a water leak, being locked out, an injury — call \
         escalate_to_human with reason \"emergency\" at once, at any hour, then tell the caller what to do to stay \
         safe now: leave the building and call the emergency services for gas or fire, turn the water off at the \
         stopcock if it is safe to, call the emergency services for an injury.\n\
         - When they ask for a person, complain, or stay confused, call escalate_to_human with the matching reason \
         and tell them a person will follow up.\n\
         - When they give details (name, email, dates, budget, what they are looking for), call save_lead_details \
         with their exact words as evidence.\n\
         - Reply in the language the caller writes in.\n\
         - Your final message is sent to the caller exactly as written: no notes, no placeholders.\n",
    );

    p.push_str("\n# Style\n");
    p.push_str(match style {
        Some(ChannelStyle::Concise) => {
            "- Plain text, no markdown; one to three short sentences, under 300 characters.\n"
        }
        Some(ChannelStyle::Casual) => "- Short, conversational plain text; no headings, tables or markdown.\n",
        Some(ChannelStyle::Formal) => {
            "- Write only the body of a letter, two to four sentences: the salutation and sign-off are added for \
             you. No markdown.\n"
        }
        None => "- Short, conversational plain text; one to three sentences.\n",
    });
    if let Some(tone) = tone_line(settings.tone) {
        let _ = writeln!(p, "- Tone: {tone}.");
    }
    if extra.brief {
        p.push_str("- Be especially brief: one or two short sentences.\n");
    }
    if extra.draft {
        p.push_str(
            "\n# Drafting for staff\n- A member of the team will read this reply, edit it and send it themselves. \
             Only search_knowledge and get_business_hours are available: do not say you have booked, escalated, \
             saved or sent anything; where a rule says to call another tool, say the team will follow up.\n",
        );
    }
    p
}

/// What the conversation has established, so the model neither repeats itself nor re-asks.
fn dialogue_lines(p: &mut String, turn: &Turn) {
    let state = &turn.dialogue;
    if let Some(goal) = &state.goal {
        let details: Vec<String> =
            goal.details.iter().map(|(slot, value)| format!("{}: {}", slot_name(*slot), one_line(value, 80))).collect();
        let kind = serde_json::to_value(goal.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join("; ")) };
        let _ = writeln!(p, "- What they want: {kind}{details}.");
    }
    for promise in state.promised.iter().rev().take(3) {
        let _ = writeln!(p, "- Already promised: the team will follow up about {}.", one_line(&promise.what, 160));
    }
    if let Some(last) = state.current.last_reply.as_deref() {
        let _ = writeln!(p, "- Our last reply was: \"{}\" — do not send the same words again.", one_line(last, 320));
    }
    let dropped: Vec<String> = state.current.dropped.iter().map(|s| slot_name(*s)).collect();
    if !dropped.is_empty() {
        let _ = writeln!(p, "- They did not answer when asked about {}: do not ask again.", dropped.join(", "));
    }
}

/// The business's own knowledge retrieved for this message: the only source for policy facts.
fn knowledge_lines(p: &mut String, turn: &Turn) {
    if turn.knowledge.is_empty() {
        return;
    }
    p.push_str(
        "\n# From the business's knowledge base\nYou may state these facts, and only when they answer what was \
         asked; search_knowledge finds more. If nothing found answers it, say you will check with the team.\n",
    );
    for passage in turn.knowledge.iter().take(KNOWLEDGE_IN_PROMPT) {
        let _ = writeln!(
            p,
            "- [{}] {}: {}",
            passage.id,
            one_line(&passage.title, 160),
            clip(&one_line(&passage.text, KNOWLEDGE_CHARS), KNOWLEDGE_CHARS)
        );
    }
}

/// What the calendar and the catalogue did for this message, already done: the model says it
/// and states no other time, price or booking.
fn acts_lines(p: &mut String, turn: &Turn) {
    let Some(said) = crate::brain::acted::say(turn, &turn.lead, "en") else { return };
    p.push_str(
        "\n# Already done for this message (by the calendar and the listings)\nTell the caller this, in their \
         language and your words; do not offer or confirm any other time, price or booking:\n",
    );
    for part in &said.parts {
        let _ = writeln!(p, "- {}", one_line(part, KNOWLEDGE_CHARS));
    }
}

/// Earlier lines of the conversation, newest first as stored, kept while they fit
/// `budget_chars` (about four characters a token) and returned oldest first: the model sees the
/// recent exchange whole rather than a long one cut anywhere.
pub fn transcript_within(newest_first: &[(Role, String)], budget_chars: usize) -> Vec<(Role, String)> {
    let mut used = 0;
    let mut kept: Vec<(Role, String)> = Vec::new();
    for (role, text) in newest_first {
        let size = text.chars().count();
        if used + size > budget_chars {
            break;
        }
        used += size;
        kept.push((*role, text.clone()));
    }
    kept.reverse();
    kept
}

/// The conversation after the system prompt: earlier turns (or, without them, the last thing we
/// said), then the caller's message. Consecutive lines from one side are merged and a leading
/// line of ours is introduced, because providers expect turns to alternate, starting with the user.
pub(crate) fn messages(turn: &Turn, history: &[(Role, String)]) -> Vec<Message> {
    let mut lines: Vec<(Role, String)> =
        history.iter().filter(|(_, text)| !text.trim().is_empty()).map(|(role, text)| (*role, text.clone())).collect();
    if lines.is_empty() {
        if let Some(before) = turn.system_before.as_ref().filter(|b| !b.trim().is_empty()) {
            lines.push((Role::Assistant, before.clone()));
        }
    }
    let latest = if turn.missed_call {
        "(a missed call: nothing written)".to_owned()
    } else if turn.text.trim().is_empty() {
        "(an empty message)".to_owned()
    } else {
        turn.text.clone()
    };
    lines.push((Role::User, latest));
    if lines[0].0 == Role::Assistant {
        lines.insert(0, (Role::User, format!("(the conversation was opened by {})", turn.business_name)));
    }
    let mut merged: Vec<(Role, String)> = Vec::new();
    for (role, text) in lines {
        match merged.last_mut() {
            Some((last, joined)) if *last == role => {
                joined.push_str("\n\n");
                joined.push_str(&text);
            }
            _ => merged.push((role, text)),
        }
    }
    merged
        .into_iter()
        .map(|(role, text)| match role {
            Role::User => Message::User(text),
            Role::Assistant => Message::Assistant(text),
        })
        .collect()
}

fn template_line(template: &str) -> Option<&'static str> {
    Some(match template {
        "letting_agent" => "It is a letting agent: \"book\" usually means a property viewing.",
        "vacation_rental" => "It is a vacation rental: \"book\" usually means a stay.",
        "clinic_salon" => "It is a clinic or salon: \"book\" usually means an appointment.",
        "hotel" => "It is a hotel: \"book\" usually means a room for a stay.",
        _ => return None,
    })
}

fn tone_line(tone: Tone) -> Option<&'static str> {
    match tone {
        Tone::Standard => None,
        Tone::LuxuryConcierge => Some("polished, warm and attentive, like a five-star concierge"),
        Tone::FastDirect => Some("direct and efficient: the answer first, no small talk"),
        Tone::FriendlyCasual => Some("friendly and relaxed, like a helpful neighbour"),
    }
}

/// A lead value as words: text without quotes, anything else as JSON.
fn plain(value: &serde_json::Value) -> String {
    match value.as_str() {
        Some(text) => one_line(text, 80),
        None => value.to_string(),
    }
}

/// Tenant- and contact-written text on one line, so it cannot pose as a heading or a rule.
fn one_line(text: &str, max_chars: usize) -> String {
    let flat: Vec<&str> = text.split_whitespace().collect();
    clip(&flat.join(" "), max_chars)
}

/// At most `max_chars` characters, with `…` when cut.
pub(crate) fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::Slot;
    use crate::lead::Field;
    use crate::llm::testing::turn;
    use crate::tenant::Settings;

    fn prompt_for(t: &Turn) -> String {
        system_prompt(t, &PromptContext::default())
    }

    #[test]
    fn the_model_is_told_its_persona_and_role_and_never_to_claim_to_be_human() {
        use crate::console::settings::tests::persona;
        let mut t = turn("Hello");
        let plain = prompt_for(&t);
        assert!(plain.starts_with("You are the front desk of"), "no persona: today's opening: {plain}");
        t.settings.personas = vec![persona("receptionist", "all", "Maya"), persona("support", "all", "Sam")];
        let p = prompt_for(&t);
        assert!(p.starts_with("You are Maya, the receptionist at the front desk of"), "{p}");
        assert!(p.contains("introduce yourself by that name as its AI assistant"), "{p}");
        assert!(p.contains("never claim to be human"), "{p}");
        t.text = "The shower is leaking into the flat below".into();
        let support = prompt_for(&t);
        assert!(
            support.starts_with("You are Sam, support for existing customers (repairs, bookings already made)"),
            "{support}"
        );
        t.text = "I'm looking to rent a 2 bed flat".into();
        let lead = prompt_for(&t);
        assert!(lead.starts_with("You are Maya, the one who asks new enquirers"), "no qualifier persona: {lead}");
    }

    #[test]
    fn the_model_sees_the_dialogue_state_and_the_knowledge_it_may_state() {
        use crate::dialogue::{Goal, GoalKind, ReplyActs};
        let mut t = turn("Can I bring my dog?");
        let mut goal = Goal::new(GoalKind::Viewing);
        goal.details.insert(Slot::Date, "2026-12-01".into());
        let acts = ReplyActs { goal: Some(goal), promised: Some("a viewing tomorrow".into()), ..Default::default() };
        t.dialogue = t.dialogue.after_reply(Some("I've asked the team to confirm a viewing."), &acts, 1);
        t.knowledge = crate::brain::simulate::demo_faq();
        let p = prompt_for(&t);
        assert!(p.contains("- What they want: viewing (date: 2026-12-01)."), "{p}");
        assert!(p.contains("Already promised: the team will follow up about a viewing tomorrow."));
        assert!(p.contains("do not send the same words again"));
        assert!(p.contains("[kbc_pets] Are pets allowed?: Many of our landlords accept pets"), "{p}");
        assert!(
            !prompt_for(&turn("hi")).contains("# From the business's knowledge base"),
            "no section without passages"
        );
    }

    #[test]
    fn the_model_is_told_what_the_calendar_did_and_nothing_else_to_offer() {
        use crate::booking::{rfc3339, Booking, Kind};
        use crate::brain::act::{Act, Outcome};
        let mut t = turn("11:30 please");
        let start = 1_796_124_600_000; // 2026-12-01 11:30 UTC
        let booking = Booking {
            id: "bkg_1".into(),
            kind: Kind::Viewing,
            status: "confirmed".into(),
            contact_id: "con_1".into(),
            listing_id: None,
            staff_id: None,
            start: rfc3339(start, 0),
            end: rfc3339(start + 1_800_000, 0),
            source: "conversation".into(),
            created_at: 0,
            updated_at: 0,
            calcom_uid: None,
            hubspot_deal_id: None,
        };
        t.acts.0.push((Act::Book { kind: Kind::Viewing, listing_id: None, start_ms: start }, Outcome::Booked(booking)));
        let p = prompt_for(&t);
        assert!(p.contains("# Already done for this message"), "{p}");
        assert!(p.lines().any(|l| l.starts_with("- Booked: your viewing") && l.contains("at 11:30")), "{p}");
        assert!(!prompt_for(&turn("hi")).contains("Already done"));
    }

    #[test]
    fn the_transcript_keeps_the_newest_lines_that_fit_oldest_first() {
        let lines =
            [(Role::Assistant, "c".repeat(40)), (Role::User, "b".repeat(40)), (Role::Assistant, "a".repeat(40))];
        let kept = transcript_within(&lines, 100);
        assert_eq!(kept, vec![(Role::User, "b".repeat(40)), (Role::Assistant, "c".repeat(40))]);
        assert!(transcript_within(&lines, 10).is_empty());
    }

    #[test]
    fn a_choice_question_comes_with_its_options() {
        let mut t = turn("I'd like to rent a flat");
        t.settings.qualification = Some(
            serde_json::from_value(serde_json::json!([{"field": "furnished", "ask": "Would you like it furnished?",
                "answer": {"type": "choice", "options": ["Furnished", "Unfurnished"]}}]))
            .unwrap(),
        );
        let p = prompt_for(&t);
        assert!(p.contains("Would you like it furnished? (name the options: Furnished / Unfurnished)"), "{p}");
    }

    #[test]
    fn states_the_guardrails_plainly() {
        let p = prompt_for(&turn("Hi"));
        for rule in [
            "Never take payments",
            "no legal, medical or financial advice",
            "Never state a price, availability, date, policy or any other fact that is not written above",
            "say the team will confirm",
            "a gas smell, fire, flooding or a water leak, being locked out, an injury",
            "call escalate_to_human with reason \"emergency\" at once",
            "what to do to stay safe",
            "Reply in the language the caller writes in",
            "under 300 characters",
        ] {
            assert!(p.contains(rule), "missing {rule:?} in:\n{p}");
        }
    }

    #[test]
    fn gives_the_tenants_own_facts_hours_status_and_next_step() {
        let mut t = turn("Is the flat on Elm Road available?");
        t.settings.address = Some("14 Quay St,\n  Bristol".into());
        t.settings.template = Some("letting_agent".into());
        let p = prompt_for(&t);
        assert!(p.contains("Maple & Pine Lettings"), "{p}");
        assert!(p.contains("- Opening hours: Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00."), "{p}");
        assert!(p.contains("- Right now: open until 18:00."), "{p}");
        assert!(p.contains("- Address: 14 Quay St, Bristol."), "one line, whatever the tenant typed: {p}");
        assert!(p.contains("- Next step for a new enquiry: Reply with the property and a good time for a viewing."));
        assert!(p.contains("\"book\" usually means a property viewing"), "{p}");
        assert!(p.contains("Local time now: Monday 2026-11-23 10:00."), "{p}");
        t.local_time = crate::tenant::tests::at(5, 15, 0);
        assert!(prompt_for(&t).contains("- Right now: closed; opens Mon at 09:00."));
    }

    #[test]
    fn facts_the_tenant_has_not_set_are_absent_not_guessed() {
        let mut t = turn("How much is the rent and where are you?");
        t.settings = Settings::default();
        let p = prompt_for(&t);
        assert!(p.contains("- Opening hours: not set. Do not state any."), "{p}");
        assert!(p.contains("- Right now: closed."), "{p}");
        for absent in ["Address", "Next step", "09:00", "18:00", "£", "$", "€", "book\" usually", "Tone:"] {
            assert!(!p.contains(absent), "{absent:?} should not be in:\n{p}");
        }
    }

    #[test]
    fn knows_the_contact_and_shapes_the_reply_for_channel_tone_and_budget() {
        let mut t = turn("Still looking for a 2-bed");
        t.contact_name = Some("Ana\nLima".into());
        t.returning_contact = true;
        t.new_conversation = false;
        t.history_summary = Some("Asked about Elm Road flats in May.".into());
        let beds = Field { value: 2.into(), evidence: "2 beds".into(), message_id: "m1".into(), at: 1 };
        t.lead.0.insert(Slot::Beds, beds);
        t.settings.tone = Tone::LuxuryConcierge;
        t.channel = Channel::Whatsapp;
        let p = system_prompt(&t, &PromptContext { brief: true, ..Default::default() });
        for expected in [
            "WhatsApp messages",
            "- The contact's name: Ana Lima.",
            "- They have written to us before.",
            "- Earlier conversations, summarised: Asked about Elm Road flats in May.",
            "do not greet them again",
            "What they have told us already (do not ask again): beds: 2.",
            "Tone: polished, warm and attentive",
            "conversational plain text",
            "Be especially brief",
        ] {
            assert!(p.contains(expected), "missing {expected:?} in:\n{p}");
        }
        assert!(!prompt_for(&turn("x")).contains("especially brief"));
        t.channel = Channel::Email;
        t.new_conversation = true;
        let email = prompt_for(&t);
        assert!(email.contains("emails") && email.contains("only the body of a letter"), "{email}");
        assert!(email.contains("- This message starts a new conversation: name the business.\n"), "{email}");
        t.missed_call = true;
        assert!(prompt_for(&t).contains("They phoned and nobody answered"));
    }

    #[test]
    fn the_conversation_alternates_and_starts_with_the_caller() {
        let mut t = turn("Friday please");
        t.system_before = Some("What day suits you?".into());
        assert_eq!(
            messages(&t, &[]),
            [
                Message::User("(the conversation was opened by Maple & Pine Lettings)".into()),
                Message::Assistant("What day suits you?".into()),
                Message::User("Friday please".into()),
            ]
        );
        let history = [
            (Role::User, "Hi".to_owned()),
            (Role::User, "Is it available?".to_owned()),
            (Role::Assistant, "  ".to_owned()),
            (Role::Assistant, "Which property?".to_owned()),
        ];
        assert_eq!(
            messages(&t, &history),
            [
                Message::User("Hi\n\nIs it available?".into()),
                Message::Assistant("Which property?".into()),
                Message::User("Friday please".into()),
            ],
            "history wins over system_before; blank lines are dropped and runs merged"
        );
        t.missed_call = true;
        t.text.clear();
        assert_eq!(messages(&t, &[]).last(), Some(&Message::User("(a missed call: nothing written)".into())));
    }
}
