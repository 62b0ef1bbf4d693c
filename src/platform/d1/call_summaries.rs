//! What a call left behind in D1 (its voice turns, bookings, tickets and escalations of the
//! caller within the call's window, the caller's dialogue state) and the summary written back
//! once (migration 0018). Every statement filters on the tenant.

use super::{statement, Arg, Audit};
use frontdesk_core::voice::summary::{BookingFact, EscalationFact, TicketFact, Utterance, TURN_NOT_KEPT};
use serde::Deserialize;
use worker::{D1Database, Result};

/// The rows a summary is made from. `turns` are `(message id, utterance)` in order.
#[derive(Default)]
pub struct CallRows {
    pub turns: Vec<(String, Utterance)>,
    pub bookings: Vec<(String, BookingFact)>,
    pub tickets: Vec<TicketFact>,
    pub escalations: Vec<EscalationFact>,
    pub dialogue: Option<String>,
    pub contact_created_at: Option<u64>,
    pub contact_name: Option<String>,
}

/// What the caller `contact_id` left between `from` and `until` (ms).
pub async fn call_rows(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    (from, until): (u64, u64),
) -> Result<CallRows> {
    #[derive(Deserialize)]
    struct Turn {
        id: String,
        direction: String,
        body: String,
    }
    #[derive(Deserialize)]
    struct Booking {
        id: String,
        kind: String,
        status: String,
    }
    #[derive(Deserialize)]
    struct Ticket {
        category: String,
        urgency: String,
        summary: String,
    }
    #[derive(Deserialize)]
    struct Escalation {
        reason: String,
        summary: String,
    }
    #[derive(Deserialize)]
    struct Contact {
        created_at: u64,
        name: Option<String>,
        dialogue: Option<String>,
    }
    let window = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Int(from), Arg::Int(until)];
    let in_window = "tenant_id = ?1 AND contact_id = ?2 AND created_at BETWEEN ?3 AND ?4";
    // Spoken turns only: the call's notes (voicemail, summary) are `recorded`, not words said.
    let turns: Vec<Turn> = statement(
        db,
        &format!(
            "SELECT id, direction, body FROM messages WHERE {in_window} AND channel = 'voice' \
             AND status <> 'recorded' ORDER BY created_at, direction = 'outbound', id"
        ),
        &window,
    )?
    .all()
    .await?
    .results()?;
    let bookings: Vec<Booking> =
        statement(db, &format!("SELECT id, kind, status FROM bookings WHERE {in_window} ORDER BY id"), &window)?
            .all()
            .await?
            .results()?;
    let tickets: Vec<Ticket> = statement(
        db,
        &format!("SELECT category, urgency, summary FROM tickets WHERE {in_window} ORDER BY id"),
        &window,
    )?
    .all()
    .await?
    .results()?;
    let escalations: Vec<Escalation> =
        statement(db, &format!("SELECT reason, summary FROM escalations WHERE {in_window} ORDER BY id"), &window)?
            .all()
            .await?
            .results()?;
    let contact: Option<Contact> = statement(
        db,
        "SELECT c.created_at, c.name, d.state AS dialogue FROM contacts c \
         LEFT JOIN dialogue_states d ON d.tenant_id = c.tenant_id AND d.contact_id = c.id \
         WHERE c.tenant_id = ?1 AND c.id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(CallRows {
        turns: turns
            .into_iter()
            .map(|t| (t.id, Utterance { caller: t.direction == "inbound", text: t.body }))
            .collect(),
        bookings: bookings
            .into_iter()
            .map(|b| (b.id, BookingFact { kind: b.kind, confirmed: b.status == "confirmed", label: None }))
            .collect(),
        tickets: tickets
            .into_iter()
            .map(|t| TicketFact { category: t.category, urgency: t.urgency, summary: t.summary })
            .collect(),
        escalations: escalations.into_iter().map(|e| EscalationFact { reason: e.reason, summary: e.summary }).collect(),
        contact_created_at: contact.as_ref().map(|c| c.created_at),
        contact_name: contact.as_ref().and_then(|c| c.name.clone()),
        dialogue: contact.and_then(|c| c.dialogue),
    })
}

/// Writes the summary if the call has none yet, with its audit entry, in one batch. `false`:
/// another callback summarised it first and nothing was written.
pub async fn store_summary(
    db: &D1Database,
    tenant_id: &str,
    call_id: &str,
    (summary_json, outcome): (&str, &str),
    audit: &Audit<'_>,
) -> Result<bool> {
    let update = statement(
        db,
        "UPDATE calls SET summary = ?3, outcome = ?4, summarized_at = ?5, updated_at = MAX(updated_at, ?5) \
                 WHERE tenant_id = ?1 AND id = ?2 AND summarized_at IS NULL",
        &[Arg::Text(tenant_id), Arg::Text(call_id), Arg::Text(summary_json), Arg::Text(outcome), Arg::Int(audit.at_ms)],
    )?;
    super::change_audited(db, update, audit).await
}

/// The words of a call's turns, for a tenant that keeps no transcripts: the rows keep their
/// place (escalations and tickets point at them), the summary says what was said.
pub async fn forget_turn_words(db: &D1Database, tenant_id: &str, message_ids: &[String]) -> Result<()> {
    if message_ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(message_ids)?;
    statement(
        db,
        "UPDATE messages SET body = ?3 WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2))",
        &[Arg::Text(tenant_id), Arg::Text(&ids), Arg::Text(TURN_NOT_KEPT)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Ended calls of any tenant still without a summary after `before` (a lost callback, a
/// voicemail caller who hung up before the beep): `(tenant_id, call_sid)`, oldest first.
pub async fn unsummarized(db: &D1Database, before: u64, limit: u32) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        tenant_id: String,
        call_sid: String,
    }
    let rows: Vec<Row> = statement(
        db,
        "SELECT tenant_id, call_sid FROM calls WHERE summarized_at IS NULL AND status_rank = ?1 AND updated_at < ?2 \
         ORDER BY updated_at LIMIT ?3",
        &[Arg::Int(frontdesk_core::voice::status::TERMINAL.into()), Arg::Int(before), Arg::Int(limit.into())],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| (r.tenant_id, r.call_sid)).collect())
}
