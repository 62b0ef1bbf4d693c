//! The `calls` table (migrations 0016, 0017): the voice webhooks and the calls we place write
//! it, the tenant API reads it. Every statement is scoped by tenant; a call is found by its
//! CallSid within its tenant (a call we place, before Twilio names it, by its id).

use super::{statement, Arg};
use frontdesk_core::api::{Identified, PageRequest};
use serde::{Deserialize, Serialize};
use worker::{D1Database, Result};

const COLUMNS: &str = "id, call_sid, contact_id, from_number, to_number, direction, mode, status, duration_seconds, \
                       recording_sid, recording_url, recording_duration, handoff, summary, outcome, summarized_at, \
                       recording_deleted_at, purpose, error, created_at, updated_at";

/// A call as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Call {
    pub id: String,
    pub call_sid: String,
    pub contact_id: Option<String>,
    pub from_number: String,
    pub to_number: String,
    pub direction: String,
    pub mode: String,
    pub status: String,
    pub duration_seconds: Option<u64>,
    pub recording_sid: Option<String>,
    pub recording_url: Option<String>,
    pub recording_duration: Option<u64>,
    pub handoff: Option<String>,
    /// `core::voice::summary::CallSummary` once the call ended.
    #[serde(default, deserialize_with = "super::reads::opt_json_text")]
    pub summary: Option<serde_json::Value>,
    pub outcome: Option<String>,
    pub summarized_at: Option<u64>,
    /// When the recording was deleted (retention or the API); its sid and URL are cleared.
    pub recording_deleted_at: Option<u64>,
    /// Why we called (`callback`, `lead_follow_up`); `None` on a call they made.
    pub purpose: Option<String>,
    /// Why a call we placed could not be (status `failed`).
    pub error: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

impl Call {
    /// The person's number: the caller's, or on a call we placed the number we rang.
    pub fn person_number(&self) -> &str {
        if self.direction == "outbound" {
            &self.to_number
        } else {
            &self.from_number
        }
    }
}

impl Identified for Call {
    fn id(&self) -> &str {
        &self.id
    }
}

pub struct NewCall<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub call_sid: &'a str,
    pub contact_id: Option<&'a str>,
    pub from: &'a str,
    pub to: &'a str,
    /// `relay`, `gather` or `voicemail`.
    pub mode: &'a str,
    pub status: &'a str,
    pub status_rank: u8,
    pub now_ms: u64,
}

/// Stores the call once: Twilio retrying the voice webhook finds the row it already wrote.
pub async fn record_call(db: &D1Database, call: &NewCall<'_>) -> Result<()> {
    statement(
        db,
        "INSERT INTO calls (id, tenant_id, call_sid, contact_id, from_number, to_number, mode, status, status_rank, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
         ON CONFLICT (tenant_id, call_sid) DO NOTHING",
        &[
            Arg::Text(call.id),
            Arg::Text(call.tenant_id),
            Arg::Text(call.call_sid),
            Arg::OptText(call.contact_id),
            Arg::Text(call.from),
            Arg::Text(call.to),
            Arg::Text(call.mode),
            Arg::Text(call.status),
            Arg::Int(call.status_rank.into()),
            Arg::Int(call.now_ms),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// A call to place, stored `queued` before Twilio is asked.
pub struct NewOutboundCall<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub contact_id: &'a str,
    /// The tenant's Twilio number (the caller id).
    pub from: &'a str,
    pub to: &'a str,
    /// `relay` or `gather`: how the call goes on once answered.
    pub mode: &'a str,
    pub purpose: &'a str,
    pub request_key: Option<&'a str>,
    pub now_ms: u64,
}

/// The statement storing a call we place: once per `request_key` (a repeated request with the
/// same key stores nothing and finds the first call by [`call_by_request_key`]).
pub fn queue_outbound_statement(db: &D1Database, call: &NewOutboundCall<'_>) -> Result<worker::D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO calls (id, tenant_id, call_sid, contact_id, from_number, to_number, direction, mode, status,          status_rank, purpose, request_key, created_at, updated_at)          VALUES (?1, ?2, ?1, ?3, ?4, ?5, 'outbound', ?6, 'queued', 0, ?7, ?8, ?9, ?9)          ON CONFLICT (tenant_id, request_key) WHERE request_key IS NOT NULL DO NOTHING",
        &[
            Arg::Text(call.id),
            Arg::Text(call.tenant_id),
            Arg::Text(call.contact_id),
            Arg::Text(call.from),
            Arg::Text(call.to),
            Arg::Text(call.mode),
            Arg::Text(call.purpose),
            Arg::OptText(call.request_key),
            Arg::Int(call.now_ms),
        ],
    )
}

pub async fn call_by_request_key(db: &D1Database, tenant_id: &str, key: &str) -> Result<Option<Call>> {
    call_where(db, tenant_id, "request_key", key).await
}

/// The tenant's call whose `column` (a fixed name, unique per tenant) is `value`.
async fn call_where(db: &D1Database, tenant_id: &str, column: &str, value: &str) -> Result<Option<Call>> {
    statement(
        db,
        &format!("SELECT {COLUMNS} FROM calls WHERE tenant_id = ?1 AND {column} = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(value)],
    )?
    .first(None)
    .await
}

/// Gives a call we placed the CallSid Twilio named it by (from the Calls API's answer, or
/// whichever of Twilio's requests about it comes first); a call already named keeps its name.
pub async fn attach_call_sid(
    db: &D1Database,
    tenant_id: &str,
    call_id: &str,
    call_sid: &str,
    now_ms: u64,
) -> Result<()> {
    statement(
        db,
        "UPDATE calls SET call_sid = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2 AND call_sid = id",
        &[Arg::Text(tenant_id), Arg::Text(call_id), Arg::Text(call_sid), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Settles a call we could not place, or placed only in simulation: `failed` (with why) or
/// `simulated`. Only a call still `queued` and unnamed changes.
pub async fn settle_unplaced(
    db: &D1Database,
    tenant_id: &str,
    call_id: &str,
    status: &str,
    error: Option<&str>,
    now_ms: u64,
) -> Result<()> {
    statement(
        db,
        "UPDATE calls SET status = ?3, status_rank = CASE WHEN ?3 = 'failed' THEN 3 ELSE status_rank END,          error = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2 AND call_sid = id AND status = 'queued'",
        &[Arg::Text(tenant_id), Arg::Text(call_id), Arg::Text(status), Arg::OptText(error), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Moves the call's status forward only (`core::voice::status::rank`); a duration, once
/// reported, is kept.
pub async fn apply_call_status(
    db: &D1Database,
    tenant_id: &str,
    call_sid: &str,
    (status, rank): (&str, u8),
    duration_seconds: Option<u64>,
    now_ms: u64,
) -> Result<()> {
    let duration = duration_seconds.map(|d| d.to_string());
    statement(
        db,
        "UPDATE calls SET status = CASE WHEN ?4 > status_rank THEN ?3 ELSE status END, \
         status_rank = MAX(status_rank, ?4), duration_seconds = COALESCE(CAST(?5 AS INTEGER), duration_seconds), \
         updated_at = ?6 WHERE tenant_id = ?1 AND call_sid = ?2",
        &[
            Arg::Text(tenant_id),
            Arg::Text(call_sid),
            Arg::Text(status),
            Arg::Int(rank.into()),
            Arg::OptText(duration.as_deref()),
            Arg::Int(now_ms),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Attaches a recording to the call; the same recording reported twice (the `<Record>` action
/// and its status callback) changes nothing the second time.
pub async fn attach_recording(
    db: &D1Database,
    tenant_id: &str,
    call_sid: &str,
    (sid, url, duration): (&str, &str, Option<u64>),
    now_ms: u64,
) -> Result<Option<Call>> {
    let duration = duration.map(|d| d.to_string());
    statement(
        db,
        "UPDATE calls SET recording_sid = ?3, recording_url = ?4, \
         recording_duration = COALESCE(CAST(?5 AS INTEGER), recording_duration), updated_at = ?6 \
         WHERE tenant_id = ?1 AND call_sid = ?2",
        &[
            Arg::Text(tenant_id),
            Arg::Text(call_sid),
            Arg::Text(sid),
            Arg::Text(url),
            Arg::OptText(duration.as_deref()),
            Arg::Int(now_ms),
        ],
    )?
    .run()
    .await?;
    call_by_sid(db, tenant_id, call_sid).await
}

/// Keeps the `HandoffData` the relay ended with.
pub async fn set_handoff(db: &D1Database, tenant_id: &str, call_sid: &str, handoff: &str, now_ms: u64) -> Result<()> {
    statement(
        db,
        "UPDATE calls SET handoff = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND call_sid = ?2",
        &[Arg::Text(tenant_id), Arg::Text(call_sid), Arg::Text(handoff), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}

pub async fn call_by_sid(db: &D1Database, tenant_id: &str, call_sid: &str) -> Result<Option<Call>> {
    call_where(db, tenant_id, "call_sid", call_sid).await
}

pub async fn call(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Call>> {
    super::by_id(db, ("calls", COLUMNS), tenant_id, id).await
}

/// A page of the tenant's calls, newest first, optionally of one contact.
pub async fn call_list(
    db: &D1Database,
    tenant_id: &str,
    contact_id: Option<&str>,
    page: &PageRequest,
) -> Result<Vec<Call>> {
    super::filtered_page(db, ("calls", COLUMNS), tenant_id, ("contact_id", contact_id), page).await
}

/// Whether `contact_id` is one of the tenant's contacts.
pub async fn contact_exists(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<bool> {
    let row: Option<serde_json::Value> = statement(
        db,
        "SELECT 1 AS found FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some())
}

/// What the greeting needs to know about a caller: their name, if we have it.
pub async fn contact_name(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        name: Option<String>,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT name FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| r.name))
}

/// The streets of the tenant's listings (lower-case, as stored), for speech recognition hints.
pub async fn listing_streets(db: &D1Database, tenant_id: &str) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        street: String,
    }
    let rows: Vec<Row> = statement(
        db,
        "SELECT DISTINCT street FROM listings WHERE tenant_id = ?1 AND street != '' ORDER BY street LIMIT 50",
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.street).collect())
}
