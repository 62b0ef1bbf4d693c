//! `kb_jobs`: queued knowledge base ingestions — their input, progress and outcome.

use super::{statement, Arg};
use serde::{Deserialize, Serialize};
use worker::{D1Database, Result};

#[derive(Debug, Serialize, Deserialize)]
pub struct KbJob {
    pub id: String,
    pub kb: String,
    #[serde(skip_serializing)]
    pub kb_id: String,
    /// JSON: `{"title", "content", "format"}` or `{"url"}`; not shown (it may be a megabyte).
    #[serde(skip_serializing)]
    pub input: String,
    pub status: String,
    pub document_id: Option<String>,
    pub chunk_count: Option<u64>,
    #[serde(deserialize_with = "super::flag")]
    pub duplicate: Option<bool>,
    pub error: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

pub struct NewJob<'a> {
    pub id: &'a str,
    pub kb_id: &'a str,
    pub input: &'a str,
    /// The id the document will have: chosen now, so a retried job reuses it and can clear
    /// what an earlier attempt stored.
    pub document_id: &'a str,
    pub now: u64,
}

pub async fn insert_job(db: &D1Database, tenant_id: &str, job: &NewJob<'_>) -> Result<()> {
    statement(
        db,
        "INSERT INTO kb_jobs (id, tenant_id, kb_id, input, status, document_id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?6)",
        &[
            Arg::Text(job.id),
            Arg::Text(tenant_id),
            Arg::Text(job.kb_id),
            Arg::Text(job.input),
            Arg::Text(job.document_id),
            Arg::Int(job.now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

pub async fn job(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<KbJob>> {
    statement(
        db,
        "SELECT j.id, b.name AS kb, j.kb_id, j.input, j.status, j.document_id, j.chunk_count, j.duplicate, j.error, \
         j.created_at, j.updated_at FROM kb_jobs j JOIN kb_bases b ON b.id = j.kb_id \
         WHERE j.tenant_id = ?1 AND j.id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// The job's new state; `document_id`, `chunk_count` and `duplicate` only once known.
pub struct JobUpdate<'a> {
    pub status: &'a str,
    pub document_id: Option<&'a str>,
    pub chunk_count: Option<u64>,
    pub duplicate: Option<bool>,
    pub error: Option<&'a str>,
    pub now: u64,
}

pub async fn update_job(db: &D1Database, tenant_id: &str, id: &str, update: &JobUpdate<'_>) -> Result<()> {
    statement(
        db,
        "UPDATE kb_jobs SET status = ?3, document_id = COALESCE(?4, document_id), \
         chunk_count = COALESCE(?5, chunk_count), duplicate = COALESCE(?6, duplicate), error = ?7, updated_at = ?8 \
         WHERE tenant_id = ?1 AND id = ?2",
        &[
            Arg::Text(tenant_id),
            Arg::Text(id),
            Arg::Text(update.status),
            Arg::OptText(update.document_id),
            update.chunk_count.map_or(Arg::OptText(None), Arg::Int),
            update.duplicate.map_or(Arg::OptText(None), |d| Arg::Int(u64::from(d))),
            Arg::OptText(update.error),
            Arg::Int(update.now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}
