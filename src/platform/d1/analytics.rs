//! The rows `core::analytics` aggregates, read for one tenant between two instants: thin
//! queries, each bounded, the arithmetic in core.

use super::{statement, Arg};
use frontdesk_core::analytics::{Facts, LeadFact, MessageFact};
use serde::Deserialize;
use worker::{D1Database, Result};

/// More messages than this in a range are not read (the newest are): a year of a busy desk
/// still fits, and a request stays within the Worker's memory.
const MAX_MESSAGES: u32 = 20_000;
const MAX_ROWS: u32 = 5_000;

pub async fn facts(db: &D1Database, tenant_id: &str, from_ms: u64, to_ms: u64) -> Result<Facts> {
    let args = [Arg::Text(tenant_id), Arg::Int(from_ms), Arg::Int(to_ms)];
    let messages = statement(
        db,
        &format!(
            "SELECT conversation_id, contact_id, direction, channel, created_at, body FROM messages \
             WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3 ORDER BY created_at DESC LIMIT {MAX_MESSAGES}"
        ),
        &args,
    )?;
    let leads = statement(
        db,
        &format!(
            "SELECT l.created_at, (SELECT c.channel FROM conversations c WHERE c.tenant_id = l.tenant_id \
             AND c.contact_id = l.contact_id ORDER BY c.started_at LIMIT 1) AS channel FROM leads l \
             WHERE l.tenant_id = ?1 AND l.created_at >= ?2 AND l.created_at < ?3 LIMIT {MAX_ROWS}"
        ),
        &args,
    )?;
    let handoffs = statement(
        db,
        &format!(
            "SELECT DISTINCT conversation_id AS value FROM escalations WHERE tenant_id = ?1 \
             AND reason = 'human_requested' AND created_at >= ?2 AND created_at < ?3 LIMIT {MAX_ROWS}"
        ),
        &args,
    )?;
    let booked = statement(
        db,
        &format!(
            "SELECT DISTINCT contact_id AS value FROM bookings WHERE tenant_id = ?1 AND status = 'confirmed' \
             AND created_at >= ?2 AND created_at < ?3 LIMIT {MAX_ROWS}"
        ),
        &args,
    )?;
    let unanswered = statement(
        db,
        &format!(
            "SELECT question AS value FROM kb_unanswered WHERE tenant_id = ?1 \
             AND created_at >= ?2 AND created_at < ?3 LIMIT {MAX_ROWS}"
        ),
        &args,
    )?;
    let results = db.batch(vec![messages, leads, handoffs, booked, unanswered]).await?;
    let mut results = results.into_iter();
    let mut next = || results.next().ok_or_else(|| worker::Error::RustError("a batch result is missing".into()));
    #[derive(Deserialize)]
    struct Value {
        value: String,
    }
    let values = |rows: Vec<Value>| rows.into_iter().map(|r| r.value).collect();
    Ok(Facts {
        messages: next()?.results::<MessageFact>()?,
        leads: next()?.results::<LeadFact>()?,
        handoff_conversations: values(next()?.results()?),
        booked_contacts: values(next()?.results()?),
        unanswered: values(next()?.results()?),
    })
}
