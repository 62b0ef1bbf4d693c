//! What happens to a stored inbound message: the turn the brain gets, and — once it has
//! answered — the reply row, the provider answer and the live events. Pure, so the whole
//! flow after storage is tested on the host; the Worker only stores and sends.

use crate::brain::{Reply, Turn};
use crate::channel::Channel;
use crate::events::{EventKind, NewEvent};
use crate::records::{Contact, Conversation, Message};
use crate::tenant::{LocalTime, Settings};
use serde_json::json;

/// An inbound message as stored, with its contact and conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub contact: Contact,
    pub conversation: Conversation,
    pub message: Message,
    /// The contact existed before this message.
    pub returning_contact: bool,
    /// This message opened the conversation.
    pub new_conversation: bool,
}

/// The brain's input for a stored message.
pub fn turn(
    business_name: &str,
    settings: Settings,
    local_time: LocalTime,
    channel: Channel,
    stored: &Stored,
) -> Turn {
    Turn {
        business_name: business_name.to_owned(),
        settings,
        local_time,
        channel,
        contact_name: stored.contact.name.clone(),
        returning_contact: stored.returning_contact,
        new_conversation: stored.new_conversation,
        text: stored.message.body.clone(),
    }
}

/// Everything the Worker writes and sends once the brain has answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The outbound message to store, unless the brain chose silence.
    pub reply: Option<Message>,
    pub events: Vec<NewEvent>,
}

/// The reply row (status `sent`: it goes back to the provider in the webhook response) and
/// the events `message.received` and, if there is a reply, `message.sent`.
pub fn answer(
    tenant_id: &str,
    stored: &Stored,
    reply: &Reply,
    reply_id: String,
    now_ms: u64,
) -> Answer {
    let outbound = reply.text.as_ref().map(|text| Message {
        id: reply_id,
        conversation_id: stored.conversation.id.clone(),
        contact_id: stored.contact.id.clone(),
        direction: "outbound".into(),
        channel: stored.message.channel.clone(),
        body: text.clone(),
        provider_message_id: None,
        status: "sent".into(),
        created_at: now_ms,
    });
    let event = |kind, message: &Message, at| NewEvent {
        kind,
        tenant_id: tenant_id.to_owned(),
        at,
        data: json!({ "conversation": stored.conversation, "contact": stored.contact, "message": message }),
    };
    let mut events = vec![event(
        EventKind::MessageReceived,
        &stored.message,
        stored.message.created_at,
    )];
    if let Some(message) = &outbound {
        events.push(event(EventKind::MessageSent, message, now_ms));
    }
    Answer {
        reply: outbound,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::{rules::RulesBrain, Brain, Intent};

    fn stored() -> Stored {
        Stored {
            contact: Contact {
                id: "con_1".into(),
                phone: Some("+447700900123".into()),
                email: None,
                name: Some("Ana".into()),
                created_at: 1,
                updated_at: 2,
            },
            conversation: Conversation {
                id: "cnv_1".into(),
                contact_id: "con_1".into(),
                channel: "sms".into(),
                status: "open".into(),
                started_at: 2,
                last_message_at: 2,
            },
            message: Message {
                id: "msg_1".into(),
                conversation_id: "cnv_1".into(),
                contact_id: "con_1".into(),
                direction: "inbound".into(),
                channel: "sms".into(),
                body: "Is the flat still available?".into(),
                provider_message_id: Some("SM1".into()),
                status: "received".into(),
                created_at: 2,
            },
            returning_contact: true,
            new_conversation: true,
        }
    }

    #[test]
    fn a_reply_becomes_an_outbound_row_and_two_events() {
        let s = stored();
        let t = turn(
            "Maple & Pine Lettings",
            Settings::default(),
            LocalTime {
                weekday: 0,
                minute_of_day: 600,
            },
            Channel::Sms,
            &s,
        );
        assert_eq!(t.contact_name.as_deref(), Some("Ana"));
        let reply = RulesBrain.respond(&t);
        let a = answer("ten_demo", &s, &reply, "msg_2".into(), 3);
        let out = a.reply.unwrap();
        assert_eq!(
            (
                out.direction.as_str(),
                out.conversation_id.as_str(),
                out.status.as_str()
            ),
            ("outbound", "cnv_1", "sent")
        );
        assert!(out.body.starts_with("Hi Ana, welcome back"));
        let kinds: Vec<_> = a.events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::MessageReceived, EventKind::MessageSent]);
        assert_eq!(
            a.events[0].data["message"]["body"],
            "Is the flat still available?"
        );
        assert_eq!(a.events[1].data["message"]["id"], "msg_2");
        assert!(a
            .events
            .iter()
            .all(|e| e.tenant_id == "ten_demo" && e.data["contact"]["id"] == "con_1"));
    }

    #[test]
    fn silence_stores_nothing_and_announces_only_the_inbound() {
        let reply = Reply {
            text: None,
            intent: Intent::OptOut,
        };
        let a = answer("ten_demo", &stored(), &reply, "msg_2".into(), 3);
        assert!(a.reply.is_none());
        assert_eq!(a.events.len(), 1);
    }
}
