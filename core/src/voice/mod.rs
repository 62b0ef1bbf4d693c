//! Phone calls over Twilio Voice (PROTOCOLS.md §2–3): how a tenant's calls are answered
//! (`VoiceSettings`), what the caller hears first (`greeting`), the TwiML of each webhook
//! (`twiml`) and the call's lifecycle as Twilio reports it (`status`). The live
//! ConversationRelay WebSocket is the `CallDO`'s; this module is the HTTP side.

pub mod callback;
pub mod greeting;
pub mod handoff;
pub mod language;
pub mod latency;
pub mod outbound;
pub mod request;
pub mod speech;
pub mod spoken;
pub mod status;
pub mod summary;
pub mod twiml;

use crate::phone::PhoneE164;
use serde::{Deserialize, Serialize};

/// `settings.voice`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceSettings {
    #[serde(default)]
    pub mode: VoiceMode,
    /// What a caller gets outside opening hours.
    #[serde(default)]
    pub after_hours: AfterHours,
    /// Where a caller asking for a person is put through (E.164); none = no transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_number: Option<String>,
    /// The BCP 47 language of speech recognition and synthesis, e.g. `en-GB`; none = `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// How the voice says the business's own names (`speech::pronunciation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pronunciations: Vec<speech::pronunciation::Pronunciation>,
    /// Keep the caller's and the receptionist's words on the timeline after the call. Off by
    /// default: once the call is summarised its turns keep only their place and the summary
    /// says what happened (docs/STORAGE.md, "Calls").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transcripts: bool,
    /// Days a call's recording is kept at Twilio before the sweeper deletes it; none =
    /// [`DEFAULT_RECORDING_RETENTION_DAYS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_retention_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceMode {
    /// `<Connect><ConversationRelay>`: streamed speech over a WebSocket to the `CallDO`.
    #[default]
    Relay,
    /// `<Gather input="speech">` turns, for accounts without ConversationRelay.
    Gather,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterHours {
    /// The receptionist answers at any hour.
    #[default]
    Ai,
    /// A greeting, then the caller leaves a message (`<Record>`).
    Voicemail,
}

pub const DEFAULT_LANGUAGE: &str = "en-US";

/// How the call speaks `said_in`: in the voice persona's voice when it speaks the call's own
/// language — a caller who switched to another is answered in that language's default voice,
/// not in a voice made for the first.
pub fn speaker<'a>(
    personas: &'a [crate::console::settings::Persona],
    settings: &VoiceSettings,
    said_in: &'a str,
) -> twiml::Speaker<'a> {
    let voice = crate::brain::persona::on_call(personas).and_then(|p| p.voice.as_deref());
    twiml::Speaker { language: said_in, voice: voice.filter(|_| said_in == settings.language()) }
}

/// How long a recording is kept when the tenant does not say.
pub const DEFAULT_RECORDING_RETENTION_DAYS: u32 = 30;

impl VoiceSettings {
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(number) = &self.transfer_number {
            if PhoneE164::parse(number).is_err() {
                problems.push(format!("voice.transfer_number: `{number}` is not an E.164 number"));
            }
        }
        if let Some(language) = &self.language {
            let ok =
                (2..=12).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                problems.push(format!("voice.language: `{language}` is not a language tag such as en-GB"));
            }
        }
        problems.extend(speech::pronunciation::validate(&self.pronunciations));
        if let Some(days) = self.recording_retention_days.filter(|d| !(1..=3650).contains(d)) {
            problems.push(format!("voice.recording_retention_days: {days} is not between 1 and 3650"));
        }
        problems
    }

    pub fn language(&self) -> &str {
        self.language.as_deref().unwrap_or(DEFAULT_LANGUAGE)
    }
}

/// What a voicemail's timeline entry says: how long it is and where staff find it (the
/// recording itself only through the API).
pub fn voicemail_note(call_id: &str, seconds: Option<u64>) -> String {
    let length = seconds.map(|s| format!(" ({s} s)")).unwrap_or_default();
    format!("Voicemail{length}. Recording: GET /api/v1/calls/{call_id}")
}

/// How an incoming call is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Relay,
    Gather,
    Voicemail,
}

/// The tenant's rule for a call arriving when the business is `open` or not.
pub fn answer(settings: &VoiceSettings, open: bool) -> Answer {
    match (open, settings.after_hours, settings.mode) {
        (false, AfterHours::Voicemail, _) => Answer::Voicemail,
        (_, _, VoiceMode::Gather) => Answer::Gather,
        (_, _, VoiceMode::Relay) => Answer::Relay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voicemail_only_when_closed_and_asked_for() {
        let voicemail = VoiceSettings { after_hours: AfterHours::Voicemail, ..Default::default() };
        assert_eq!(answer(&voicemail, false), Answer::Voicemail);
        assert_eq!(answer(&voicemail, true), Answer::Relay);
        assert_eq!(answer(&VoiceSettings::default(), false), Answer::Relay);
        let gather = VoiceSettings { mode: VoiceMode::Gather, ..Default::default() };
        assert_eq!(answer(&gather, true), Answer::Gather);
    }

    #[test]
    fn a_voicemail_note_points_to_the_call() {
        assert_eq!(voicemail_note("cal_1", Some(17)), "Voicemail (17 s). Recording: GET /api/v1/calls/cal_1");
    }

    #[test]
    fn a_bad_transfer_number_or_language_is_named() {
        let bad = VoiceSettings {
            transfer_number: Some("0800 123".into()),
            language: Some("en GB\"".into()),
            recording_retention_days: Some(0),
            ..Default::default()
        };
        let problems = bad.validate();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("voice.transfer_number"));
    }
}
