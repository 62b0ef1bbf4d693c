//! After every call (issue 11): once a call has ended, what it came to is summarised once
//! (`core::voice::summary`), stored on the call, put on the caller's voice thread and
//! announced as `call.summarized`; a tenant that keeps no transcripts keeps the summary instead
//! of the turns' words.
//!
//! Status callbacks are best-effort, unordered and repeated, so any of them may get here: the
//! timeline entry is deduplicated by its event id (`{CallSid}:summary`), forgetting the words
//! is the same write twice, and only the callback whose write finds no summary yet records,
//! audits and announces it. The sweeper catches calls no callback summarised.

use super::d1::{self, call_summaries, calls, Audit};
use frontdesk_core::dialogue::DialogueState;
use frontdesk_core::events::{EventKind, NewEvent};
use frontdesk_core::ids;
use frontdesk_core::inbound::{InboundTurn, TenantContext};
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Random;
use frontdesk_core::voice::handoff::Handoff;
use frontdesk_core::voice::status::{self, TERMINAL};
use frontdesk_core::voice::summary::{self, CallFacts};
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerRandom;
use serde_json::json;
use worker::{D1Database, Env, Result};

/// Whether a call that has not yet been summarised may wait for more: a voicemail reported
/// `completed` before its recording callback arrived. `force` (the sweeper) waits no longer.
fn waits_for_recording(call: &calls::Call, force: bool) -> bool {
    !force && call.mode == "voicemail" && call.status == "completed" && call.recording_sid.is_none()
}

/// Summarises call `call_sid` if it has ended and nobody has; returns the events to publish.
pub async fn summarize_call(
    env: &Env,
    db: &D1Database,
    context: &TenantContext,
    call_sid: &str,
    (now, force): (u64, bool),
) -> Result<Vec<NewEvent>> {
    let tenant_id = context.tenant_id.as_str();
    let Some(call) = calls::call_by_sid(db, tenant_id, call_sid).await? else { return Ok(Vec::new()) };
    let ended = status::rank(&call.status) == Some(TERMINAL);
    if !ended || call.summarized_at.is_some() || waits_for_recording(&call, force) {
        return Ok(Vec::new());
    }
    let rows = match &call.contact_id {
        Some(contact_id) => call_summaries::call_rows(db, tenant_id, contact_id, (call.created_at, now)).await?,
        None => Default::default(),
    };
    let dialogue: DialogueState =
        rows.dialogue.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
    let settings = context.settings.voice.clone().unwrap_or_default();
    let handoff = Handoff::parse(call.handoff.as_deref());
    let said_by_caller: Vec<String> = rows.turns.iter().filter(|(_, u)| u.caller).map(|(id, _)| id.clone()).collect();
    let facts = CallFacts {
        mode: call.mode.clone(),
        status: call.status.clone(),
        transferred: handoff.wants_person() && settings.transfer_number.is_some(),
        callback_requested: handoff.reason == "callback",
        recording: call.recording_sid.is_some(),
        recording_seconds: call.recording_duration,
        utterances: rows.turns.iter().map(|(_, u)| u.clone()).collect(),
        tickets: rows.tickets,
        escalations: rows.escalations,
        new_contact: rows.contact_created_at.is_some_and(|at| at >= call.created_at),
        caller: call.person_number().to_owned(),
        caller_name: rows.contact_name,
        template: context.settings.template.clone(),
        today: Some(context.local_time.date),
        ..Default::default()
    }
    .with_dialogue(&dialogue, &said_by_caller, call.created_at, rows.bookings);
    let summary = summary::summarize(&facts);

    let mut events = Vec::new();
    if let Ok(caller) = PhoneE164::parse(call.person_number()) {
        let note = InboundTurn::call_summary(call_sid, summary.timeline_text(), caller, context.clone(), now);
        events.extend(conversation_turn(env, &note).await?.events);
    }
    if !settings.transcripts {
        let turn_ids: Vec<String> = rows.turns.into_iter().map(|(id, _)| id).collect();
        call_summaries::forget_turn_words(db, tenant_id, &turn_ids).await?;
    }
    let summary_json = serde_json::to_value(&summary)?;
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = json!({ "call_sid": call_sid, "outcome": summary.outcome.as_str() }).to_string();
    let audit = Audit {
        id: &audit_id,
        tenant_id,
        actor: "system",
        action: "call.summarized",
        subject: &call.id,
        detail: &detail,
        at_ms: now,
    };
    let stored = call_summaries::store_summary(
        db,
        tenant_id,
        &call.id,
        (&summary_json.to_string(), summary.outcome.as_str()),
        &audit,
    )
    .await?;
    if stored {
        events.push(NewEvent {
            kind: EventKind::CallSummarized,
            tenant_id: tenant_id.to_owned(),
            at: now,
            data: json!({ "call_id": call.id, "call_sid": call_sid, "contact_id": call.contact_id, "summary": summary_json }),
        });
    }
    Ok(events)
}

/// The sweeper's catch-up: calls ended more than `grace_ms` ago that no callback summarised.
pub async fn summarize_stragglers(env: &Env, db: &D1Database, now: u64, grace_ms: u64) -> Result<u32> {
    let mut done = 0;
    for (tenant_id, call_sid) in call_summaries::unsummarized(db, now.saturating_sub(grace_ms), 20).await? {
        let Some(tenant) = d1::tenant_row(db, &tenant_id).await? else { continue };
        let events = summarize_call(env, db, &tenant.into_context(now), &call_sid, (now, true)).await?;
        if !events.is_empty() {
            done += 1;
        }
        super::events::publish_all(env, events).await;
    }
    Ok(done)
}
