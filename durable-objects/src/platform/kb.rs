//! Knowledge search over D1 (and the vector leg, when bound): shared by the tenant API's
//! `GET /api/v1/kb/search` and the `ConversationDO`'s grounding. The query itself is built in
//! core (`kb::query::match_expression`); this runs it.

use super::d1::{statement, Arg};
use super::vectors;
use frontdesk_core::kb::query::match_expression;
use frontdesk_core::kb::vector::hybrid;
use frontdesk_core::kb::Passage;
use serde::Deserialize;
use worker::{D1Database, Env, Result};

/// BM25 column weights (title, text): an FAQ's question, or a document's heading path, says
/// what a chunk is about more reliably than its body. Tuned on bench/data/faq_paraphrases.json.
pub const TITLE_WEIGHT: f64 = 4.0;
pub const TEXT_WEIGHT: f64 = 1.0;
/// The most passages one search returns.
pub const MAX_LIMIT: usize = 50;

pub struct SearchQuery<'a> {
    pub text: &'a str,
    /// A knowledge base's name; `None` searches all of the tenant's.
    pub kb: Option<&'a str>,
    pub category: Option<&'a str>,
    pub limit: usize,
}

/// Columns of a passage; `score` is filled by the caller's ranking.
const PASSAGE_COLUMNS: &str = "c.id, b.name AS kb, c.title, c.text, c.category, d.source";

/// The tenant's best passages for `q.text`, best first. Lexical always; fused with the vector
/// leg by reciprocal rank when that is bound. Empty when the text has nothing searchable.
pub async fn search(env: &Env, db: &D1Database, tenant_id: &str, q: &SearchQuery<'_>) -> Result<Vec<Passage>> {
    let limit = q.limit.clamp(1, MAX_LIMIT);
    let lexical = match match_expression(q.text) {
        Some(expression) => lexical(db, tenant_id, &expression, q, limit).await?,
        None => Vec::new(),
    };
    // The vector leg, when bound: fused by reciprocal rank. Chunks only it found are loaded by
    // id within the tenant, so an id the index still holds for a deleted chunk finds no row and
    // is skipped before the limit is applied.
    let Some(nearest) = vectors::query(env, tenant_id, q.text, q.kb, q.category, limit).await? else {
        return Ok(lexical);
    };
    let lexical_ids: Vec<String> = lexical.iter().map(|p| p.id.clone()).collect();
    let fused = hybrid(&lexical_ids, &nearest, lexical_ids.len() + nearest.len());
    let missing: Vec<&str> =
        fused.iter().map(|(id, _)| id.as_str()).filter(|id| !lexical.iter().any(|p| p.id == *id)).collect();
    let mut pool = lexical;
    pool.extend(by_ids(db, tenant_id, &missing).await?);
    Ok(fused
        .into_iter()
        .filter_map(|(id, score)| pool.iter().find(|p| p.id == id).map(|p| Passage { score, ..p.clone() }))
        .take(limit)
        .collect())
}

#[derive(Deserialize)]
struct Row {
    id: String,
    kb: String,
    title: String,
    text: String,
    category: Option<String>,
    source: String,
    #[serde(default)]
    score: f64,
}

impl From<Row> for Passage {
    fn from(r: Row) -> Self {
        Passage {
            id: r.id,
            kb: r.kb,
            title: r.title,
            text: r.text,
            score: r.score,
            source: r.source,
            category: r.category,
        }
    }
}

async fn lexical(
    db: &D1Database,
    tenant_id: &str,
    expression: &str,
    q: &SearchQuery<'_>,
    limit: usize,
) -> Result<Vec<Passage>> {
    // bm25() is lower-is-better and negative; its negation is the positive, higher-is-better
    // score the API promises (the `scope` column, the tenant's token, weighs nothing). The
    // expression is confined to the tenant inside FTS5 (`scoped`); the join filters the tenant
    // again, so isolation never rests on the index alone, and keeps only chunks whose document
    // is stored (a queued ingestion's chunks stay invisible until its document row lands).
    let sql = format!(
        "SELECT {PASSAGE_COLUMNS}, -bm25(kb_fts, {TITLE_WEIGHT:.1}, {TEXT_WEIGHT:.1}, 0.0) AS score \
         FROM kb_fts JOIN kb_chunks c ON c.seq = kb_fts.rowid \
         JOIN kb_documents d ON d.id = c.document_id AND d.tenant_id = c.tenant_id \
         JOIN kb_bases b ON b.id = c.kb_id AND b.tenant_id = c.tenant_id \
         WHERE kb_fts MATCH ?1 AND c.tenant_id = ?2 AND (?3 IS NULL OR b.name = ?3) \
         AND (?4 IS NULL OR c.category = ?4 COLLATE NOCASE) \
         ORDER BY score DESC LIMIT ?5"
    );
    let expression = frontdesk_core::kb::query::scoped(expression, tenant_id);
    let args = [
        Arg::Text(&expression),
        Arg::Text(tenant_id),
        Arg::OptText(q.kb),
        Arg::OptText(q.category),
        Arg::Int(limit as u64),
    ];
    let rows: Vec<Row> = statement(db, &sql, &args)?.all().await?.results()?;
    Ok(rows.into_iter().map(Passage::from).collect())
}

/// The tenant's chunks among `ids` (any order; ids of other tenants are simply absent).
pub async fn by_ids(db: &D1Database, tenant_id: &str, ids: &[&str]) -> Result<Vec<Passage>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids)?;
    let sql = format!(
        "SELECT {PASSAGE_COLUMNS} FROM kb_chunks c \
         JOIN kb_documents d ON d.id = c.document_id AND d.tenant_id = c.tenant_id \
         JOIN kb_bases b ON b.id = c.kb_id AND b.tenant_id = c.tenant_id \
         WHERE c.tenant_id = ?1 AND c.id IN (SELECT value FROM json_each(?2))"
    );
    let rows: Vec<Row> = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(&ids)])?.all().await?.results()?;
    Ok(rows.into_iter().map(Passage::from).collect())
}
