//! Knowledge base storage: knowledge bases, documents (an FAQ is a one-chunk document) and
//! chunks. The FTS5 index follows `kb_chunks` by trigger (migrations-d1/0007_knowledge.sql), so
//! nothing here writes `kb_fts` except the re-index. Many rows go in as one JSON array bound to
//! one statement (`json_each`), so an import of 1,000 FAQs is a handful of statements in one
//! batch (one transaction), not thousands.

use super::{statement, Arg};
use frontdesk_core::api::{Identified, PageRequest};
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{D1Database, D1PreparedStatement, Result};

/// Rows per `json_each` statement: keeps each bound array well under D1's per-value limit.
const ROWS_PER_STATEMENT: usize = 100;

/// A chunk about to be stored.
pub struct NewChunk {
    pub id: String,
    pub title: String,
    pub text: String,
    pub category: Option<String>,
    pub position: usize,
}

/// A document about to be stored (an FAQ: `format` "faq", one chunk).
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub source: &'a str,
    pub format: &'a str,
    pub content_hash: &'a str,
    pub chunk_count: usize,
    pub created_at: u64,
}

/// The document that holds a content hash after a store: ours, or the one there before.
#[derive(Debug, Deserialize)]
pub struct Held {
    pub id: String,
    pub chunk_count: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: String,
    pub kb: String,
    pub title: String,
    pub source: String,
    pub format: String,
    pub content_hash: String,
    pub chunk_count: u64,
    pub created_at: u64,
}

impl Identified for DocumentRow {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ChunkRow {
    pub id: String,
    pub title: String,
    pub text: String,
    pub category: Option<String>,
    pub position: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct KbSummary {
    pub name: String,
    pub documents: u64,
    pub chunks: u64,
    pub created_at: u64,
}

/// The knowledge base `name` of the tenant, created with `new_id` if missing; its id.
pub async fn ensure_kb(db: &D1Database, tenant_id: &str, name: &str, new_id: &str, now: u64) -> Result<String> {
    let results = db
        .batch(vec![
            statement(
                db,
                "INSERT INTO kb_bases (id, tenant_id, name, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (tenant_id, name) DO NOTHING",
                &[Arg::Text(new_id), Arg::Text(tenant_id), Arg::Text(name), Arg::Int(now)],
            )?,
            statement(
                db,
                "SELECT id FROM kb_bases WHERE tenant_id = ?1 AND name = ?2",
                &[Arg::Text(tenant_id), Arg::Text(name)],
            )?,
        ])
        .await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let row = results.last().map(|r| r.results::<Id>()).transpose()?.and_then(|rows| rows.into_iter().next());
    row.map(|r| r.id).ok_or_else(|| worker::Error::RustError(format!("knowledge base {name} not read back")))
}

/// The id of the tenant's knowledge base `name`.
pub async fn kb_id(db: &D1Database, tenant_id: &str, name: &str) -> Result<Option<String>> {
    statement(
        db,
        "SELECT id FROM kb_bases WHERE tenant_id = ?1 AND name = ?2",
        &[Arg::Text(tenant_id), Arg::Text(name)],
    )?
    .first::<String>(Some("id"))
    .await
}

/// An FAQ about to be stored as a document with one chunk.
pub struct NewFaq {
    pub document_id: String,
    pub chunk_id: String,
    pub content_hash: String,
    pub question: String,
    pub answer: String,
    pub category: Option<String>,
}

/// Stores FAQs in one batch; an FAQ whose hash the knowledge base holds already stores nothing.
/// Returns the chunk ids stored (the new FAQs).
pub async fn store_faqs(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    faqs: &[NewFaq],
    now: u64,
) -> Result<Vec<String>> {
    let mut batch = Vec::new();
    for group in faqs.chunks(ROWS_PER_STATEMENT) {
        let documents: Vec<_> =
            group.iter().map(|f| json!({"id": f.document_id, "title": f.question, "hash": f.content_hash})).collect();
        let documents = serde_json::to_string(&documents)?;
        batch.push(statement(
            db,
            "INSERT INTO kb_documents (id, tenant_id, kb_id, title, source, format, content_hash, chunk_count, created_at) \
             SELECT json_extract(value, '$.id'), ?1, ?2, json_extract(value, '$.title'), 'faq', 'faq', \
             json_extract(value, '$.hash'), 1, ?3 FROM json_each(?4) WHERE true ON CONFLICT DO NOTHING",
            &[Arg::Text(tenant_id), Arg::Text(kb_id), Arg::Int(now), Arg::Text(&documents)],
        )?);
        let chunks: Vec<NewChunk> = group
            .iter()
            .map(|f| NewChunk {
                id: f.chunk_id.clone(),
                title: f.question.clone(),
                text: f.answer.clone(),
                category: f.category.clone(),
                position: 0,
            })
            .collect();
        let document_of: Vec<&str> = group.iter().map(|f| f.document_id.as_str()).collect();
        batch.push(insert_chunks(db, tenant_id, kb_id, &document_of, &chunks, true)?);
    }
    let ids = serde_json::to_string(&faqs.iter().map(|f| &f.chunk_id).collect::<Vec<_>>())?;
    batch.push(statement(
        db,
        "SELECT id FROM kb_chunks WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2)) ORDER BY seq",
        &[Arg::Text(tenant_id), Arg::Text(&ids)],
    )?);
    let results = db.batch(batch).await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let stored = results.last().map(|r| r.results::<Id>()).transpose()?.unwrap_or_default();
    Ok(stored.into_iter().map(|r| r.id).collect())
}

/// One statement inserting `chunks` (chunk i belongs to document `document_of[i]`, or all to
/// `document_of[0]` when it holds one id). With `only_if_document`, a chunk is inserted only
/// when its document row exists — the document insert just before it in the same batch may
/// have been a duplicate that stored nothing.
fn insert_chunks(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    document_of: &[&str],
    chunks: &[NewChunk],
    only_if_document: bool,
) -> Result<D1PreparedStatement> {
    let rows: Vec<_> = chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let document = document_of.get(i).or(document_of.first()).copied().unwrap_or_default();
            json!({"id": c.id, "doc": document, "title": c.title, "text": c.text, "category": c.category, "position": c.position})
        })
        .collect();
    let rows = serde_json::to_string(&rows)?;
    let guard = if only_if_document {
        "AND EXISTS (SELECT 1 FROM kb_documents d WHERE d.tenant_id = ?1 AND d.id = json_extract(value, '$.doc'))"
    } else {
        ""
    };
    statement(
        db,
        &format!(
            "INSERT INTO kb_chunks (id, tenant_id, kb_id, document_id, title, text, category, position) \
             SELECT json_extract(value, '$.id'), ?1, ?2, json_extract(value, '$.doc'), json_extract(value, '$.title'), \
             json_extract(value, '$.text'), json_extract(value, '$.category'), json_extract(value, '$.position') \
             FROM json_each(?3) WHERE true {guard} ON CONFLICT DO NOTHING"
        ),
        &[Arg::Text(tenant_id), Arg::Text(kb_id), Arg::Text(&rows)],
    )
}

fn insert_document(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    doc: &NewDocument<'_>,
) -> Result<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO kb_documents (id, tenant_id, kb_id, title, source, format, content_hash, chunk_count, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
        &[
            Arg::Text(doc.id),
            Arg::Text(tenant_id),
            Arg::Text(kb_id),
            Arg::Text(doc.title),
            Arg::Text(doc.source),
            Arg::Text(doc.format),
            Arg::Text(doc.content_hash),
            Arg::Int(doc.chunk_count as u64),
            Arg::Int(doc.created_at),
        ],
    )
}

fn held_statement(db: &D1Database, tenant_id: &str, kb_id: &str, hash: &str) -> Result<D1PreparedStatement> {
    statement(
        db,
        "SELECT id, chunk_count FROM kb_documents WHERE tenant_id = ?1 AND kb_id = ?2 AND content_hash = ?3",
        &[Arg::Text(tenant_id), Arg::Text(kb_id), Arg::Text(hash)],
    )
}

async fn read_held(results: Vec<worker::D1Result>) -> Result<Held> {
    let held = results.last().map(|r| r.results::<Held>()).transpose()?.and_then(|rows| rows.into_iter().next());
    held.ok_or_else(|| worker::Error::RustError("stored document not read back".into()))
}

/// The document holding `hash` in the knowledge base, if any.
pub async fn document_with_hash(db: &D1Database, tenant_id: &str, kb_id: &str, hash: &str) -> Result<Option<Held>> {
    held_statement(db, tenant_id, kb_id, hash)?.first::<Held>(None).await
}

/// Stores a document and all its chunks in one batch (nothing if its hash is held already);
/// returns the holder.
pub async fn store_document(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    doc: &NewDocument<'_>,
    chunks: &[NewChunk],
) -> Result<Held> {
    let mut batch = vec![insert_document(db, tenant_id, kb_id, doc)?];
    for group in chunks.chunks(ROWS_PER_STATEMENT) {
        batch.push(insert_chunks(db, tenant_id, kb_id, &[doc.id], group, true)?);
    }
    batch.push(held_statement(db, tenant_id, kb_id, doc.content_hash)?);
    read_held(db.batch(batch).await?).await
}

/// A queued ingestion's chunks, stored ahead of their document: invisible to search (which
/// joins the document) until [`link_document`] stores it.
pub async fn store_unlinked_chunks(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    document_id: &str,
    chunks: &[NewChunk],
) -> Result<()> {
    insert_chunks(db, tenant_id, kb_id, &[document_id], chunks, false)?.run().await?;
    Ok(())
}

/// Chunks left by an earlier attempt of a queued ingestion whose document was never stored.
pub async fn drop_unlinked_chunks(db: &D1Database, tenant_id: &str, document_id: &str) -> Result<()> {
    statement(
        db,
        "DELETE FROM kb_chunks WHERE tenant_id = ?1 AND document_id = ?2 \
         AND NOT EXISTS (SELECT 1 FROM kb_documents WHERE tenant_id = ?1 AND id = ?2)",
        &[Arg::Text(tenant_id), Arg::Text(document_id)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Stores the document of chunks stored unlinked, making them searchable at once; if another
/// document holds the hash by now, drops ours. Returns the holder.
pub async fn link_document(db: &D1Database, tenant_id: &str, kb_id: &str, doc: &NewDocument<'_>) -> Result<Held> {
    let batch = vec![
        insert_document(db, tenant_id, kb_id, doc)?,
        statement(
            db,
            "DELETE FROM kb_chunks WHERE tenant_id = ?1 AND document_id = ?2 \
             AND NOT EXISTS (SELECT 1 FROM kb_documents WHERE tenant_id = ?1 AND id = ?2)",
            &[Arg::Text(tenant_id), Arg::Text(doc.id)],
        )?,
        held_statement(db, tenant_id, kb_id, doc.content_hash)?,
    ];
    read_held(db.batch(batch).await?).await
}

pub async fn kb_list(db: &D1Database, tenant_id: &str) -> Result<Vec<KbSummary>> {
    statement(
        db,
        "SELECT b.name, b.created_at, COUNT(d.id) AS documents, COALESCE(SUM(d.chunk_count), 0) AS chunks \
         FROM kb_bases b LEFT JOIN kb_documents d ON d.tenant_id = b.tenant_id AND d.kb_id = b.id \
         WHERE b.tenant_id = ?1 GROUP BY b.id ORDER BY b.name",
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()
}

const DOCUMENT_COLUMNS: &str =
    "d.id, b.name AS kb, d.title, d.source, d.format, d.content_hash, d.chunk_count, d.created_at";

pub async fn document_list(
    db: &D1Database,
    tenant_id: &str,
    kb_id: &str,
    page: &PageRequest,
) -> Result<Vec<DocumentRow>> {
    statement(
        db,
        &format!(
            "SELECT {DOCUMENT_COLUMNS} FROM kb_documents d JOIN kb_bases b ON b.id = d.kb_id \
             WHERE d.tenant_id = ?1 AND d.kb_id = ?2 AND (?3 IS NULL OR d.id < ?3) ORDER BY d.id DESC LIMIT ?4"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::Text(kb_id),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
        ],
    )?
    .all()
    .await?
    .results()
}

pub async fn document(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<DocumentRow>> {
    statement(
        db,
        &format!(
            "SELECT {DOCUMENT_COLUMNS} FROM kb_documents d JOIN kb_bases b ON b.id = d.kb_id \
             WHERE d.tenant_id = ?1 AND d.id = ?2"
        ),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

pub async fn document_chunks(db: &D1Database, tenant_id: &str, document_id: &str) -> Result<Vec<ChunkRow>> {
    statement(
        db,
        "SELECT id, title, text, category, position FROM kb_chunks WHERE tenant_id = ?1 AND document_id = ?2 \
         ORDER BY position",
        &[Arg::Text(tenant_id), Arg::Text(document_id)],
    )?
    .all()
    .await?
    .results()
}

/// Every chunk of a knowledge base (for re-embedding it).
pub async fn kb_chunks(db: &D1Database, tenant_id: &str, kb_id: &str) -> Result<Vec<ChunkRow>> {
    statement(
        db,
        "SELECT id, title, text, category, position FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2 \
         ORDER BY document_id, position",
        &[Arg::Text(tenant_id), Arg::Text(kb_id)],
    )?
    .all()
    .await?
    .results()
}

/// The first chunk of the document holding `hash` (an FAQ's one chunk).
pub async fn faq_chunk_id(db: &D1Database, tenant_id: &str, kb_id: &str, hash: &str) -> Result<Option<String>> {
    statement(
        db,
        "SELECT c.id FROM kb_documents d JOIN kb_chunks c ON c.tenant_id = d.tenant_id AND c.document_id = d.id \
         WHERE d.tenant_id = ?1 AND d.kb_id = ?2 AND d.content_hash = ?3 ORDER BY c.position LIMIT 1",
        &[Arg::Text(tenant_id), Arg::Text(kb_id), Arg::Text(hash)],
    )?
    .first::<String>(Some("id"))
    .await
}

/// What a delete removed: documents, and the chunk ids (for the vector index).
pub struct Removed {
    pub documents: u64,
    pub chunk_ids: Vec<String>,
}

/// Deletes one document and its chunks (their index rows go by trigger).
pub async fn delete_document(db: &D1Database, tenant_id: &str, id: &str) -> Result<Removed> {
    let scope = [Arg::Text(tenant_id), Arg::Text(id)];
    remove(
        db,
        statement(db, "SELECT id FROM kb_chunks WHERE tenant_id = ?1 AND document_id = ?2", &scope)?,
        vec![
            statement(db, "DELETE FROM kb_chunks WHERE tenant_id = ?1 AND document_id = ?2", &scope)?,
            statement(db, "DELETE FROM kb_documents WHERE tenant_id = ?1 AND id = ?2", &scope)?,
        ],
    )
    .await
}

/// Empties a knowledge base (documents, chunks, index rows, jobs); with `drop_kb` removes it too.
pub async fn delete_kb_contents(db: &D1Database, tenant_id: &str, kb_id: &str, drop_kb: bool) -> Result<Removed> {
    let scope = [Arg::Text(tenant_id), Arg::Text(kb_id)];
    let mut deletes = vec![
        statement(db, "DELETE FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2", &scope)?,
        statement(db, "DELETE FROM kb_documents WHERE tenant_id = ?1 AND kb_id = ?2", &scope)?,
    ];
    if drop_kb {
        deletes.push(statement(db, "DELETE FROM kb_jobs WHERE tenant_id = ?1 AND kb_id = ?2", &scope)?);
        deletes.push(statement(db, "DELETE FROM kb_bases WHERE tenant_id = ?1 AND id = ?2", &scope)?);
    }
    remove(db, statement(db, "SELECT id FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2", &scope)?, deletes).await
}

/// Runs `deletes` in one batch after `select_chunks`, with the documents' count read first.
async fn remove(
    db: &D1Database,
    select_chunks: D1PreparedStatement,
    deletes: Vec<D1PreparedStatement>,
) -> Result<Removed> {
    let mut batch = vec![select_chunks];
    batch.extend(deletes);
    let results = db.batch(batch).await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let chunk_ids: Vec<String> = results[0].results::<Id>()?.into_iter().map(|r| r.id).collect();
    // The documents DELETE is the second statement; D1 reports the rows it changed.
    let documents = results.get(2).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) as u64;
    Ok(Removed { documents, chunk_ids })
}

/// Rebuilds the knowledge base's index rows from its chunks; returns how many were indexed.
pub async fn reindex(db: &D1Database, tenant_id: &str, kb_id: &str) -> Result<u64> {
    let scope = [Arg::Text(tenant_id), Arg::Text(kb_id)];
    let results = db
        .batch(vec![
            statement(
                db,
                "DELETE FROM kb_fts WHERE rowid IN (SELECT seq FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2)",
                &scope,
            )?,
            statement(
                db,
                "INSERT INTO kb_fts (rowid, title, text, scope) SELECT seq, title, text, hex(tenant_id) \
                 FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2",
                &scope,
            )?,
            // Counted, not read from the insert's `changes`: FTS5 counts its shadow-table writes too.
            statement(db, "SELECT COUNT(*) AS n FROM kb_chunks WHERE tenant_id = ?1 AND kb_id = ?2", &scope)?,
        ])
        .await?;
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let count = results.last().map(|r| r.results::<Count>()).transpose()?.and_then(|rows| rows.into_iter().next());
    Ok(count.map_or(0, |c| c.n))
}
