//! Host integration test: one SMS through every pure step the Worker chains together —
//! form parsing, signature verification, the typed message, the brain's turn, the stored
//! reply, the events and the TwiML Twilio receives. The D1/DO glue around these steps is
//! covered by miniflare-tests against the built wasm.

use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::brain::{rules::RulesBrain, Brain};
use frontdesk_core::channel::twilio::{self, InboundMessage};
use frontdesk_core::conversation::{Known, ThreadState};
use frontdesk_core::events::EventKind;
use frontdesk_core::form::Form;
use frontdesk_core::inbound::{events, ledger_answer, reply_from_ledger, reply_time, InboundTurn, TenantContext};
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
            format!("{}={}", k, v.replace('%', "%25").replace('&', "%26").replace('+', "%2B").replace(' ', "+"))
        })
        .collect();
    (encoded.join("&").into_bytes(), signature)
}

fn inbound_turn(inbound: InboundMessage, settings: Settings, local_time: LocalTime) -> InboundTurn {
    let tenant = TenantContext {
        paused: false,
        tenant_id: "ten_demo".into(),
        business_name: "Maple & Pine Lettings".into(),
        settings,
        local_time,
    };
    InboundTurn::from_twilio(inbound, tenant, 10)
}

/// The rows D1 would hold after the turn's batch.
fn rows(turn: &InboundTurn, reply: Option<&str>) -> (Contact, Conversation, Message, Option<Message>) {
    let contact = Contact {
        id: "con_1".into(),
        phone: Some(turn.from.to_string()),
        email: None,
        name: None,
        created_at: 10,
        updated_at: 10,
    };
    let conversation = Conversation {
        id: "cnv_1".into(),
        contact_id: "con_1".into(),
        channel: turn.channel.as_str().into(),
        status: "open".into(),
        started_at: 10,
        last_message_at: 11,
    };
    let message = |id: &str, direction: &str, body: &str, at| Message {
        id: id.into(),
        conversation_id: "cnv_1".into(),
        contact_id: "con_1".into(),
        direction: direction.into(),
        channel: turn.channel.as_str().into(),
        body: body.into(),
        provider_message_id: None,
        status: "sent".into(),
        created_at: at,
        error: None,
        first_token_ms: None,
        last_token_ms: None,
    };
    let inbound = message("msg_1", "inbound", &turn.body, turn.received_at);
    let outbound = reply.map(|text| message("msg_2", "outbound", text, reply_time(turn.received_at, 10)));
    (contact, conversation, inbound, outbound)
}

#[test]
fn a_signed_sms_after_hours_gets_an_escaped_twiml_reply_and_two_events() {
    let (raw, signature) = signed_body("Hi, is the flat on Elm Road still available? <b>&</b>");
    let form = Form::parse(&raw).unwrap();
    assert!(twilio::verify_form(TOKEN, URL, form.pairs(), &signature));
    let inbound = InboundMessage::from_form(&form).unwrap();
    assert_eq!(inbound.body, "Hi, is the flat on Elm Road still available? <b>&</b>");

    let settings: Settings = serde_json::from_str(
        r#"{"hours":{"mon":["09:00","18:00"],"tue":["09:00","18:00"]},"next_step":"Reply with a good time for a viewing.","qualification":[]}"#,
    )
    .unwrap();
    // Monday 21:30 local: closed, reopening tomorrow.
    let monday = CivilDate { year: 2026, month: 11, day: 23 };
    let turn = inbound_turn(inbound, settings, LocalTime { date: monday, minute_of_day: 21 * 60 + 30 });
    let mut thread = ThreadState { known: Some(Known::default()), ..Default::default() };
    let reply = RulesBrain.respond(&turn.turn(thread.continuity(turn.received_at), None, thread.last_reply()));
    let text = reply.text.clone().unwrap();
    assert_eq!(
        text,
        "Hi, thanks for contacting Maple & Pine Lettings! We're closed right now; the team will reply when we \
         open tomorrow at 09:00. I'll check that Elm Road is still available and let you know. When would you like \
         to view it?",
        "a named flat is checked with the team and the viewing's day asked for"
    );
    let xml = twilio::message_response(&text);
    assert!(xml.contains("<Message>Hi, thanks for contacting Maple &amp; Pine Lettings!"));

    let (contact, conversation, inbound_row, outbound_row) = rows(&turn, Some(&text));
    let published = events(&turn.tenant_id, &contact, &conversation, &inbound_row, outbound_row.as_ref());
    assert_eq!(
        published.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::MessageReceived, EventKind::MessageSent]
    );

    // The thread now answers a redelivery from memory, with the same reply and no new events.
    let answer = ledger_answer(Some(&text), None);
    thread.remember(&turn.event_id, &answer, Some((contact, conversation)));
    assert_eq!(thread.answer_for(&turn.event_id).map(reply_from_ledger), Some(Some(text)));
    // The next message continues the conversation: no second greeting.
    let follow_up =
        RulesBrain.respond(&turn.turn(thread.continuity(turn.received_at + 60_000), None, thread.last_reply()));
    let follow_up = follow_up.text.unwrap();
    assert!(!follow_up.starts_with("Hi") && !follow_up.contains("Maple & Pine"), "{follow_up}");
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
    assert!(!twilio::verify_form("demo2-twilio-auth-token", URL, form.pairs(), &signature));
}
