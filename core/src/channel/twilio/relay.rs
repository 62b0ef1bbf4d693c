//! Twilio ConversationRelay: the WebSocket a `<ConversationRelay>` call speaks to
//! (PROTOCOLS.md §3; twilio.com/docs/voice/conversationrelay/websocket-messages). Twilio turns
//! the caller's speech into `prompt` messages and speaks the `text` tokens we send back; `end`
//! hands the call back to the TwiML flow with `handoffData`.

use crate::escalation::Reason;
use crate::events::{EventKind, NewEvent};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The relay's route: `GET …?call=<CallSid>&to=<the tenant's number>` upgraded to a WebSocket.
pub const RELAY_PATH: &str = "/webhooks/twilio/relay";

/// A message from Twilio. Fields we do not use are ignored; types we do not know are kept as
/// `Other` so a new one never breaks a call.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Incoming {
    #[serde(rename_all = "camelCase")]
    Setup {
        call_sid: String,
        #[serde(default)]
        from: String,
        #[serde(default)]
        to: String,
        /// `inbound`, or `outbound-api` on a call we placed (then `to` is the person).
        #[serde(default)]
        direction: String,
        #[serde(default)]
        custom_parameters: serde_json::Map<String, serde_json::Value>,
    },
    /// `last: false` is a partial transcript; only the final one is a turn.
    #[serde(rename_all = "camelCase")]
    Prompt {
        voice_prompt: String,
        #[serde(default)]
        last: bool,
    },
    Dtmf {
        digit: String,
    },
    /// The caller spoke over the reply: they heard `utterance_until_interrupt` of it.
    #[serde(rename_all = "camelCase")]
    Interrupt {
        #[serde(default)]
        utterance_until_interrupt: String,
    },
    Error {
        #[serde(default)]
        description: String,
    },
    #[serde(other)]
    Other,
}

/// The call as the relay keeps it between messages (and across a reconnect).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallState {
    pub call_sid: String,
    pub from: String,
    pub to: String,
    /// As `setup` said it (absent from calls stored before it was kept: inbound).
    #[serde(default)]
    pub direction: String,
    pub custom_parameters: serde_json::Map<String, serde_json::Value>,
    /// Turns taken so far: each turn's event id is `<CallSid>:<n>`, so a prompt is answered once.
    pub turns: u32,
    /// The reply being spoken: (its message id, its text), until the next prompt or an interrupt.
    pub speaking: Option<(String, String)>,
    /// `end` was sent: the call is back with Twilio.
    pub ended: bool,
    /// The BCP 47 tag the call was switched to with a `language` message; `None` = still the
    /// TwiML's `language`.
    #[serde(default)]
    pub language: Option<String>,
}

impl CallState {
    /// The person on the line: the caller, or on a call we placed (`outbound-api`) the person
    /// we rang.
    pub fn person(&self) -> &str {
        if self.direction == "outbound-api" {
            &self.to
        } else {
            &self.from
        }
    }
}

/// Why the call leaves the AI, as `handoffData.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handoff {
    Human,
    Emergency,
    /// The caller said goodbye: the call ends after the reply (`relay-ended` hangs up).
    Goodbye,
}

impl Handoff {
    /// The handoff an escalation of `reason` asks for: only a person asked for, or an
    /// emergency, take the caller off the AI; the rest are the team's to follow up.
    pub fn for_escalation(reason: Reason) -> Option<Self> {
        match reason {
            Reason::HumanRequested => Some(Handoff::Human),
            Reason::Emergency => Some(Handoff::Emergency),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Handoff::Human => "human",
            Handoff::Emergency => "emergency",
            Handoff::Goodbye => "goodbye",
        }
    }
}

/// The canonical URL Twilio signed for the handshake: `wss://` + the public host + path and
/// query, with no body parameters.
pub fn signed_url(public_base_url: &str, path: &str, query: Option<&str>) -> String {
    let host = public_base_url.split_once("://").map_or(public_base_url, |(_, rest)| rest).trim_end_matches('/');
    match query {
        Some(query) => format!("wss://{host}{path}?{query}"),
        None => format!("wss://{host}{path}"),
    }
}

pub use super::relay_stream::text_messages;

/// `language`: speech recognition and synthesis switch to `tag` (one of the TwiML's
/// `<Language>`s) from the next `text` token on.
pub fn language_message(tag: &str) -> String {
    json!({ "type": "language", "ttsLanguage": tag, "transcriptionLanguage": tag }).to_string()
}

/// `end`: Twilio leaves the relay and posts `handoffData` (a JSON string) to the
/// `<Connect action>` URL, which transfers the call.
pub fn end_message(handoff: Handoff, summary: &str, call: &CallState) -> String {
    let data =
        json!({ "reason": handoff.as_str(), "summary": summary, "contact": call.person(), "callSid": call.call_sid });
    json!({ "type": "end", "handoffData": data.to_string() }).to_string()
}

/// The handoff a turn's escalation asks for, with its summary (from the turn's
/// `escalation.raised` event).
pub fn handoff_in(events: &[NewEvent]) -> Option<(Handoff, String)> {
    events.iter().filter(|e| e.kind == EventKind::EscalationRaised).find_map(|e| {
        let escalation = &e.data["escalation"];
        let reason: Reason = serde_json::from_value(escalation["reason"].clone()).ok()?;
        let summary = escalation["summary"].as_str().unwrap_or_default().to_owned();
        Handoff::for_escalation(reason).map(|handoff| (handoff, summary))
    })
}

/// The DTMF shortcut to a person.
pub fn is_operator_digit(digit: &str) -> bool {
    digit.trim() == "0"
}

/// What the caller heard of `reply` when they interrupted: Twilio's `utteranceUntilInterrupt`
/// when it is a beginning of the reply (it always should be), else the reply up to as many
/// characters; never more than the reply.
pub fn heard_part(reply: &str, utterance: &str) -> String {
    let utterance = utterance.trim();
    if reply.starts_with(utterance) {
        return utterance.to_owned();
    }
    reply.chars().take(utterance.chars().count()).collect::<String>().trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_twilio_messages() {
        let setup: Incoming = serde_json::from_str(
            r#"{"type":"setup","sessionId":"VX1","accountSid":"AC1","parentCallSid":"","callSid":"CA1",
                "from":"+447700900123","to":"+441234567890","forwardedFrom":"","callType":"PSTN","callerName":"",
                "direction":"inbound","callStatus":"RINGING","customParameters":{"lang":"en"}}"#,
        )
        .unwrap();
        assert!(
            matches!(setup, Incoming::Setup { ref call_sid, ref from, .. } if call_sid == "CA1" && from == "+447700900123")
        );
        let prompt: Incoming =
            serde_json::from_str(r#"{"type":"prompt","voicePrompt":"Hello","lang":"en-US","last":true}"#).unwrap();
        assert_eq!(prompt, Incoming::Prompt { voice_prompt: "Hello".into(), last: true });
        let interrupt: Incoming = serde_json::from_str(
            r#"{"type":"interrupt","utteranceUntilInterrupt":"Yes, it","durationUntilInterruptMs":"460"}"#,
        )
        .unwrap();
        assert_eq!(interrupt, Incoming::Interrupt { utterance_until_interrupt: "Yes, it".into() });
        let dtmf: Incoming = serde_json::from_str(r#"{"type":"dtmf","digit":"0"}"#).unwrap();
        assert_eq!(dtmf, Incoming::Dtmf { digit: "0".into() });
        let other: Incoming = serde_json::from_str(r#"{"type":"info","x":1}"#).unwrap();
        assert_eq!(other, Incoming::Other);
        assert!(serde_json::from_str::<Incoming>(r#"{"voicePrompt":"no type"}"#).is_err());
    }

    #[test]
    fn language_switches_speech_and_transcription_together() {
        let message: serde_json::Value = serde_json::from_str(&language_message("es-ES")).unwrap();
        assert_eq!(message, json!({ "type": "language", "ttsLanguage": "es-ES", "transcriptionLanguage": "es-ES" }));
        let stored: CallState = serde_json::from_str(
            r#"{"call_sid":"CA1","from":"","to":"","custom_parameters":{},"turns":2,"speaking":null,"ended":false}"#,
        )
        .unwrap();
        assert_eq!(stored.language, None, "a call stored before languages switched reads as not switched");
    }

    #[test]
    fn the_signed_url_is_wss_on_the_public_host() {
        assert_eq!(
            signed_url("https://frontdesk.example.com/", RELAY_PATH, Some("call=CA1&to=%2B44")),
            "wss://frontdesk.example.com/webhooks/twilio/relay?call=CA1&to=%2B44"
        );
        assert_eq!(signed_url("http://127.0.0.1:8787", RELAY_PATH, None), "wss://127.0.0.1:8787/webhooks/twilio/relay");
    }

    #[test]
    fn end_carries_handoff_data_as_a_json_string() {
        let call = CallState { call_sid: "CA1".into(), from: "+447700900123".into(), ..Default::default() };
        let placed = CallState {
            from: "+14155550100".into(),
            to: "+447700900123".into(),
            direction: "outbound-api".into(),
            ..Default::default()
        };
        assert_eq!((call.person(), placed.person()), ("+447700900123", "+447700900123"));
        let end: serde_json::Value =
            serde_json::from_str(&end_message(Handoff::Human, "asked for a person", &call)).unwrap();
        assert_eq!(end["type"], "end");
        let data: serde_json::Value = serde_json::from_str(end["handoffData"].as_str().unwrap()).unwrap();
        assert_eq!(data["reason"], "human");
        assert_eq!(data["contact"], "+447700900123");
        assert_eq!(Handoff::for_escalation(Reason::Emergency), Some(Handoff::Emergency));
        assert_eq!(Handoff::for_escalation(Reason::FollowUp), None);
    }

    #[test]
    fn only_the_heard_part_is_kept() {
        let reply = "Yes, the flat on Elm Road is available.";
        assert_eq!(heard_part(reply, "Yes, the flat "), "Yes, the flat");
        assert_eq!(heard_part(reply, "yes the flat"), "Yes, the fla");
        assert_eq!(heard_part("Short.", "a much longer utterance than the reply"), "Short.");
    }
}
