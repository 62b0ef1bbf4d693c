//! The console's read-only views over several tables: a contact's timeline (one `UNION ALL`,
//! each kind's newest rows as JSON objects; core::console::timeline merges them) and the
//! counters.

use super::{statement, Arg};
use frontdesk_core::console::timeline::{Item, Kind, PER_KIND};
use serde::Deserialize;
use worker::{D1Database, Result};

/// Each kind's newest `?3` rows of contact `?2`, as `(kind, at, data JSON)`. One statement per
/// kind in one batch: D1 caps how many terms one compound `SELECT` may have.
const TIMELINE: [&str; 6] = [
    "SELECT 'message' AS kind, created_at AS at, json_object('id', id, 'conversation_id', conversation_id, \
       'channel', channel, 'direction', direction, 'body', body, 'status', status, \
       'first_token_ms', first_token_ms, 'last_token_ms', last_token_ms) AS data \
     FROM messages WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY created_at DESC LIMIT ?3",
    "SELECT 'call' AS kind, created_at AS at, json_object('id', id, 'direction', direction, 'status', status, \
       'mode', mode, 'duration_seconds', duration_seconds, 'outcome', outcome, 'summary', json(summary), \
       'recording', recording_sid IS NOT NULL, 'recording_url', recording_url, 'handoff', handoff) AS data \
     FROM calls WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY created_at DESC LIMIT ?3",
    "SELECT 'booking' AS kind, created_at AS at, json_object('id', id, 'booking_kind', kind, \
       'listing_id', listing_id, 'start_ms', start_ms, 'end_ms', end_ms, 'status', status, 'source', source) AS data \
     FROM bookings WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY created_at DESC LIMIT ?3",
    "SELECT 'ticket' AS kind, created_at AS at, json_object('id', id, 'category', category, \
       'urgency', urgency, 'status', status, 'summary', summary) AS data \
     FROM tickets WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY created_at DESC LIMIT ?3",
    "SELECT 'escalation' AS kind, created_at AS at, json_object('id', id, 'reason', reason, \
       'priority', priority, 'status', status, 'summary', summary, 'conversation_id', conversation_id) AS data \
     FROM escalations WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY created_at DESC LIMIT ?3",
    "SELECT 'lead' AS kind, created_at AS at, json_object('id', contact_id, 'status', status, 'score', score, \
       'band', band) AS data FROM leads WHERE tenant_id = ?1 AND contact_id = ?2 LIMIT ?3",
];

#[derive(Deserialize)]
struct Row {
    kind: String,
    at: u64,
    data: String,
}

pub async fn timeline(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<Item>> {
    let args = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Int(PER_KIND.into())];
    let statements = TIMELINE.iter().map(|sql| statement(db, sql, &args)).collect::<Result<Vec<_>>>()?;
    let mut items = Vec::new();
    for result in db.batch(statements).await? {
        for row in result.results::<Row>()? {
            let kind = match row.kind.as_str() {
                "message" => Kind::Message,
                "call" => Kind::Call,
                "booking" => Kind::Booking,
                "ticket" => Kind::Ticket,
                "escalation" => Kind::Escalation,
                "lead" => Kind::Lead,
                _ => continue,
            };
            if let Ok(data) = serde_json::from_str(&row.data) {
                items.push(Item { kind, at: row.at, data });
            }
        }
    }
    Ok(items)
}

/// A contact's stored lead fields and dialogue state (JSON), for the copilot's draft.
#[derive(Deserialize, Default)]
pub struct Established {
    pub lead_fields: Option<String>,
    pub dialogue: Option<String>,
}

pub async fn established(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Established> {
    let row: Option<Established> = statement(
        db,
        "SELECT (SELECT fields FROM leads WHERE tenant_id = ?1 AND contact_id = ?2) AS lead_fields, \
                (SELECT state FROM dialogue_states WHERE tenant_id = ?1 AND contact_id = ?2) AS dialogue",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(row.unwrap_or_default())
}

#[derive(Deserialize, serde::Serialize)]
pub struct Stats {
    pub open_conversations: u64,
    pub open_escalations: u64,
    pub leads_today: u64,
    pub bookings_today: u64,
    pub unread: u64,
}

/// The counters, "today" being from `day_start` (the tenant's local midnight) for a day.
pub async fn stats(db: &D1Database, tenant_id: &str, day_start: u64) -> Result<Option<Stats>> {
    statement(
        db,
        "SELECT \
           (SELECT COUNT(*) FROM conversations WHERE tenant_id = ?1 AND status = 'open') AS open_conversations, \
           (SELECT COUNT(*) FROM escalations WHERE tenant_id = ?1 AND status != 'resolved') AS open_escalations, \
           (SELECT COUNT(*) FROM leads WHERE tenant_id = ?1 AND created_at >= ?2) AS leads_today, \
           (SELECT COUNT(*) FROM bookings WHERE tenant_id = ?1 AND status = 'confirmed' \
              AND start_ms >= ?2 AND start_ms < ?3) AS bookings_today, \
           (SELECT COUNT(*) FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id \
              WHERE m.tenant_id = ?1 AND c.status = 'open' AND m.direction = 'inbound' \
              AND m.created_at > COALESCE(c.read_at, 0)) AS unread",
        &[Arg::Text(tenant_id), Arg::Int(day_start), Arg::Int(day_start + 24 * 60 * 60 * 1000)],
    )?
    .first(None)
    .await
}
