//! Twilio: webhook forms (messages, status callbacks, calls), their signatures, and the TwiML
//! we answer with.

use super::markup::{kept, xml, Node};
use super::{parts, text};
use crate::channel::twilio::{
    self, expected_signature, message_response, receiving_number, tracked_message_response, verify_form,
    verify_json_body, InboundMessage,
};
use crate::form::{encode, Form};
use crate::phone::PhoneE164;
use crate::signing::hex;
use crate::voice::request::CallRequest;
use crate::voice::twiml as voice;
use sha2::{Digest, Sha256};

pub const FORM_DICT: &[&str] = &[
    "&",
    "=",
    "+",
    "%2B",
    "%3A",
    "MessageSid=SM1",
    "From=%2B447700900123",
    "To=whatsapp%3A%2B14155550100",
    "Body=",
    "NumMedia=",
    "MediaUrl0=",
    "MediaContentType0=",
    "ProfileName=",
    "MessageStatus=",
    "ErrorCode=",
    "CallSid=CA1",
    "Direction=outbound-api",
    "https://",
    ":443",
    "?bodySHA256=",
];

/// A form as Twilio posts it: parsed, written back and parsed again to the same pairs (the
/// signature covers exactly what was sent), and read as a message, a status callback and a
/// call without panicking; what they accept is well formed.
pub fn twilio_form(data: &[u8]) {
    let Ok(form) = Form::parse(data) else { return };
    let pairs: Vec<(&str, &str)> = form.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(Form::parse(encode(&pairs).as_bytes()).as_ref(), Ok(&form), "form → encode → parse");

    if let Ok(message) = InboundMessage::from_form(&form) {
        assert!(!message.message_sid.trim().is_empty());
        assert!(message.media.len() <= 10);
        for number in [&message.from, &message.to] {
            assert_eq!(PhoneE164::parse(number.as_str()).as_ref(), Ok(number), "E.164 is its own normal form");
        }
        assert_eq!(receiving_number(&form).as_ref(), Ok(&message.to));
    }
    if let Ok(callback) = twilio::status::parse(form.pairs()) {
        assert!(PhoneE164::parse(callback.from.as_str()).is_ok());
    }
    if let Ok(call) = CallRequest::from_form(&form) {
        assert!(call.call_sid.len() <= 64 && call.from_raw.chars().count() <= 64);
    }
}

/// Signatures: `[auth token, url, form body]`. What is signed verifies; one parameter more, or
/// another URL, never does; a JSON body verifies by its hash only when unchanged.
pub fn twilio_signature(data: &[u8]) {
    let [token, url, body] = parts::<3>(data);
    let (token, url) = (text(token), text(url));
    let Ok(form) = Form::parse(body) else { return };
    let params = form.pairs();
    let signature = expected_signature(&token, &url, params);
    assert!(verify_form(&token, &url, params, &signature), "its own signature");

    let mut extra = params.to_vec();
    let key = (0..).map(|n| format!("Injected{n}")).find(|k| form.get(k).is_none()).expect("a free key");
    extra.push((key, "1".into()));
    assert!(!verify_form(&token, &url, &extra, &signature), "an added parameter");
    assert!(!verify_form(&token, &format!("{url}/x"), params, &signature), "another URL");
    let mut flipped = signature.clone().into_bytes();
    flipped[0] ^= 1;
    assert!(!verify_form(&token, &url, params, &String::from_utf8_lossy(&flipped)), "another signature");

    // The JSON scheme: the body's SHA-256 in the signed URL's query.
    if url.contains('#') || url.contains("bodySHA256") {
        return;
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    let signed_url = format!("{url}{separator}bodySHA256={}", hex(&Sha256::digest(body)));
    let signature = expected_signature(&token, &signed_url, &[]);
    assert!(verify_json_body(&token, &signed_url, body, &signature), "its own JSON body");
    let mut changed = body.to_vec();
    changed.push(b' ');
    assert!(!verify_json_body(&token, &signed_url, &changed, &signature), "a changed JSON body");
}

/// The TwiML writers: `[text, url, language]` from outside (a reply quoting the sender, a
/// base URL, a tag). Every document is well-formed XML whose texts and attributes decode to
/// exactly what was given, minus characters XML cannot carry: no markup gets through.
pub fn twiml(data: &[u8]) {
    let [said, url, language] = parts::<3>(data).map(text);
    let message_text = |doc: &str| -> String {
        xml(doc)
            .unwrap_or_else(|e| panic!("{e}: {doc}"))
            .into_iter()
            .filter_map(|n| match n {
                Node::Text { element, text } if element == "Message" || element == "Say" => Some(text),
                _ => None,
            })
            .collect()
    };
    assert_eq!(message_text(&message_response(&said)), kept(&said));
    let tracked = tracked_message_response(&said, &url);
    assert_eq!(message_text(&tracked), kept(&said));
    let action = xml(&tracked).unwrap().into_iter().find_map(|n| match n {
        Node::Attribute { name, value, .. } if name == "action" => Some(value),
        _ => None,
    });
    assert_eq!(action, Some(kept(&url)));

    // Any voice name (the stored one is checked on save) stays inside its attribute.
    let speaker = voice::Speaker { language: &language, voice: Some(&url) };
    assert_eq!(message_text(&voice::say_and_hang_up(&said, speaker)), kept(&said));
    assert_eq!(message_text(&voice::whisper(&said, &language)), kept(&said));
    let spoken = message_text(&voice::gather(&url, 7, &said, speaker, &said));
    assert!(spoken.starts_with(&kept(&said)), "gather says the text first");
    assert_eq!(message_text(&voice::voicemail(&url, &said, &said, speaker)), kept(&said));
    message_text(&voice::dial(&url, &said, &said, &said, &said, speaker));
    let languages = [language.clone()];
    let relay = voice::Relay {
        base_url: &url,
        call_sid: &said,
        number: &said,
        greeting: &said,
        language: &language,
        voice: Some(&url),
        hints: &said,
        languages: &languages,
        parameters: &[("name", &said)],
    };
    let nodes = xml(&voice::relay(&relay)).unwrap_or_else(|e| panic!("{e}"));
    let greeting = nodes.iter().find_map(|n| match n {
        Node::Attribute { name, value, .. } if name == "welcomeGreeting" => Some(value.clone()),
        _ => None,
    });
    assert_eq!(greeting, Some(kept(&said)));
}
