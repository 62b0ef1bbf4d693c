//! The knowledge base API (docs/API.md "Knowledge base"): import FAQs, ingest documents, list,
//! get, delete, clear, re-index, search. Another tenant's knowledge base or document answers
//! 404, exactly like one that does not exist.

use super::{authenticate, body_bytes, page_request, query_param, query_params};
use crate::error::{json_response, AppResult};
use crate::platform::d1::kb::{self as store};
use crate::platform::d1::kb_jobs;
use crate::platform::kb_ingest::{self, DocumentOutcome};
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::ids;
use frontdesk_core::kb::ingest::{self, MAX_DOCUMENT_BYTES};
use frontdesk_durable::platform::kb::{search as kb_search, SearchQuery, MAX_LIMIT};
use frontdesk_durable::platform::vectors;
use serde_json::json;
use worker::{D1Database, Env, Request, Response};

/// 1,000 FAQs of generous length fit with room to spare.
const MAX_FAQ_BODY_BYTES: usize = 4_000_000;
/// A document's content at its limit, JSON-escaped, plus the other fields.
const MAX_DOCUMENT_BODY_BYTES: usize = 2 * MAX_DOCUMENT_BYTES + 4096;
const DEFAULT_SEARCH_LIMIT: usize = 10;

/// `POST /api/v1/kb/faqs`: JSON `{"kb", "faqs"}`, or CSV (`Content-Type: text/csv`, `?kb=`).
pub async fn import_faqs(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let content_type = req.headers().get("content-type")?.unwrap_or_default().to_ascii_lowercase();
    let kb = query_param(&req, "kb")?;
    let raw = body_bytes(&mut req, MAX_FAQ_BODY_BYTES).await?;
    let import = if content_type.starts_with("text/csv") {
        let text = super::csv_text(&raw)?;
        ingest::faqs_from_csv(kb.as_deref().unwrap_or(""), text)
    } else {
        ingest::faqs_from_json(&raw)
    }
    .map_err(ApiError::bad_request)?;
    let outcome = kb_ingest::import_faqs(env, &db, &tenant_id, &import).await?;
    Ok(json_response(201, &json!({"kb": import.kb, "imported": outcome.imported, "duplicates": outcome.duplicates})))
}

/// `POST /api/v1/kb/documents`: stored at once (201), or queued (202) when large or a URL.
pub async fn ingest_document(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let raw = body_bytes(&mut req, MAX_DOCUMENT_BODY_BYTES).await?;
    let input = ingest::document_from_json(&raw).map_err(ApiError::bad_request)?;
    Ok(match kb_ingest::ingest_document(env, &db, &tenant_id, input).await? {
        DocumentOutcome::Stored { id, chunks, duplicate } => {
            json_response(201, &json!({"id": id, "chunks": chunks, "duplicate": duplicate}))
        }
        DocumentOutcome::Queued { job } => json_response(202, &json!({"job": job, "status": "queued"})),
    })
}

/// `GET /api/v1/kb/search?q=…[&kb=…][&category=…][&limit=10]`.
pub async fn search(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let param = query_params(&req)?;
    Ok(json_response(200, &json!({ "data": passages(env, &db, &tenant_id, param).await? })))
}

/// The passages answering a search (`q`, `kb`, `category`, `limit`, read through `param`);
/// bad values are 400. Shared with the MCP `search_knowledge` tool.
pub async fn passages(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    param: impl Fn(&str) -> Option<String>,
) -> AppResult<Vec<frontdesk_core::kb::Passage>> {
    let text = param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("`q` (the question) is required"))?;
    let kb = param("kb").filter(|k| !k.is_empty());
    let category = param("category").filter(|c| !c.is_empty());
    let limit = match param("limit") {
        None => DEFAULT_SEARCH_LIMIT,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("`limit` must be an integer from 1 to {MAX_LIMIT}")))?,
    };
    let query = SearchQuery { text: &text, kb: kb.as_deref(), category: category.as_deref(), limit };
    Ok(kb_search(env, db, tenant_id, &query).await?)
}

/// `GET /api/v1/kb`: the tenant's knowledge bases with their document and chunk counts.
pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    Ok(json_response(200, &json!({ "data": store::kb_list(&db, &tenant_id).await? })))
}

/// `GET /api/v1/kb/{kb}/documents`, newest first, paginated.
pub async fn list_documents(req: Request, env: &Env, name: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let kb_id = find_kb(&db, &tenant_id, name).await?;
    let rows = store::document_list(&db, &tenant_id, &kb_id, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

/// `GET /api/v1/kb/documents/{id}`: the document with its chunks.
pub async fn get_document(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let document = find_document(&db, &tenant_id, id).await?;
    let chunks = store::document_chunks(&db, &tenant_id, id).await?;
    let mut body = serde_json::to_value(document)?;
    body["chunks"] = serde_json::to_value(chunks)?;
    Ok(json_response(200, &body))
}

/// `DELETE /api/v1/kb/documents/{id}`.
pub async fn delete_document(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    find_document(&db, &tenant_id, id).await?;
    let removed = store::delete_document(&db, &tenant_id, id).await?;
    vectors::delete_chunks(env, &removed.chunk_ids).await?;
    Ok(json_response(200, &json!({"deleted": id, "chunks": removed.chunk_ids.len()})))
}

/// `DELETE /api/v1/kb/{kb}` (the knowledge base and everything in it) and
/// `POST /api/v1/kb/{kb}/clear` (everything in it).
pub async fn delete_kb(req: Request, env: &Env, name: &str, drop_kb: bool) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let kb_id = find_kb(&db, &tenant_id, name).await?;
    let removed = store::delete_kb_contents(&db, &tenant_id, &kb_id, drop_kb).await?;
    vectors::delete_chunks(env, &removed.chunk_ids).await?;
    let key = if drop_kb { "deleted" } else { "cleared" };
    Ok(json_response(200, &json!({key: name, "documents": removed.documents, "chunks": removed.chunk_ids.len()})))
}

/// `POST /api/v1/kb/{kb}/reindex`: the lexical index rebuilt from the stored chunks, and their
/// vectors upserted again when the vector leg is bound.
pub async fn reindex(req: Request, env: &Env, name: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let kb_id = find_kb(&db, &tenant_id, name).await?;
    let chunks = store::reindex(&db, &tenant_id, &kb_id).await?;
    kb_ingest::reindex_vectors(env, &db, &tenant_id, name, &kb_id).await?;
    Ok(json_response(200, &json!({"kb": name, "chunks": chunks})))
}

/// `GET /api/v1/kb/jobs/{id}`: a queued ingestion's state.
pub async fn get_job(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let not_found = || ApiError::not_found("job");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    let job = kb_jobs::job(&db, &tenant_id, id).await?.ok_or_else(not_found)?;
    Ok(json_response(200, &serde_json::to_value(job)?))
}

async fn find_kb(db: &D1Database, tenant_id: &str, name: &str) -> AppResult<String> {
    let not_found = || ApiError::not_found("knowledge base");
    if ingest::check_kb_name(name).is_err() {
        return Err(not_found().into());
    }
    Ok(store::kb_id(db, tenant_id, name).await?.ok_or_else(not_found)?)
}

async fn find_document(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<store::DocumentRow> {
    let not_found = || ApiError::not_found("document");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(store::document(db, tenant_id, id).await?.ok_or_else(not_found)?)
}
