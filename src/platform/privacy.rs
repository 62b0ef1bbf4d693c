//! A contact's data handed over (`export`) or erased (`erase`) everywhere it is kept: D1 (the
//! tables of `core::privacy::STORES`), call recordings at Twilio, FAQs made from their words
//! (and their vectors), and the Durable Objects — threads' memory, calls' storage, the tenant
//! hub's replayable events. docs/PRIVACY.md maps every store.

use crate::error::AppResult;
use crate::platform::d1::{self, privacy};
use crate::platform::recordings::{delete_recording, Deletion};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::Channel;
use frontdesk_core::ids;
use frontdesk_core::inbound::thread_name;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::privacy::Subject;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use frontdesk_durable::platform::vectors;
use serde_json::{json, Value};
use worker::{D1Database, Env};

async fn subject(db: &D1Database, tenant_id: &str, contact_id: &str) -> AppResult<Subject> {
    let not_found = || ApiError::not_found("contact");
    if !ids::is_well_formed(contact_id) {
        return Err(not_found().into());
    }
    Ok(privacy::subject(db, tenant_id, contact_id).await?.ok_or_else(not_found)?)
}

/// Everything stored about the contact, one array per table (the contact's own row apart).
pub async fn export(db: &D1Database, tenant_id: &str, contact_id: &str) -> AppResult<Value> {
    let who = subject(db, tenant_id, contact_id).await?;
    let mut tables = privacy::export(db, &who).await?;
    let contact = tables.remove("contacts").and_then(|rows| rows.get(0).cloned()).unwrap_or(Value::Null);
    Ok(json!({ "contact": contact, "exported_at": WorkerClock.now_ms(), "records": tables }))
}

/// Erases the contact; what went, per store. 404 once they are gone.
///
/// Order: what lives outside D1 and could not be found again once the rows naming it are gone
/// goes first — recordings at Twilio (a refusal stops the erasure with nothing erased, so a
/// retry can finish it), then FAQs made from their words with their vectors —; then every D1
/// row in one transaction; then the objects' copies, best effort (a thread's memory is a cache
/// of those rows, the hub's ring is overwritten within 256 events).
pub async fn erase(env: &Env, db: &D1Database, tenant_id: &str, contact_id: &str, actor: &str) -> AppResult<Value> {
    let who = subject(db, tenant_id, contact_id).await?;
    let now = WorkerClock.now_ms();
    let calls = privacy::calls_of(db, &who).await?;
    let mut recordings = 0;
    for call in &calls {
        let Some(sid) = &call.recording_sid else { continue };
        if let Deletion::Refused(_) =
            delete_recording(env, db, (tenant_id, &call.id, sid), (actor, "erasure"), now).await?
        {
            return Err(ApiError::provider_failed(
                "Twilio did not delete a call recording; nothing was erased, try again",
            )
            .into());
        }
        recordings += 1;
    }
    let mut faq_chunks = 0;
    for document in privacy::faq_documents_of(db, &who).await? {
        let removed = d1::kb::delete_document(db, tenant_id, &document).await?;
        vectors::delete_chunks(env, &removed.chunk_ids).await?;
        faq_chunks += removed.chunk_ids.len();
    }
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let rows =
        privacy::erase(db, &who, (&audit_id, actor, now)).await?.ok_or_else(|| ApiError::not_found("contact"))?;
    let hub_events = forget_in_objects(env, &who, &calls).await;
    Ok(json!({
        "erased": contact_id,
        "rows": rows,
        "recordings_deleted": recordings,
        "faq_chunks_deleted": faq_chunks,
        "calls_forgotten": calls.len(),
        "live_events_blanked": hub_events,
    }))
}

/// The Durable Objects' copies: every thread the contact could have (each channel × each of
/// their keys) drops its memory, each call's object its storage, the hub the events naming
/// them. Failures are logged, not fatal: the D1 rows they mirror are already gone.
async fn forget_in_objects(env: &Env, who: &Subject, calls: &[privacy::CallRef]) -> u64 {
    let keys = who.phone.iter().chain(&who.email).chain(&who.visitor);
    for key in keys {
        for channel in Channel::ALL {
            let name = thread_name(&who.tenant_id, channel, key);
            if let Err(e) = frontdesk_durable::conversation_forget(env, &name).await {
                worker::console_error!("erasure: thread {name} did not forget: {e}");
            }
        }
    }
    for call in calls {
        if let Err(e) = frontdesk_durable::call_erase(env, &call.call_sid).await {
            worker::console_error!("erasure: call {} storage not erased: {e}", call.id);
        }
    }
    frontdesk_durable::hub_redact(env, &who.tenant_id, &who.needles()).await.unwrap_or_else(|e| {
        worker::console_error!("erasure: tenant hub events not blanked: {e}");
        0
    })
}
