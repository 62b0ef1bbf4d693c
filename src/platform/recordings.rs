//! Call recordings are kept only as long as the tenant says (`settings.voice.
//! recording_retention_days`, 30 by default): the sweeper deletes older ones at Twilio, and
//! staff can delete one at once (`DELETE /api/v1/calls/{id}/recording`). Twilio first: the
//! call's row forgets the recording (sid and URL cleared, `recording_deleted_at` set, audited)
//! only once Twilio has deleted it (or never had it), so a failed delete is tried again and the
//! recording is never orphaned at Twilio. Without Twilio credentials the delete is `simulated`.

use super::d1::{change_audited, statement, Arg, Audit};
use super::outbound::{twilio_sender, TWILIO_API_BASE_VAR};
use frontdesk_core::channel::twilio::rest::{delete_recording_request, parse_delete_response, API_BASE};
use frontdesk_core::http::SendOutcome;
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_core::voice::DEFAULT_RECORDING_RETENTION_DAYS;
use frontdesk_durable::platform::env::api_base;
use frontdesk_durable::platform::http::execute;
use frontdesk_durable::platform::time::WorkerRandom;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Result};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// What became of a delete.
#[derive(Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Twilio deleted it (or no longer had it).
    AtTwilio,
    /// No Twilio credentials: nothing to delete remotely; the row forgets it.
    Simulated,
    /// Twilio did not delete it; the row keeps it and a later attempt tries again.
    Refused(String),
}

/// Deletes the recording `recording_sid` of call `call_id` at Twilio, then on the row.
/// `actor` and `why` (`retention` or `api`) go to the audit log.
pub async fn delete_recording(
    env: &Env,
    db: &D1Database,
    (tenant_id, call_id, recording_sid): (&str, &str, &str),
    (actor, why): (&str, &str),
    now: u64,
) -> Result<Deletion> {
    let outcome = match twilio_sender(env, db, tenant_id).await? {
        Ok(None) => Deletion::Simulated,
        Err(why) => Deletion::Refused(format!("twilio credentials: {why:?}")),
        Ok(Some(sender)) => {
            let request = delete_recording_request(
                &api_base(env, TWILIO_API_BASE_VAR, API_BASE),
                &sender.account_sid,
                &sender.auth_token,
                recording_sid,
            );
            match execute(&request).await {
                Ok((status, body)) => match parse_delete_response(status, &body, recording_sid) {
                    SendOutcome::Sent { .. } => Deletion::AtTwilio,
                    SendOutcome::Retry(why) | SendOutcome::Failed(why) => Deletion::Refused(why),
                },
                Err(e) => Deletion::Refused(format!("twilio network error: {e}")),
            }
        }
    };
    if let Deletion::Refused(why) = &outcome {
        worker::console_warn!("recording {recording_sid} of call {call_id} not deleted: {why}");
        return Ok(outcome);
    }
    let delivery = if outcome == Deletion::AtTwilio { "deleted" } else { "simulated" };
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = json!({ "recording_sid": recording_sid, "reason": why, "twilio": delivery }).to_string();
    let audit = Audit {
        id: &audit_id,
        tenant_id,
        actor,
        action: "call.recording_deleted",
        subject: call_id,
        detail: &detail,
        at_ms: now,
    };
    let forget = statement(
        db,
        "UPDATE calls SET recording_sid = NULL, recording_url = NULL, recording_deleted_at = ?4, updated_at = ?4 \
         WHERE tenant_id = ?1 AND id = ?2 AND recording_sid = ?3",
        &[Arg::Text(tenant_id), Arg::Text(call_id), Arg::Text(recording_sid), Arg::Int(now)],
    )?;
    change_audited(db, forget, &audit).await?;
    Ok(outcome)
}

/// The sweeper's step: recordings older than their tenant's retention, deleted (at most 25 a
/// pass). Returns how many were.
pub async fn delete_expired(env: &Env, db: &D1Database, now: u64) -> Result<u32> {
    #[derive(Deserialize)]
    struct Expired {
        tenant_id: String,
        id: String,
        recording_sid: String,
    }
    // The retention is the tenant's setting, read where it is stored so the scan stays one query.
    let expired: Vec<Expired> = statement(
        db,
        "SELECT c.tenant_id, c.id, c.recording_sid FROM calls c JOIN tenants t ON t.id = c.tenant_id \
         WHERE c.recording_sid IS NOT NULL \
         AND c.created_at < ?1 - COALESCE(json_extract(t.settings, '$.voice.recording_retention_days'), ?2) * ?3 \
         ORDER BY c.created_at LIMIT 25",
        &[Arg::Int(now), Arg::Int(DEFAULT_RECORDING_RETENTION_DAYS.into()), Arg::Int(DAY_MS)],
    )?
    .all()
    .await?
    .results()?;
    let mut deleted = 0;
    for row in expired {
        let target = (row.tenant_id.as_str(), row.id.as_str(), row.recording_sid.as_str());
        if !matches!(delete_recording(env, db, target, ("system", "retention"), now).await?, Deletion::Refused(_)) {
            deleted += 1;
        }
    }
    Ok(deleted)
}
