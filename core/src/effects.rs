//! What a turn must make happen after it is stored: deliver a queued reply, page on-call about
//! an emergency, apply the message to the contact's lead. The same list is written as job
//! intents inside the turn's claim-guarded batch (so the ledger never says `done` for a turn
//! whose effects were lost) and enqueued once the batch commits; the sweeper re-enqueues any
//! intent still pending after [`INTENT_GRACE_MS`].

use crate::brain::Reply;
use crate::channel::hubspot::CrmContact;
use crate::channel::meta;
use crate::contact_key::ContactKey;
use crate::escalation::notifications;
use crate::inbound::{Delivery, InboundTurn};
use crate::jobs::{Job, ServiceWindow};
use crate::lead::LeadMessage;
use crate::tickets::landlord_alerts;

/// How long an intent may stay pending before the sweeper takes it for lost and enqueues it
/// again. Longer than a healthy job takes through the queue (seconds) and than the first
/// retries' backoff (2 + 2 + 4 + 8 s), so a slow job is rarely doubled; a doubled one is
/// harmless, every job being idempotent.
pub const INTENT_GRACE_MS: u64 = 5 * 60 * 1000;

/// After this many re-enqueues an intent is given up on (`dead`, with an audit entry): about
/// 40 minutes at the sweeper's grace period, far past any provider outage a retry would outlast.
pub const MAX_INTENT_ATTEMPTS: u32 = 8;

/// The ids the turn's rows carry. Before the batch commits a new contact's and conversation's
/// ids are not known for certain (another thread may have created them); the batch fills them in
/// from the stored message (`LEAD_IDS_FROM_MESSAGE`), and the jobs enqueued after it carry the
/// ids read back.
#[derive(Debug, Clone, Copy)]
pub struct TurnIds<'a> {
    pub contact: &'a str,
    pub conversation: &'a str,
    pub inbound: &'a str,
    /// The reply's row, when the turn stored one.
    pub reply: Option<&'a str>,
    /// The escalation the turn raised, when it raised one.
    pub escalation: Option<&'a str>,
}

/// How the contact is named in a page: their name and number, or the number.
pub fn contact_label(turn: &InboundTurn, name: Option<&str>) -> String {
    label(name.or(turn.profile_name.as_deref()), &turn.from.to_string())
}

/// "Ana (+447700900123)", or the bare address when the name is unknown: how pages name a
/// contact, in the turn that raises an emergency and in the sweeper's re-pages alike.
pub fn label(name: Option<&str>, address: &str) -> String {
    match name {
        Some(name) => format!("{name} ({address})"),
        None => address.to_owned(),
    }
}

/// The jobs a stored turn must run, in the order they matter: pages (and a landlord's alert)
/// first, then the reply, then the lead.
pub fn after_turn(turn: &InboundTurn, reply: &Reply, ids: &TurnIds<'_>, label: &str, returning: bool) -> Vec<Job> {
    let mut jobs = Vec::new();
    if let (Some(request), Some(escalation_id)) = (&reply.escalation, ids.escalation) {
        let mut pages =
            notifications(&turn.settings, escalation_id, request.reason, &turn.business_name, label, &turn.body, 0);
        // The property's landlord hears of an emergency there with the on-call team.
        if let Some((ticket, property)) = reply.ticket.as_ref().and_then(|t| Some((t, t.property.as_ref()?))) {
            pages.extend(landlord_alerts(ticket, property, &turn.business_name, label, escalation_id));
        }
        jobs.extend(pages.into_iter().map(|notification| Job::Notify {
            tenant_id: turn.tenant_id.clone(),
            escalation_id: escalation_id.to_owned(),
            notification,
        }));
    }
    if let (Delivery::Queued, Some(message_id), Some(body)) = (turn.delivery, ids.reply, reply.text.as_ref()) {
        jobs.push(Job::DeliverMessage {
            tenant_id: turn.tenant_id.clone(),
            message_id: message_id.to_owned(),
            provider: turn.provider.clone(),
            channel: turn.channel.as_str().to_owned(),
            to: turn.from.to_string(),
            body: body.clone(),
            window: (turn.provider == meta::PROVIDER).then(|| ServiceWindow {
                last_inbound_ms: turn.sent_at.unwrap_or(turn.received_at),
                template: turn.settings.whatsapp_template.clone(),
            }),
            subject: None,
        });
    }
    if turn.is_contact_words() {
        jobs.push(Job::UpdateLead {
            tenant_id: turn.tenant_id.clone(),
            contact_id: ids.contact.to_owned(),
            conversation_id: ids.conversation.to_owned(),
            message: LeadMessage {
                message_id: ids.inbound.to_owned(),
                at: turn.received_at,
                intent: reply.intent,
                urgency: reply.urgency,
                slots: reply.slots.clone(),
                body: turn.body.clone(),
                returning,
                today: turn.local_time.date,
                escalated: reply.escalation.is_some(),
            },
        });
        if let Some(job) = crm_sync(turn, ids) {
            jobs.push(job);
        }
    }
    jobs
}

/// The HubSpot sync of a message, for tenants that set `settings.hubspot` and a contact we can
/// name to HubSpot (a phone or an email; a chat visitor has neither yet).
fn crm_sync(turn: &InboundTurn, ids: &TurnIds<'_>) -> Option<Job> {
    turn.settings.hubspot.as_ref()?;
    let (email, phone) = match &turn.from {
        ContactKey::Email(email) => (Some(email.as_str().to_owned()), None),
        ContactKey::Phone(phone) => (None, Some(phone.to_string())),
        ContactKey::Visitor(_) => return None,
    };
    Some(Job::SyncCrm {
        tenant_id: turn.tenant_id.clone(),
        message_id: ids.inbound.to_owned(),
        contact: CrmContact { email, phone, name: turn.profile_name.clone() },
        note: format!("{} message via Frontdesk: {}", turn.channel.as_str(), turn.body),
        at: turn.received_at,
    })
}

/// Whether a pending intent last enqueued at `updated_at` is due to be enqueued again at `now`.
pub fn intent_is_due(updated_at: u64, now: u64) -> bool {
    now.saturating_sub(updated_at) >= INTENT_GRACE_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::{rules::RulesBrain, Brain};
    use crate::conversation::Continuity;
    use crate::inbound::TenantContext;
    use crate::tenant::Settings;

    fn turn(body: &str, delivery: Delivery) -> InboundTurn {
        let settings: Settings = serde_json::from_value(serde_json::json!({
            "on_call": [{"name": "Sam", "phone": "+447700900999", "email": "sam@example.com"}]
        }))
        .unwrap();
        let tenant = TenantContext {
            paused: false,
            tenant_id: "ten_demo".into(),
            business_name: "Maple & Pine".into(),
            settings,
            local_time: crate::tenant::tests::at(6, 3, 0),
        };
        let phone = crate::phone::PhoneE164::parse("+447700900123").unwrap();
        let mut t = InboundTurn::from_openphone("EV1", "AC1", phone, body, tenant, 10);
        t.delivery = delivery;
        t
    }

    fn ids<'a>(reply: Option<&'a str>, escalation: Option<&'a str>) -> TurnIds<'a> {
        TurnIds { contact: "con_1", conversation: "cnv_1", inbound: "msg_1", reply, escalation }
    }

    fn answer(t: &InboundTurn) -> Reply {
        RulesBrain.respond(&t.turn(Continuity { returning_contact: false, new_conversation: true }, None, None))
    }

    #[test]
    fn an_emergency_by_a_queued_channel_pages_delivers_and_updates_the_lead() {
        let t = turn("Water is pouring through my ceiling!", Delivery::Queued);
        let reply = answer(&t);
        let jobs = after_turn(&t, &reply, &ids(Some("msg_2"), Some("esc_1")), "Ana (+447700900123)", false);
        let kinds: Vec<_> = jobs.iter().map(Job::kind).collect();
        assert_eq!(kinds, ["notify", "notify", "deliver_message", "update_lead"]);
        let keys: Vec<_> = jobs.iter().filter_map(Job::intent_key).collect();
        assert_eq!(keys, ["esc_1:sms:+447700900999", "esc_1:email:sam@example.com", "msg_2", "lead:msg_1"]);
        let Job::Notify { notification, .. } = &jobs[0] else { unreachable!() };
        assert!(notification.subject.contains("Ana (+447700900123)"));
        let outbox = jobs[2].outbox_entry().unwrap();
        assert_eq!(
            (outbox.dedupe_key.as_str(), outbox.channel, outbox.recipient.as_str()),
            ("msg_2", "sms", "+447700900123")
        );
        assert!(jobs[3].outbox_entry().is_none(), "a lead update delivers nothing");
    }

    #[test]
    fn an_emergency_at_a_known_property_alerts_its_landlord_with_the_on_call_pages() {
        let t = turn("Water is pouring through my ceiling!", Delivery::Queued);
        let mut reply = answer(&t);
        let landlord =
            crate::listings::Landlord { name: "Helen Price".into(), phone: Some("+447700900312".into()), email: None };
        reply.ticket.as_mut().expect("a flood opens a ticket").property = Some(crate::tickets::Property {
            listing_id: "lst_1".into(),
            reference: "MP-2026-014".into(),
            address: "21 Elm Road".into(),
            landlord: Some(landlord),
        });
        let jobs = after_turn(&t, &reply, &ids(Some("msg_2"), Some("esc_1")), "Ana", false);
        let keys: Vec<_> = jobs.iter().filter_map(Job::intent_key).collect();
        assert_eq!(
            keys[..3],
            ["esc_1:sms:+447700900999", "esc_1:email:sam@example.com", "esc_1:landlord:sms:+447700900312"]
        );
    }

    #[test]
    fn an_inline_reply_is_not_delivered_again_and_a_call_note_updates_no_lead() {
        let t = turn("Do you have any two-bed flats?", Delivery::Inline);
        let jobs = after_turn(&t, &answer(&t), &ids(Some("msg_2"), None), "x", false);
        assert_eq!(jobs.iter().map(Job::kind).collect::<Vec<_>>(), ["update_lead"]);
        let mut note = turn("Call recording", Delivery::Queued);
        note.kind = crate::inbound::InboundKind::CallNote;
        assert!(after_turn(&note, &Reply::silent(), &ids(None, None), "x", false).is_empty());
    }

    #[test]
    fn intents_wait_a_grace_period_before_they_count_as_lost() {
        assert!(!intent_is_due(1_000, 1_000 + INTENT_GRACE_MS - 1));
        assert!(intent_is_due(1_000, 1_000 + INTENT_GRACE_MS));
        assert!(!intent_is_due(5_000, 1_000), "a clock behind the row is not a reason to resend");
    }

    #[test]
    fn a_retried_turn_claims_at_its_own_time_and_answers_through_the_outbox() {
        let t = turn("Hi", Delivery::Inline);
        let again = t.retried(99_000, true);
        assert_eq!((again.attempt, again.claim_time(), again.received_at), (1, 99_000, 10));
        assert_eq!(again.delivery, Delivery::Queued);
        assert!(again.recovery);
        assert_eq!(t.claim_time(), 10);
    }
}
