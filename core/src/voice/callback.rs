//! A caller who asked for a person nobody could take: when the team will call back, what the
//! caller hears before the message tone, the text confirming it, and the team's task.

use crate::tenant::OpenStatus;

/// Why nobody could take the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missed {
    /// The tenant has no `voice.transfer_number`.
    NoTransferNumber,
    /// Outside opening hours: nobody is there to answer.
    Closed,
    /// The transfer rang out: Twilio's `DialCallStatus` (`no-answer`, `busy`, `failed`, …).
    Unanswered(String),
}

impl Missed {
    fn why(&self) -> String {
        match self {
            Missed::NoTransferNumber => "there is no number to put callers through to".to_owned(),
            Missed::Closed => "we were closed".to_owned(),
            Missed::Unanswered(status) => format!("nobody picked up the transfer ({status})"),
        }
    }
}

/// When the team calls back: shortly while open, else from the next opening.
pub fn when(status: &OpenStatus) -> String {
    match status {
        OpenStatus::OpenUntil(_) => "shortly".to_owned(),
        OpenStatus::Closed(Some((day @ ("today" | "tomorrow"), time))) => format!("{day} from {time}"),
        OpenStatus::Closed(Some((day, time))) => format!("on {day} from {time}"),
        OpenStatus::Closed(None) => "as soon as we can".to_owned(),
    }
}

/// Said before the message tone. `when` is `None` when we cannot call back (a withheld
/// number): then only the message is offered.
pub fn spoken(when: Option<&str>) -> String {
    match when {
        Some(when) => format!(
            "Nobody can take your call right now, so we'll call you back {when}. We've sent you a text to confirm. \
             If you like, leave a message after the tone."
        ),
        None => "Nobody can take your call right now. Please leave a message after the tone.".to_owned(),
    }
}

/// The text confirming the callback.
pub fn confirmation(business_name: &str, when: &str) -> String {
    format!(
        "Thanks for calling {business_name}. Nobody could take your call just now, so we'll call you back {when}. \
         Reply here if there's anything we should know before then."
    )
}

/// The team's task: who to call back, why they are waiting, and what the call was about.
pub fn task(who: &str, missed: &Missed, summary: Option<&str>) -> String {
    let about = summary.map(str::trim).filter(|s| !s.is_empty()).map(|s| format!(" {s}")).unwrap_or_default();
    format!("Call back {who}: asked for a person on a call, and {}.{about}", missed.why())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_from_the_next_opening_when_closed() {
        assert_eq!(when(&OpenStatus::OpenUntil("17:30".into())), "shortly");
        assert_eq!(when(&OpenStatus::Closed(Some(("tomorrow", "09:00".into())))), "tomorrow from 09:00");
        assert_eq!(when(&OpenStatus::Closed(Some(("Mon", "09:00".into())))), "on Mon from 09:00");
        assert_eq!(when(&OpenStatus::Closed(None)), "as soon as we can");
    }

    #[test]
    fn the_caller_hears_and_reads_the_same_promise() {
        assert!(
            spoken(Some("shortly")).starts_with("Nobody can take your call right now, so we'll call you back shortly.")
        );
        assert!(!spoken(None).contains("call you back"), "a withheld number is not promised a call");
        assert!(confirmation("Maple & Pine", "tomorrow from 09:00").contains("we'll call you back tomorrow from 09:00"));
    }

    #[test]
    fn the_task_names_who_why_and_what() {
        assert_eq!(
            task(
                "Priya Shah (+447700900555)",
                &Missed::Unanswered("no-answer".into()),
                Some("Wants the Elm Road deposit back")
            ),
            "Call back Priya Shah (+447700900555): asked for a person on a call, and nobody picked up the transfer \
             (no-answer). Wants the Elm Road deposit back"
        );
        assert!(task("+44", &Missed::NoTransferNumber, None).ends_with("there is no number to put callers through to."));
    }
}
