//! The sweeper's step for human takeover: a contact whose message in a held conversation has
//! waited longer than `settings.handoff.staff_reply_minutes` without a staff reply raises one
//! escalation (core::console::takeover), announced on the live stream like any other.

use super::d1::holds::{waiting_on_staff, Waiting};
use super::d1::{self, statement, Arg};
use super::events::publish_all;
use frontdesk_core::console::takeover::{overdue_escalation, reply_overdue};
use frontdesk_core::events::{EventKind, NewEvent};
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::WorkerRandom;
use serde_json::json;
use worker::{D1Database, Env, Result};

/// Escalations raised this pass.
pub async fn escalate_overdue(env: &Env, db: &D1Database, now: u64) -> Result<u32> {
    let mut raised = 0;
    for waiting in waiting_on_staff(db, 50).await? {
        let limit_ms = serde_json::from_str::<Settings>(&waiting.settings).unwrap_or_default().handoff.staff_reply_ms();
        let (Some(inbound_id), Some(last_inbound_at)) = (&waiting.inbound_id, waiting.last_inbound_at) else {
            continue;
        };
        if !reply_overdue(last_inbound_at, waiting.last_outbound_at, now, limit_ms) {
            continue;
        }
        if let Some(event) = raise(db, &waiting, inbound_id, limit_ms, now).await? {
            publish_all(env, vec![event]).await;
            raised += 1;
        }
    }
    Ok(raised)
}

/// Stores the escalation on the waiting message (once: UNIQUE per message and reason) and
/// returns its `escalation.raised` event, or `None` when another pass stored it first.
async fn raise(
    db: &D1Database,
    waiting: &Waiting,
    inbound_id: &str,
    limit_ms: u64,
    now: u64,
) -> Result<Option<NewEvent>> {
    let request = overdue_escalation(&waiting.contact_label, limit_ms);
    let id = ids::make(ids::ESCALATION, now, WorkerRandom.next_u64());
    let priority = request.reason.priority();
    let result = statement(
        db,
        "INSERT INTO escalations (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, status, \
                                  summary, detail, created_at, updated_at) \
         SELECT ?1, tenant_id, contact_id, conversation_id, id, ?3, ?4, 'open', ?5, ?6, ?7, ?7 \
         FROM messages WHERE tenant_id = ?2 AND id = ?8 ON CONFLICT DO NOTHING",
        &[
            Arg::Text(&id),
            Arg::Text(&waiting.tenant_id),
            Arg::Text(request.reason.as_str()),
            Arg::Text(priority.as_str()),
            Arg::Text(&request.summary),
            Arg::Text(&request.detail),
            Arg::Int(now),
            Arg::Text(inbound_id),
        ],
    )?
    .run()
    .await?;
    if result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Ok(None);
    }
    let conversation = d1::conversation(db, &waiting.tenant_id, &waiting.conversation_id).await?;
    let contact = d1::contact(db, &waiting.tenant_id, &waiting.contact_id).await?;
    Ok(Some(NewEvent {
        kind: EventKind::EscalationRaised,
        tenant_id: waiting.tenant_id.clone(),
        at: now,
        data: json!({
            "escalation": {
                "id": id,
                "reason": request.reason,
                "priority": priority,
                "summary": request.summary,
                "message_id": inbound_id,
            },
            "conversation": conversation,
            "contact": contact,
        }),
    }))
}
