//! Filling knowledge bases: FAQ imports and small documents inside the request (searchable when
//! it returns), large documents and URLs as `kb_ingest` queue jobs with progress on the
//! tenant's live events (`kb.job`). Deciding — parsing, chunking, hashing, URL checks — is
//! core's (`kb::ingest`, `kb::chunk`, `kb::text`, `kb::target`); this stores and fetches.

use super::d1::kb::{self, NewChunk, NewDocument, NewFaq};
use super::d1::kb_jobs::{self, JobUpdate, NewJob};
use super::events::publish_all;
use crate::error::{AppError, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::events::{EventKind, NewEvent};
use frontdesk_core::ids;
use frontdesk_core::jobs::Job;
use frontdesk_core::kb::chunk::{chunk_document, Chunk};
use frontdesk_core::kb::ingest::{content_hash, faq_hash, DocumentInput, FaqImport, MAX_DOCUMENT_BYTES};
use frontdesk_core::kb::target::{self, Target};
use frontdesk_core::kb::text::{html_title, sections, Format};
use frontdesk_core::kb::vector::embedding_text;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::secrets::Environment;
use frontdesk_durable::platform::enqueue;
use frontdesk_durable::platform::env::environment;
use frontdesk_durable::platform::http::within;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use frontdesk_durable::platform::vectors::{self, VectorChunk};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{D1Database, Env, Fetch, Method, Request, RequestInit, RequestRedirect, Url};

/// A document of more chunks than this is ingested by a queue job rather than in the request.
pub const INLINE_MAX_CHUNKS: usize = 50;
/// Chunks stored per step of a queued ingestion (one progress event each).
const JOB_STEP_CHUNKS: usize = 50;
const FETCH_TIMEOUT_MS: u64 = 15_000;
const MAX_REDIRECTS: usize = 5;

fn new_id(prefix: &str) -> String {
    ids::make(prefix, WorkerClock.now_ms(), WorkerRandom.next_u64())
}

pub struct FaqOutcome {
    pub imported: usize,
    pub duplicates: usize,
}

/// Stores an import's FAQs (one chunk each) in one batch; repeats (of stored FAQs or within
/// the import) are counted as duplicates.
pub async fn import_faqs(env: &Env, db: &D1Database, tenant_id: &str, import: &FaqImport) -> AppResult<FaqOutcome> {
    let now = WorkerClock.now_ms();
    let kb_id = kb::ensure_kb(db, tenant_id, &import.kb, &new_id(ids::KNOWLEDGE_BASE), now).await?;
    let faqs: Vec<NewFaq> = import
        .faqs
        .iter()
        .map(|f| NewFaq {
            document_id: new_id(ids::KB_DOCUMENT),
            chunk_id: new_id(ids::KB_CHUNK),
            content_hash: faq_hash(&f.question, &f.answer),
            question: f.question.clone(),
            answer: f.answer.clone(),
            category: f.category.clone(),
        })
        .collect();
    let stored = kb::store_faqs(db, tenant_id, &kb_id, &faqs, now).await?;
    let texts: Vec<(&NewFaq, String)> = faqs
        .iter()
        .filter(|f| stored.contains(&f.chunk_id))
        .map(|f| (f, embedding_text(&f.question, &f.answer)))
        .collect();
    let new: Vec<VectorChunk<'_>> = texts
        .iter()
        .map(|(f, text)| VectorChunk {
            id: &f.chunk_id,
            tenant_id,
            kb: &import.kb,
            category: f.category.as_deref(),
            text,
        })
        .collect();
    vectors::upsert_chunks(env, &new).await?;
    Ok(FaqOutcome { imported: stored.len(), duplicates: faqs.len() - stored.len() })
}

/// What `POST /api/v1/kb/documents` did.
pub enum DocumentOutcome {
    Stored { id: String, chunks: u64, duplicate: bool },
    Queued { job: String },
}

/// Ingests a document now if it is small, else queues it; a URL is always queued (after its
/// target is checked, so a refused URL stores nothing).
pub async fn ingest_document(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    input: DocumentInput,
) -> AppResult<DocumentOutcome> {
    let now = WorkerClock.now_ms();
    match &input {
        DocumentInput::Url { url, .. } => {
            checked_url(env, url)?;
        }
        DocumentInput::Inline { title, content, format, kb: name } => {
            let chunks = chunk_document(title, &sections(*format, content));
            if chunks.is_empty() {
                return Err(ApiError::bad_request("`content` has no text once its markup is removed").into());
            }
            if chunks.len() <= INLINE_MAX_CHUNKS {
                let kb_id = kb::ensure_kb(db, tenant_id, name, &new_id(ids::KNOWLEDGE_BASE), now).await?;
                let document =
                    Ingested { title, source: "document", format: *format, hash: content_hash(content), chunks };
                let (id, chunks, duplicate) = store_now(env, db, tenant_id, name, &kb_id, &document).await?;
                return Ok(DocumentOutcome::Stored { id, chunks, duplicate });
            }
        }
    }
    let name = match &input {
        DocumentInput::Url { kb, .. } | DocumentInput::Inline { kb, .. } => kb.clone(),
    };
    let name = name.as_str();
    let kb_id = kb::ensure_kb(db, tenant_id, name, &new_id(ids::KNOWLEDGE_BASE), now).await?;
    let job_id = new_id(ids::KB_JOB);
    let document_id = new_id(ids::KB_DOCUMENT);
    let input = serde_json::to_string(&JobInput::from(input))?;
    kb_jobs::insert_job(
        db,
        tenant_id,
        &NewJob { id: &job_id, kb_id: &kb_id, input: &input, document_id: &document_id, now },
    )
    .await?;
    let job = Job::KbIngest { tenant_id: tenant_id.to_owned(), job_id: job_id.clone() };
    if let Err(e) = enqueue(env, &job).await {
        let update = JobUpdate {
            status: "failed",
            document_id: None,
            chunk_count: None,
            duplicate: None,
            error: Some("could not be queued"),
            now,
        };
        kb_jobs::update_job(db, tenant_id, &job_id, &update).await?;
        return Err(AppError::Internal(format!("kb job {job_id} not queued: {e}")));
    }
    publish_all(env, vec![job_event(tenant_id, &job_id, name, json!({"status": "queued"}))]).await;
    Ok(DocumentOutcome::Queued { job: job_id })
}

/// A document ready to store.
struct Ingested<'a> {
    title: &'a str,
    source: &'a str,
    format: Format,
    hash: String,
    chunks: Vec<Chunk>,
}

fn new_chunks(chunks: &[Chunk]) -> Vec<NewChunk> {
    chunks
        .iter()
        .map(|c| NewChunk {
            id: new_id(ids::KB_CHUNK),
            title: c.title.clone(),
            text: c.text.clone(),
            category: None,
            position: c.position,
        })
        .collect()
}

/// Stores a document in one batch; (holder id, its chunk count, whether it was there before).
async fn store_now(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    kb_name: &str,
    kb_id: &str,
    doc: &Ingested<'_>,
) -> AppResult<(String, u64, bool)> {
    let id = new_id(ids::KB_DOCUMENT);
    let chunks = new_chunks(&doc.chunks);
    let row = document_row(&id, doc, chunks.len());
    let held = kb::store_document(db, tenant_id, kb_id, &row, &chunks).await?;
    let duplicate = held.id != id;
    if !duplicate {
        index_vectors(env, tenant_id, kb_name, &chunks).await?;
    }
    Ok((held.id, held.chunk_count, duplicate))
}

fn document_row<'a>(id: &'a str, doc: &'a Ingested<'_>, chunk_count: usize) -> NewDocument<'a> {
    NewDocument {
        id,
        title: doc.title,
        source: doc.source,
        format: doc.format.as_str(),
        content_hash: &doc.hash,
        chunk_count,
        created_at: WorkerClock.now_ms(),
    }
}

/// Embeds every stored chunk of a knowledge base into the vector index again (a re-index: the
/// repair for a failed upsert, and how chunks stored without vectors — the seed, an index
/// bound later — get them); nothing when the vector leg is unbound.
pub async fn reindex_vectors(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    kb_name: &str,
    kb_id: &str,
) -> worker::Result<()> {
    if !vectors::bound(env) {
        return Ok(());
    }
    let rows = kb::kb_chunks(db, tenant_id, kb_id).await?;
    let texts: Vec<String> = rows.iter().map(|c| embedding_text(&c.title, &c.text)).collect();
    let chunks: Vec<VectorChunk<'_>> = rows
        .iter()
        .zip(&texts)
        .map(|(c, text)| VectorChunk { id: &c.id, tenant_id, kb: kb_name, category: c.category.as_deref(), text })
        .collect();
    vectors::upsert_chunks(env, &chunks).await
}

async fn index_vectors(env: &Env, tenant_id: &str, kb_name: &str, chunks: &[NewChunk]) -> worker::Result<()> {
    let texts: Vec<String> = chunks.iter().map(|c| embedding_text(&c.title, &c.text)).collect();
    let chunks: Vec<VectorChunk<'_>> = chunks
        .iter()
        .zip(&texts)
        .map(|(c, text)| VectorChunk { id: &c.id, tenant_id, kb: kb_name, category: c.category.as_deref(), text })
        .collect();
    vectors::upsert_chunks(env, &chunks).await
}

/// A URL the Worker may fetch: parsed as WHATWG does, then checked by core's rules (loopback
/// allowed only in the test environment, whose fake sites listen there).
pub fn checked_url(env: &Env, raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw).map_err(|e| ApiError::bad_request(format!("`url` is not a URL: {e}")))?;
    let target = Target {
        scheme: url.scheme(),
        has_credentials: !url.username().is_empty() || url.password().is_some(),
        host: url.host_str().unwrap_or(""),
    };
    target::check(&target, environment(env) == Environment::Test).map_err(ApiError::bad_request)?;
    Ok(url)
}

/// A job's input, as kept in `kb_jobs.input`: a document (`title`, `content`, `format`) or a
/// `url`. One struct of options rather than an untagged enum, whose serde support would add
/// its buffering machinery to the wasm for two shapes.
#[derive(Serialize, Deserialize)]
struct JobInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format: Option<Format>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl From<DocumentInput> for JobInput {
    fn from(input: DocumentInput) -> Self {
        match input {
            DocumentInput::Inline { title, content, format, .. } => {
                JobInput { title: Some(title), content: Some(content), format: Some(format), url: None }
            }
            DocumentInput::Url { url, .. } => JobInput { title: None, content: None, format: None, url: Some(url) },
        }
    }
}

fn job_event(tenant_id: &str, job_id: &str, kb: &str, mut data: serde_json::Value) -> NewEvent {
    data["job"] = json!(job_id);
    data["kb"] = json!(kb);
    NewEvent { kind: EventKind::KbJob, tenant_id: tenant_id.to_owned(), at: WorkerClock.now_ms(), data }
}

/// The `kb_ingest` job: fetch (for a URL), chunk, store in steps with progress, then store the
/// document row that makes the chunks searchable. Finished jobs are skipped, so a redelivery
/// is harmless; a failed step is retried by the queue and clears what the failed try stored.
pub async fn run_job(env: &Env, tenant_id: &str, job_id: &str) -> worker::Result<()> {
    let db = super::d1::database(env)?;
    let Some(job) = kb_jobs::job(&db, tenant_id, job_id).await? else {
        return Ok(()); // Its knowledge base was deleted meanwhile.
    };
    if matches!(job.status.as_str(), "done" | "failed") {
        return Ok(());
    }
    let publish = |data: serde_json::Value| publish_all(env, vec![job_event(tenant_id, job_id, &job.kb, data)]);
    fn update<'a>(status: &'a str, error: Option<&'a str>) -> JobUpdate<'a> {
        JobUpdate { status, document_id: None, chunk_count: None, duplicate: None, error, now: WorkerClock.now_ms() }
    }
    kb_jobs::update_job(&db, tenant_id, job_id, &update("running", None)).await?;
    publish(json!({"status": "running", "stage": "started"})).await;
    let input: JobInput = serde_json::from_str(&job.input)?;
    let fetched = match input {
        JobInput { url: Some(url), .. } => {
            fetch_page(env, &url).await.map(|(title, content, format)| (title, url, content, format))
        }
        JobInput { title, content, format, url: None } => Ok((
            title.unwrap_or_default(),
            "document".to_owned(),
            content.unwrap_or_default(),
            format.unwrap_or(Format::Text),
        )),
    };
    let (title, source, content, format) = match fetched {
        Ok(page) => page,
        Err(error) => {
            kb_jobs::update_job(&db, tenant_id, job_id, &update("failed", Some(&error))).await?;
            publish(json!({"status": "failed", "error": error})).await;
            return Ok(());
        }
    };
    let chunks = chunk_document(&title, &sections(format, &content));
    let document_id = job.document_id.clone().unwrap_or_else(|| new_id(ids::KB_DOCUMENT));
    let doc = Ingested { title: &title, source: &source, format, hash: content_hash(&content), chunks };
    let total = doc.chunks.len();
    publish(json!({"status": "running", "stage": "chunked", "done": 0, "total": total})).await;
    let held = match kb::document_with_hash(&db, tenant_id, &job.kb_id, &doc.hash).await? {
        Some(held) => held,
        None if total == 0 => {
            let error = "the page has no text once its markup is removed";
            kb_jobs::update_job(&db, tenant_id, job_id, &update("failed", Some(error))).await?;
            publish(json!({"status": "failed", "error": error})).await;
            return Ok(());
        }
        None => {
            kb::drop_unlinked_chunks(&db, tenant_id, &document_id).await?;
            let chunks = new_chunks(&doc.chunks);
            for (step, group) in chunks.chunks(JOB_STEP_CHUNKS).enumerate() {
                kb::store_unlinked_chunks(&db, tenant_id, &job.kb_id, &document_id, group).await?;
                let done = (step * JOB_STEP_CHUNKS + group.len()).min(total);
                publish(json!({"status": "running", "stage": "storing", "done": done, "total": total})).await;
            }
            let held = kb::link_document(&db, tenant_id, &job.kb_id, &document_row(&document_id, &doc, total)).await?;
            if held.id == document_id {
                index_vectors(env, tenant_id, &job.kb, &chunks).await?;
            }
            held
        }
    };
    let duplicate = held.id != document_id;
    let done = JobUpdate {
        status: "done",
        document_id: Some(&held.id),
        chunk_count: Some(held.chunk_count),
        duplicate: Some(duplicate),
        error: None,
        now: WorkerClock.now_ms(),
    };
    kb_jobs::update_job(&db, tenant_id, job_id, &done).await?;
    publish(json!({"status": "done", "document_id": held.id, "chunks": held.chunk_count, "duplicate": duplicate}))
        .await;
    Ok(())
}

/// (title, text, format) of a page; an error the tenant can read when it cannot be had.
/// Redirects are followed by hand so that every hop's target is checked.
async fn fetch_page(env: &Env, raw: &str) -> Result<(String, String, Format), String> {
    let mut url = checked_url(env, raw).map_err(|e| e.message)?;
    for _ in 0..=MAX_REDIRECTS {
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_redirect(RequestRedirect::Manual);
        let request = Request::new_with_init(url.as_str(), &init).map_err(|e| format!("bad request: {e}"))?;
        let sent = within(Fetch::Request(request).send(), FETCH_TIMEOUT_MS).await;
        let mut response = match sent {
            Some(Ok(response)) => response,
            Some(Err(e)) => return Err(format!("could not fetch {url}: {e}")),
            None => return Err(format!("{url} did not answer within {} s", FETCH_TIMEOUT_MS / 1000)),
        };
        let status = response.status_code();
        if (300..400).contains(&status) {
            let location =
                response.headers().get("location").ok().flatten().ok_or(format!("{url} redirected nowhere"))?;
            let next = url.join(&location).map_err(|e| format!("{url} redirected to a bad URL: {e}"))?;
            url = checked_url(env, next.as_str()).map_err(|e| e.message)?;
            continue;
        }
        if !(200..300).contains(&status) {
            return Err(format!("{url} answered HTTP {status}"));
        }
        let content_type = response.headers().get("content-type").ok().flatten().unwrap_or_default();
        let format = Format::from_content_type(&content_type)
            .ok_or(format!("{url} is {content_type}, not text, Markdown or HTML"))?;
        let body = read_limited(&mut response, MAX_DOCUMENT_BYTES).await?;
        let title = match format {
            Format::Html => html_title(&body),
            _ => None,
        };
        let title = title.unwrap_or_else(|| url.as_str().to_owned());
        return Ok((title, body, format));
    }
    Err(format!("{raw} redirected more than {MAX_REDIRECTS} times"))
}

/// The body as UTF-8 text, refused past `max_bytes` without reading further.
pub async fn read_limited(response: &mut worker::Response, max_bytes: usize) -> Result<String, String> {
    let mut stream = response.stream().map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if raw.len() + chunk.len() > max_bytes {
            return Err(format!("the page is larger than {max_bytes} bytes"));
        }
        raw.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&raw).into_owned())
}
