//! A contact's saved searches (docs/API.md "Saved searches"): `GET` and `POST
//! /api/v1/contacts/{id}/saved-searches`, `DELETE …/saved-searches/{search_id}`. Staff keep
//! one for a contact who asked in person; the conversation keeps one when the contact says yes.
//! Another tenant's contact or search answers 404, exactly like one that does not exist.

use super::listings::find_contact;
use super::{authenticate, body_bytes};
use crate::error::{json_response, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::listings::saved::Criteria;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::saved_searches as store;
use frontdesk_durable::platform::time::WorkerClock;
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 4096;

/// `GET /api/v1/contacts/{id}/saved-searches`: newest first, stopped ones included.
pub async fn list(req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    find_contact(&db, &tenant_id, contact_id).await?;
    let searches = store::of_contact(&db, &tenant_id, contact_id).await?;
    Ok(json_response(200, &json!({"data": searches})))
}

/// `POST /api/v1/contacts/{id}/saved-searches` with the criteria: 201 with the search (the
/// same criteria already active answer that search).
pub async fn create(mut req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let criteria: Criteria = serde_json::from_slice(&raw).map_err(|e| {
        ApiError::malformed_body(format!(
            "expected {{\"kind\"?: \"rent\" | \"sale\" | \"stay\", \"area\"?, \"beds\"?, \"max_price\"?, \"move_in\"?: \"YYYY-MM-DD\"}}: {e}"
        ))
    })?;
    let problems = criteria.validate();
    if !problems.is_empty() {
        return Err(ApiError::bad_request(problems.join("; ")).into());
    }
    find_contact(&db, &tenant_id, contact_id).await?;
    let search = store::save(&db, &tenant_id, contact_id, &criteria, "staff", None, WorkerClock.now_ms()).await?;
    Ok(json_response(201, &serde_json::to_value(search)?))
}

/// `DELETE /api/v1/contacts/{id}/saved-searches/{search_id}`: offers not yet sent are cancelled.
pub async fn delete(req: Request, env: &Env, contact_id: &str, search_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let not_found = || ApiError::not_found("saved search");
    if !ids::is_well_formed(contact_id) || !ids::is_well_formed(search_id) {
        return Err(not_found().into());
    }
    if !store::delete(&db, &tenant_id, contact_id, search_id).await? {
        return Err(not_found().into());
    }
    Ok(json_response(200, &json!({"deleted": search_id})))
}
