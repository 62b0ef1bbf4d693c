//! Every documented versioned sample (`fixtures/2026-03-30`), read by `parse` and by `route`.

use super::*;
use crate::channel::openphone::{acts_on, parse, ArtefactKind, CallArtefact, EventKind};

macro_rules! fixture {
    ($kind:literal) => {
        include_bytes!(concat!("../fixtures/2026-03-30/", $kind, ".json")).as_slice()
    };
}

const FIXTURES: [(&str, &[u8]); 13] = [
    ("message.received", fixture!("message.received")),
    ("message.delivered", fixture!("message.delivered")),
    ("message.failed", fixture!("message.failed")),
    ("message.undelivered", fixture!("message.undelivered")),
    ("call.ringing", fixture!("call.ringing")),
    ("call.answered", fixture!("call.answered")),
    ("call.completed", fixture!("call.completed")),
    ("call.missed", fixture!("call.missed")),
    ("call.voicemail.completed", fixture!("call.voicemail.completed")),
    ("call.recording.completed", fixture!("call.recording.completed")),
    ("call.summary.completed", fixture!("call.summary.completed")),
    ("call.transcript.completed", fixture!("call.transcript.completed")),
    ("contact.updated", fixture!("contact.updated")),
];

/// The samples' numbers: a text's contact and tenant line, and a call's.
const TEXT_CONTACT: &str = "+15550001111";
const TEXT_LINE: &str = "+15550002222";
const CALLER: &str = "+15550000002";
const CALL_LINE: &str = "+15550000001";

fn phone(s: &str) -> PhoneE164 {
    PhoneE164::parse(s).unwrap()
}

fn kind_of(raw: &[u8]) -> EventKind {
    parse(raw).unwrap_or_else(|e| panic!("{e}")).kind
}

fn missed(call_id: &str) -> EventKind {
    EventKind::MissedCall { call_id: call_id.into(), from: phone(CALLER), to: phone(CALL_LINE) }
}

fn artefact(raw: &[u8]) -> CallArtefact {
    match kind_of(raw) {
        EventKind::CallArtefact(a) => a,
        other => panic!("not an artefact: {other:?}"),
    }
}

/// A fixture with one piece of text replaced (which must be there).
fn edited(raw: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = std::str::from_utf8(raw).unwrap();
    assert!(text.contains(from), "{from}");
    text.replace(from, to).into_bytes()
}

#[test]
fn every_sample_is_read_and_routed_to_its_line() {
    for (kind, raw) in FIXTURES {
        let event = parse(raw).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(event.id, "EV123", "{kind}");
        assert_route_agrees(raw);
        let found = route(raw).unwrap();
        assert_eq!(found.event_type, kind);
        let (line, pn) = match kind {
            "contact.updated" => (None, None),
            k if k.starts_with("message.") => (Some(TEXT_LINE), Some("PN123")),
            _ => (Some(CALL_LINE), Some("PN123")),
        };
        assert_eq!(found.number.as_ref().map(PhoneE164::as_str), line, "{kind}");
        assert_eq!(found.phone_number_id.as_deref(), pn, "{kind}");
        // The webhook answers types `acts_on` refuses without finding their tenant.
        if !acts_on(kind) {
            assert!(matches!(event.kind, EventKind::Other(_)), "{kind}");
        }
    }
}

#[test]
fn versioned_texts() {
    assert_eq!(
        kind_of(fixture!("message.received")),
        EventKind::MessageReceived {
            message_id: "AC-message".into(),
            from: phone(TEXT_CONTACT),
            to: phone(TEXT_LINE),
            body: "hello".into()
        }
    );
    // The delivered text went out from the tenant's line: its `senderIdentifier`.
    assert_eq!(
        kind_of(fixture!("message.delivered")),
        EventKind::MessageDelivered { message_id: "AC-message".into(), from: phone(TEXT_LINE) }
    );
    for kind in ["message.failed", "message.undelivered"] {
        let raw = FIXTURES.iter().find(|(k, _)| *k == kind).unwrap().1;
        assert_eq!(kind_of(raw), EventKind::Other(kind.into()));
    }
}

#[test]
fn a_text_the_tenant_sent_is_not_answered_as_a_received_one() {
    let sent = edited(fixture!("message.received"), r#""direction": "incoming""#, r#""direction": "outgoing""#);
    assert_eq!(kind_of(&sent), EventKind::Other("message.received".into()));
    assert_eq!(route(&sent).unwrap().number, Some(phone(TEXT_CONTACT)), "the sender's line is the tenant's");
}

#[test]
fn versioned_missed_calls_carry_the_call_id() {
    assert_eq!(kind_of(fixture!("call.missed")), missed("AC-call"));
    // The voicemail's own id is `AC-voicemail`; `callId` is the call it was left on.
    assert_eq!(kind_of(fixture!("call.voicemail.completed")), missed("AC-source-call"));
    let answered = fixture!("call.completed");
    assert_eq!(kind_of(answered), EventKind::Other("call.completed".into()));
    for status in ["missed", "no-answer", "busy"] {
        let unanswered = edited(answered, r#""status": "answered""#, &format!(r#""status": "{status}""#));
        assert_eq!(kind_of(&unanswered), missed("AC-call"), "{status}");
    }
    let voicemail = edited(answered, r#""hasVoicemail": false"#, r#""hasVoicemail": true"#);
    assert_eq!(kind_of(&voicemail), missed("AC-call"));
    let outgoing = edited(&voicemail, r#""direction": "incoming""#, r#""direction": "outgoing""#);
    assert_eq!(kind_of(&outgoing), EventKind::Other("call.completed".into()));
    for kind in ["call.ringing", "call.answered"] {
        let raw = FIXTURES.iter().find(|(k, _)| *k == kind).unwrap().1;
        assert_eq!(kind_of(raw), EventKind::Other(kind.into()));
    }
}

/// Quo may report one unanswered call three ways; the follow-up is keyed by the call id, so
/// all of them must name the same call.
#[test]
fn one_unanswered_call_reported_three_ways_is_one_call() {
    let legacy = format!(
        r#"{{"id":"EVlegacy","type":"call.completed","data":{{"object":{{"id":"AC-call","object":"call","from":"{CALLER}","to":"{CALL_LINE}","status":"missed","direction":"incoming"}}}}}}"#
    );
    let voicemail = edited(fixture!("call.voicemail.completed"), "AC-source-call", "AC-call");
    for raw in [legacy.as_bytes(), fixture!("call.missed"), &voicemail] {
        assert_eq!(kind_of(raw), missed("AC-call"));
        assert_route_agrees(raw);
    }
}

#[test]
fn unresolved_participants_fall_back_on_the_resource() {
    let unresolved = |raw: &[u8]| {
        let raw = edited(raw, &format!("[\n          \"{CALL_LINE}\"\n        ]"), "[]");
        let raw = edited(&raw, &format!("[\n          \"{CALLER}\"\n        ]"), "[]");
        edited(&raw, r#""resolution": "available""#, r#""resolution": "unavailable""#)
    };
    // The voicemail names `from` and `to` itself.
    let voicemail = unresolved(fixture!("call.voicemail.completed"));
    assert_eq!(kind_of(&voicemail), missed("AC-source-call"));
    assert_eq!(route(&voicemail).unwrap().number, Some(phone(CALL_LINE)));
    // `call.missed` does not: the follow-up cannot be addressed, and says so.
    let call = unresolved(fixture!("call.missed"));
    assert!(parse(&call).unwrap_err().contains("call.missed EV123: no `participants.external`"));
    assert_eq!(route(&call).unwrap().number, None);
    let voicemail_without_call = edited(fixture!("call.voicemail.completed"), r#""callId": "AC-source-call","#, "");
    assert!(parse(&voicemail_without_call).unwrap_err().contains("no `callId`"));
}

#[test]
fn versioned_call_artefacts_take_their_numbers_from_the_context() {
    let recording = artefact(fixture!("call.recording.completed"));
    assert_eq!(recording.call_id, "AC-call");
    assert_eq!(
        recording.kind,
        ArtefactKind::Recording { url: "https://recordings.example.com/REabc123.mp3".into(), duration_s: Some(55) }
    );
    let summary = artefact(fixture!("call.summary.completed"));
    assert_eq!(summary.call_id, "AC-summary");
    let transcript = artefact(fixture!("call.transcript.completed"));
    assert_eq!(transcript.call_id, "AC-transcript");
    assert_eq!(
        transcript.timeline_text(),
        "Call transcript:\nTeam: Thanks for calling, how can I help?\n+15550000002: Hi, I wanted to ask about pricing."
    );
    for a in [recording, summary, transcript] {
        assert_eq!((a.event_id.as_str(), a.occurred_at_ms), ("EV123", Some(1_776_081_600_000)));
        assert_eq!((a.tenant_number, a.contact_number), (Some(phone(CALL_LINE)), Some(phone(CALLER))), "{}", a.call_id);
    }
}

#[test]
fn a_signed_but_garbled_event_still_names_its_line() {
    let raw = br#"{"id":"EV9","type":"message.received","data":{"context":{"recipientIdentifiers":["+15550002222"]},"resource":{}}}"#;
    assert_eq!(
        route(raw),
        Some(Route {
            event_id: "EV9".into(),
            event_type: "message.received".into(),
            number: Some(phone(TEXT_LINE)),
            phone_number_id: None
        })
    );
    assert_eq!(parse(raw).unwrap_err(), "message.received EV9: missing field `id`");
    let no_sender = br#"{"id":"EV9","type":"message.received","data":{"context":{"recipientIdentifiers":["+15550002222"]},"resource":{"id":"AC1"}}}"#;
    assert_eq!(parse(no_sender).unwrap_err(), "message.received EV9: no `senderIdentifier` or `from`");
    let bad_line = edited(fixture!("message.received"), TEXT_LINE, "0800 123");
    assert!(parse(&bad_line).unwrap_err().contains("`recipientIdentifiers` is not an E.164 number"));
    assert_eq!(route(&bad_line).unwrap().number, None, "a line that is not E.164 finds no tenant");
    let legacy = br#"{"id":"EV8","type":"call.completed","data":{"object":{"phoneNumberId":"PNx","direction":"incoming","to":"+14155550199"}}}"#;
    assert!(parse(legacy).is_err());
    let found = route(legacy).unwrap();
    assert_eq!((found.number, found.phone_number_id.as_deref()), (Some(phone("+14155550199")), Some("PNx")));
}

#[test]
fn route_needs_a_json_object_with_an_id() {
    for raw in [&b""[..], b"not json", b"[]", b"\"EV1\"", b"null", b"{}", br#"{"id":5}"#, br#"{"id":""}"#, b"\xff\xfe"]
    {
        assert_eq!(route(raw), None, "{}", String::from_utf8_lossy(raw));
    }
    let bare = route(br#"{"id":"EV1","data":7}"#).unwrap();
    assert_eq!((bare.event_type.as_str(), bare.number, bare.phone_number_id), ("", None, None));
    let odd = br#"{"id":"EV1","type":"message.received","data":{"object":[1],"context":{"recipientIdentifiers":[{"a":1}],"phoneNumberId":3}}}"#;
    assert_eq!(route(odd).unwrap().number, None);
}

#[test]
fn neither_reader_panics_on_truncated_mangled_or_deep_input() {
    for (_, raw) in FIXTURES {
        for end in 0..raw.len() {
            let _ = (route(&raw[..end]), parse(&raw[..end]));
        }
        let text = std::str::from_utf8(raw).unwrap();
        for (from, to) in [("\"", "1"), ("[", "{"), ("\"+1", "\"x"), ("]", "null]"), (":", ":[]")] {
            for (at, _) in text.match_indices(from) {
                let mangled = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
                let _ = (route(mangled.as_bytes()), parse(mangled.as_bytes()));
            }
        }
    }
    let deep = format!(r#"{{"id":"EV1","data":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(route(deep.as_bytes()), None, "serde_json refuses nesting past its depth limit");
    assert!(parse(deep.as_bytes()).is_err());
}
