//! Twilio ConversationRelay: the JSON messages a call's WebSocket receives, and the ones we
//! send back built from what the caller said.

use crate::channel::twilio::relay::{self, CallState, Handoff, Incoming};
use serde_json::Value;

const REPLY: &str = "Yes, the flat on Elm Road is available from March. Would you like to view it?";

/// One WebSocket message as the `CallDO` reads it; every message we answer with, carrying
/// the caller's words, is JSON that reads back to them.
pub fn relay_message(data: &[u8]) {
    let Ok(incoming) = serde_json::from_slice::<Incoming>(data) else { return };
    match incoming {
        Incoming::Setup { call_sid, from, to, direction, custom_parameters } => {
            let call = CallState { call_sid, from, to, direction, custom_parameters, ..CallState::default() };
            let end: Value = serde_json::from_str(&relay::end_message(Handoff::Human, &call.from, &call)).unwrap();
            let handoff: Value = serde_json::from_str(end["handoffData"].as_str().expect("a string")).unwrap();
            assert_eq!(handoff["callSid"], call.call_sid.as_str());
            assert_eq!(handoff["contact"], call.person());
            assert_eq!(handoff["summary"], call.from.as_str());
        }
        Incoming::Prompt { voice_prompt, .. } => {
            let messages: Vec<Value> =
                relay::text_messages(&voice_prompt).iter().map(|m| serde_json::from_str(m).unwrap()).collect();
            let said: String = messages.iter().map(|m| m["token"].as_str().unwrap()).collect();
            assert_eq!(said, voice_prompt.split_whitespace().collect::<Vec<_>>().join(" "));
            if let Some((last, rest)) = messages.split_last() {
                assert_eq!(last["last"], true);
                assert!(rest.iter().all(|m| m["last"] == false && m["type"] == "text"));
            }
            let language: Value = serde_json::from_str(&relay::language_message(&voice_prompt)).unwrap();
            assert_eq!(language["ttsLanguage"], voice_prompt.as_str());
        }
        Incoming::Interrupt { utterance_until_interrupt } => {
            let heard = relay::heard_part(REPLY, &utterance_until_interrupt);
            assert!(REPLY.starts_with(&heard), "heard more than was said: {heard:?}");
        }
        Incoming::Dtmf { digit } => {
            let _ = relay::is_operator_digit(&digit);
        }
        Incoming::Error { .. } | Incoming::Other => {}
    }
}
