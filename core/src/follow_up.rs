//! Follow-up sequences for leads who go quiet: a few messages at set delays after the
//! contact's last message, within the tenant's opening hours and outside its quiet hours.
//!
//! Rules (the sweeper applies them, `src/platform/follow_ups.rs`):
//! - A sequence belongs to a conversation and is anchored on the contact's last message in it,
//!   once the conversation's last word is ours. Step `i` is due `steps[i].after_minutes` after
//!   that message, and is sent at the first sweep when the business is open and it is not
//!   quiet hours — never before its time.
//! - Any reply stops it: a conversation where a follow-up was sent before the contact's last
//!   message gets no more. An opt-out (STOP) as the last message stops it too, and so does a
//!   lead already booked, won or lost. A lead handed to the team is still followed up: almost
//!   every enquiry gives the team a task (a property's availability to check), and the contact
//!   going quiet meanwhile is what the sequence is for.
//! - Off until the tenant sets `follow_up` (`{}` turns it on with the defaults below): a
//!   business decides whether to chase its leads.

pub use crate::outreach::QuietHours;
use crate::outreach::{derived_message_id, may_send, opted_out};
use crate::tenant::{LocalTime, Settings};
use serde::{Deserialize, Serialize};

/// `settings.follow_up`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowUpSettings {
    pub steps: Vec<Step>,
    /// No follow-up is sent from `from` until `until` (local `HH:MM`; may span midnight).
    pub quiet_hours: QuietHours,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Minutes after the contact's last message.
    pub after_minutes: u32,
    /// What is sent; `None` = the default for this step.
    #[serde(default)]
    pub text: Option<String>,
}

/// 2 hours, 24 hours, 3 days: soon enough to catch the moment, spaced enough not to nag.
const DEFAULT_DELAYS: [u32; 3] = [2 * 60, 24 * 60, 3 * 24 * 60];
/// How many steps the defaults have (a tenant's `{}`).
pub const DEFAULT_STEPS: usize = DEFAULT_DELAYS.len();
const DEFAULT_TEXTS: [&str; 3] = [
    "Just checking in: did you have any other questions? Reply here and we'll help.",
    "Hi again: are you still looking? We'd be happy to arrange a viewing or a call at a time that suits you.",
    "One last message from us: if you'd still like help, just reply and we'll pick it up. Reply STOP to opt out.",
];
const MAX_STEPS: usize = 5;
const MAX_TEXT_CHARS: usize = 320;
/// A week: the longest a step may wait.
const MAX_AFTER_MINUTES: u32 = 7 * 24 * 60;

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings {
            steps: DEFAULT_DELAYS.iter().map(|&after_minutes| Step { after_minutes, text: None }).collect(),
            quiet_hours: QuietHours::default(),
        }
    }
}

impl FollowUpSettings {
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            problems.push(format!("follow_up.steps: 1 to {MAX_STEPS} steps"));
        }
        let mut last = 0;
        for (i, step) in self.steps.iter().enumerate() {
            if step.after_minutes <= last || step.after_minutes > MAX_AFTER_MINUTES {
                problems.push(format!(
                    "follow_up.steps[{i}].after_minutes: later than the step before, at most {MAX_AFTER_MINUTES}"
                ));
            }
            last = step.after_minutes;
            if step.text.as_ref().is_some_and(|t| t.trim().is_empty() || t.chars().count() > MAX_TEXT_CHARS) {
                problems.push(format!("follow_up.steps[{i}].text: 1 to {MAX_TEXT_CHARS} characters"));
            }
        }
        problems.extend(self.quiet_hours.validate("follow_up.quiet_hours"));
        problems
    }

    /// The text of step `i`.
    pub fn text(&self, i: usize) -> Option<String> {
        let step = self.steps.get(i)?;
        let default = DEFAULT_TEXTS[i.min(DEFAULT_TEXTS.len() - 1)];
        Some(step.text.clone().unwrap_or_else(|| default.to_owned()))
    }
}

/// One quiet conversation as the sweeper finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiet<'a> {
    /// When the contact's last message arrived.
    pub last_inbound_ms: u64,
    /// Its words (an opt-out stops the sequence).
    pub last_inbound: &'a str,
    /// Follow-ups already sent for that message.
    pub sent: usize,
    /// A follow-up was sent before that message: the contact replied to the sequence.
    pub replied_to_sequence: bool,
}

/// The step to send now, with its text, or `None`.
pub fn due(settings: &Settings, quiet: &Quiet<'_>, now_ms: u64, local: LocalTime) -> Option<(usize, String)> {
    let follow_up = settings.follow_up.as_ref()?;
    if quiet.replied_to_sequence || opted_out(quiet.last_inbound) {
        return None;
    }
    let step = follow_up.steps.get(quiet.sent)?;
    let due_at = quiet.last_inbound_ms + u64::from(step.after_minutes) * 60_000;
    if now_ms < due_at || !may_send(settings, local) {
        return None;
    }
    Some((quiet.sent, follow_up.text(quiet.sent)?))
}

/// The id of step `step`'s message for the sequence anchored on `anchor_id`: derived, not
/// random, so two sweeps racing on the same step write the same message, job and outbox rows
/// (each is insert-if-absent by this id) and the contact gets it once. Its time part is the
/// anchor's, so it sorts after the message it follows up.
pub fn message_id(anchor_id: &str, anchor_ms: u64, step: usize) -> String {
    derived_message_id(anchor_id.bytes().chain((step as u64).to_le_bytes()), anchor_ms + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::CivilDate;

    const HOUR: u64 = 3_600_000;

    fn settings() -> Settings {
        let mut s = Settings { follow_up: Some(FollowUpSettings::default()), ..Settings::default() };
        for day in ["mon", "tue", "wed", "thu", "fri"] {
            s.hours.insert(day.into(), ["09:00".into(), "18:00".into()]);
        }
        s
    }

    /// Monday 2 March 2026 at `hour`.
    fn monday(hour: u16) -> LocalTime {
        LocalTime { date: CivilDate { year: 2026, month: 3, day: 2 }, minute_of_day: hour * 60 }
    }

    fn quiet(sent: usize) -> Quiet<'static> {
        Quiet {
            last_inbound_ms: 10 * HOUR,
            last_inbound: "Is the flat still available?",
            sent,
            replied_to_sequence: false,
        }
    }

    #[test]
    fn steps_come_at_their_time_and_not_before() {
        let s = settings();
        assert_eq!(due(&s, &quiet(0), 10 * HOUR + HOUR, monday(11)), None, "not at +1 h");
        let (step, text) = due(&s, &quiet(0), 12 * HOUR, monday(12)).unwrap();
        assert_eq!(step, 0);
        assert!(text.starts_with("Just checking in"));
        assert_eq!(due(&s, &quiet(1), 20 * HOUR, monday(14)), None, "step 2 waits for +24 h");
        assert_eq!(due(&s, &quiet(1), 34 * HOUR, monday(14)).map(|d| d.0), Some(1));
        assert_eq!(due(&s, &quiet(3), 200 * HOUR, monday(14)), None, "three steps, then nothing");
    }

    #[test]
    fn never_while_closed_or_in_quiet_hours() {
        let mut s = settings();
        assert_eq!(due(&s, &quiet(0), 12 * HOUR, monday(19)), None, "closed at 19:00");
        // Open round the clock (a holiday let): quiet hours still hold.
        for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
            s.hours.insert(day.into(), ["00:00".into(), "24:00".into()]);
        }
        assert_eq!(due(&s, &quiet(0), 12 * HOUR, monday(22)), None, "quiet at 22:00");
        assert_eq!(due(&s, &quiet(0), 12 * HOUR, monday(7)), None, "quiet at 07:00");
        assert!(due(&s, &quiet(0), 12 * HOUR, monday(8)).is_some());
    }

    #[test]
    fn a_reply_or_an_opt_out_stops_it_and_it_is_off_unless_configured() {
        let s = settings();
        let replied = Quiet { replied_to_sequence: true, ..quiet(0) };
        assert_eq!(due(&s, &replied, 40 * HOUR, monday(12)), None);
        let stop = Quiet { last_inbound: "STOP", ..quiet(0) };
        assert_eq!(due(&s, &stop, 40 * HOUR, monday(12)), None);
        let off = Settings { follow_up: None, ..s };
        assert_eq!(due(&off, &quiet(0), 40 * HOUR, monday(12)), None);
    }

    #[test]
    fn step_message_ids_are_stable_and_distinct() {
        let a = message_id("msg_0019b76daa80000000000001", 5, 0);
        assert_eq!(a, message_id("msg_0019b76daa80000000000001", 5, 0));
        assert_ne!(a, message_id("msg_0019b76daa80000000000001", 5, 1));
        assert_ne!(a, message_id("msg_0019b76daa80000000000002", 5, 0));
        assert!(crate::ids::is_well_formed(&a));
    }

    #[test]
    fn settings_are_validated() {
        assert!(FollowUpSettings::default().validate().is_empty());
        let bad: FollowUpSettings = serde_json::from_str(
            r#"{"steps": [{"after_minutes": 60}, {"after_minutes": 30, "text": ""}], "quiet_hours": {"from": "9pm", "until": "08:00"}}"#,
        )
        .unwrap();
        assert_eq!(bad.validate().len(), 3, "{:?}", bad.validate());
        let custom: FollowUpSettings =
            serde_json::from_str(r#"{"steps": [{"after_minutes": 30, "text": "Still there?"}]}"#).unwrap();
        assert_eq!(custom.text(0).as_deref(), Some("Still there?"));
        assert_eq!(custom.quiet_hours, QuietHours::default());
    }
}
