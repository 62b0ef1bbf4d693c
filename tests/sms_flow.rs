//! Host integration test: one SMS through every pure step the Worker chains together —
//! form parsing, signature verification, the typed message, the brain's turn, the stored
//! reply, the events and the TwiML Twilio receives. The D1/DO glue around these steps is
//! covered by miniflare-tests against the built wasm.

use frontdesk_core::brain::{rules::RulesBrain, Brain};
use frontdesk_core::channel::twilio::{self, InboundMessage};
use frontdesk_core::events::EventKind;
use frontdesk_core::form::Form;
use frontdesk_core::inbound::{answer, turn, Stored};
use frontdesk_core::records::{Contact, Conversation, Message};
use frontdesk_core::tenant::{LocalTime, Settings};

const TOKEN: &str = "demo-twilio-auth-token";
const URL: &str = "http://127.0.0.1:8787/webhooks/twilio/sms";

fn signed_body(body_text: &str) -> (Vec<u8>, String) {
    let form = Form::from_pairs([
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+447700900123"),
        ("To", "+14155550100"),
        ("Body", body_text),
        ("NumMedia", "0"),
    ]);
    let signature = twilio::expected_signature(TOKEN, URL, form.pairs());
    let encoded: Vec<String> = form
        .pairs()
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                v.replace('%', "%25")
                    .replace('&', "%26")
                    .replace('+', "%2B")
                    .replace(' ', "+")
            )
        })
        .collect();
    (encoded.join("&").into_bytes(), signature)
}

fn stored(inbound: &InboundMessage) -> Stored {
    Stored {
        contact: Contact {
            id: "con_1".into(),
            phone: Some(inbound.from.to_string()),
            email: None,
            name: None,
            created_at: 10,
            updated_at: 10,
        },
        conversation: Conversation {
            id: "cnv_1".into(),
            contact_id: "con_1".into(),
            channel: inbound.channel.as_str().into(),
            status: "open".into(),
            started_at: 10,
            last_message_at: 10,
        },
        message: Message {
            id: "msg_1".into(),
            conversation_id: "cnv_1".into(),
            contact_id: "con_1".into(),
            direction: "inbound".into(),
            channel: inbound.channel.as_str().into(),
            body: inbound.body.clone(),
            provider_message_id: Some(inbound.message_sid.clone()),
            status: "received".into(),
            created_at: 10,
        },
        returning_contact: false,
        new_conversation: true,
    }
}

#[test]
fn a_signed_sms_after_hours_gets_an_escaped_twiml_reply_and_two_events() {
    let (raw, signature) = signed_body("Hi, is the flat on Elm Road still available? <b>&</b>");
    let form = Form::parse(&raw).unwrap();
    assert!(twilio::verify_form(TOKEN, URL, form.pairs(), &signature));
    let inbound = InboundMessage::from_form(&form).unwrap();
    assert_eq!(
        inbound.body,
        "Hi, is the flat on Elm Road still available? <b>&</b>"
    );

    let settings: Settings = serde_json::from_str(
        r#"{"hours":{"mon":["09:00","18:00"],"tue":["09:00","18:00"]},"next_step":"Reply with a good time for a viewing."}"#,
    )
    .unwrap();
    let stored = stored(&inbound);
    // Monday 21:30 local: closed, reopening tomorrow.
    let local = LocalTime {
        weekday: 0,
        minute_of_day: 21 * 60 + 30,
    };
    let reply = RulesBrain.respond(&turn(
        "Maple & Pine Lettings",
        settings,
        local,
        inbound.channel,
        &stored,
    ));
    let result = answer("ten_demo", &stored, &reply, "msg_2".into(), 11);

    let text = result.reply.as_ref().unwrap().body.clone();
    assert_eq!(
        text,
        "Hi, thanks for contacting Maple & Pine Lettings! We're closed right now; the team will reply when we \
         open tomorrow at 09:00. Reply with a good time for a viewing."
    );
    let xml = twilio::message_response(&text);
    assert!(xml.contains("<Message>Hi, thanks for contacting Maple &amp; Pine Lettings!"));
    assert_eq!(
        result.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::MessageReceived, EventKind::MessageSent]
    );
}

#[test]
fn a_body_changed_after_signing_is_rejected() {
    let (raw, signature) = signed_body("View on Friday?");
    let tampered = String::from_utf8(raw).unwrap().replace("Friday", "Sunday");
    let form = Form::parse(tampered.as_bytes()).unwrap();
    assert!(!twilio::verify_form(TOKEN, URL, form.pairs(), &signature));
    // The right body under another tenant's token is rejected too.
    let (raw, signature) = signed_body("View on Friday?");
    let form = Form::parse(&raw).unwrap();
    assert!(!twilio::verify_form(
        "demo2-twilio-auth-token",
        URL,
        form.pairs(),
        &signature
    ));
}
