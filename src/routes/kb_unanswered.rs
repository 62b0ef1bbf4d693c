//! Questions the receptionist could not answer: `GET /api/v1/kb/unanswered` (open ones, newest
//! first), `POST /api/v1/kb/unanswered/{id}/faq` (answer it: the question and answer become an
//! FAQ, searchable at once) and `POST /api/v1/kb/unanswered/{id}/dismiss`.

use super::{authenticate, json_body, page_request};
use crate::error::{json_response, AppResult};
use crate::platform::d1::kb as store;
use crate::platform::d1::kb_unanswered::{self as rows, Unanswered};
use crate::platform::kb_ingest;
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::ids;
use frontdesk_core::kb::ingest::{check_faqs, faq_hash, Faq, FaqImport};
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Request, Response};

/// The knowledge base an answered question goes to when the request names none.
pub const DEFAULT_KB: &str = "faq";

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let found = rows::unanswered_list(&db, &tenant_id, &request).await?;
    Ok(json_response(200, &page(&request, found)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    answer: String,
    kb: Option<String>,
    /// The question as the FAQ should read; the customer's own words when absent.
    question: Option<String>,
    category: Option<String>,
}

pub async fn add_faq(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let answer: Answer = json_body(&mut req, 64 * 1024, r#"{"answer", "kb"?, "question"?, "category"?}"#).await?;
    let row = find_open(&db, &tenant_id, id).await?;
    let faq =
        Faq { question: answer.question.unwrap_or(row.question), answer: answer.answer, category: answer.category };
    let import = check_faqs(FaqImport { kb: answer.kb.unwrap_or_else(|| DEFAULT_KB.to_owned()), faqs: vec![faq] })
        .map_err(ApiError::bad_request)?;
    kb_ingest::import_faqs(env, &db, &tenant_id, &import).await?;
    let faq = &import.faqs[0];
    let kb_id = store::kb_id(&db, &tenant_id, &import.kb).await?;
    let hash = faq_hash(&faq.question, &faq.answer);
    let faq_id = match kb_id {
        Some(kb_id) => store::faq_chunk_id(&db, &tenant_id, &kb_id, &hash).await?,
        None => None,
    }
    .ok_or_else(|| crate::error::AppError::Internal(format!("FAQ for {id} not read back")))?;
    close(&db, &tenant_id, id, "answered", Some(&faq_id)).await?;
    Ok(json_response(200, &json!({"id": id, "status": "answered", "kb": import.kb, "faq_id": faq_id})))
}

pub async fn dismiss(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    find_open(&db, &tenant_id, id).await?;
    close(&db, &tenant_id, id, "dismissed", None).await?;
    Ok(json_response(200, &json!({"id": id, "status": "dismissed"})))
}

async fn find_open(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<Unanswered> {
    let not_found = || ApiError::not_found("unanswered question");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    let row = rows::unanswered(db, tenant_id, id).await?.ok_or_else(not_found)?;
    if row.status != "open" {
        return Err(ApiError::conflict(format!("{id} is {} already", row.status)).into());
    }
    Ok(row)
}

async fn close(db: &D1Database, tenant_id: &str, id: &str, status: &str, faq_id: Option<&str>) -> AppResult<()> {
    let result = rows::close_statement(db, tenant_id, id, status, faq_id, WorkerClock.now_ms())?.run().await?;
    let changed = result.meta()?.and_then(|m| m.changes).unwrap_or(0);
    if changed == 0 {
        // Closed by someone else between our read and this write.
        return Err(ApiError::conflict(format!("{id} was closed meanwhile")).into());
    }
    Ok(())
}
