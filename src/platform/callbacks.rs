//! A caller who asked for a person nobody could take is called back: the team's task (a
//! `follow_up` escalation naming who, why and what the call was about) and a text confirming
//! it by the contact's channel, stored in one batch with the text's delivery intent. Once per
//! call: the message id is derived from the CallSid, so Twilio repeating the request (or a
//! missed transfer after a turn that already scheduled it) writes nothing new.

use super::d1::{calls, statement, Arg};
use frontdesk_core::ids;
use frontdesk_core::inbound::TenantContext;
use frontdesk_core::outreach::derived_message_id;
use frontdesk_core::ports::Random;
use frontdesk_core::voice::callback::{self, Missed};
use frontdesk_durable::platform::jobs::enqueue;
use frontdesk_durable::platform::outreach::{message_statements, reach, Outgoing};
use frontdesk_durable::platform::time::WorkerRandom;
use worker::{D1Database, Env, Result};

/// Schedules the callback for the call `call_sid`; answers when it will be (`None`: the
/// caller cannot be called back — a withheld number, no contact).
pub async fn schedule(
    env: &Env,
    db: &D1Database,
    context: &TenantContext,
    call_sid: &str,
    missed: &Missed,
    summary: Option<&str>,
    now_ms: u64,
) -> Result<Option<String>> {
    let tenant_id = context.tenant_id.as_str();
    let Some(call) = calls::call_by_sid(db, tenant_id, call_sid).await? else { return Ok(None) };
    let Some(contact_id) = call.contact_id.as_deref() else { return Ok(None) };
    let Some(to) = reach(db, tenant_id, contact_id, false).await? else { return Ok(None) };
    let when = callback::when(&context.settings.status_at(context.local_time));
    let body = callback::confirmation(&context.business_name, &when);
    let message_id = derived_message_id(format!("callback:{call_sid}").into_bytes(), call.created_at);
    let (mut batch, job) = message_statements(
        db,
        tenant_id,
        contact_id,
        &to,
        Outgoing { id: &message_id, body: &body, subject: None },
        now_ms,
    )?;
    let person = match calls::contact_name(db, tenant_id, contact_id).await? {
        Some(name) => format!("{name} ({})", call.person_number()),
        None => call.person_number().to_owned(),
    };
    let detail = serde_json::json!({ "call_id": call.id, "callback": when });
    // The task hangs on the confirmation: the message that raised it, in its conversation.
    batch.push(statement(
        db,
        "INSERT INTO escalations (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, status, \
                                  summary, detail, created_at, updated_at) \
         SELECT ?1, tenant_id, contact_id, conversation_id, id, 'follow_up', 'normal', 'open', ?3, ?4, ?5, ?5 \
         FROM messages WHERE tenant_id = ?2 AND id = ?6 ON CONFLICT DO NOTHING",
        &[
            Arg::Text(&ids::make(ids::ESCALATION, now_ms, WorkerRandom.next_u64())),
            Arg::Text(tenant_id),
            Arg::Text(&callback::task(&person, missed, summary)),
            Arg::Text(&detail.to_string()),
            Arg::Int(now_ms),
            Arg::Text(&message_id),
        ],
    )?);
    db.batch(batch).await?;
    // The intent is durable: if the queue is unreachable now, the sweeper sends it.
    if let Err(e) = enqueue(env, &job).await {
        worker::console_warn!("queueing the callback text {message_id} failed, the sweeper will: {e}");
    }
    Ok(Some(when))
}
