//! `GET/POST /api/v1/keys`, `POST /api/v1/keys/{id}/rotate`, `DELETE /api/v1/keys/{id}`
//! (docs/API.md "API keys"): a tenant's keys for scripts. A key is shown once, in the answer
//! that issued it; only its SHA-256 is stored (`core::auth`). A revoked key is refused at once
//! (401), since every request looks its hash up among the unrevoked ones.

use super::admin::{authenticate_admin, Admin, Stamp};
use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::d1::api_keys::{self, KeyView, NewKey};
use crate::platform::d1::tenant_row;
use frontdesk_core::api::ApiError;
use frontdesk_core::auth::{key_prefix, new_key, sha256_hex};
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_durable::platform::time::{random_bytes, WorkerRandom};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 1024;
const MAX_LABEL_CHARS: usize = 80;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let items = api_keys::key_list(&admin.db, &admin.tenant_id).await?;
    Ok(json_response(200, &json!({ "data": items })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Create {
    #[serde(default)]
    label: String,
}

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let body: Create = json_body(&mut req, MAX_BODY_BYTES, r#"{"label"?: "…"}"#).await?;
    let label = body.label.trim();
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(ApiError::malformed_body(format!("label: at most {MAX_LABEL_CHARS} characters")).into());
    }
    let stamp = Stamp::now();
    let issued = Issued::new(&admin, &stamp).await?;
    let detail = json!({ "prefix": issued.prefix, "label": label }).to_string();
    api_keys::insert_key(
        &admin.db,
        &issued.row(label, &stamp),
        &admin.audit(&stamp, "api_key.created", &issued.id, &detail),
    )
    .await?;
    issued.answer(&admin).await
}

pub async fn rotate(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let old = found(api_keys::key_view(&admin.db, &admin.tenant_id, id).await?)?;
    let stamp = Stamp::now();
    let issued = Issued::new(&admin, &stamp).await?;
    let detail = json!({ "replaced_by": issued.id, "prefix": issued.prefix }).to_string();
    let audit = admin.audit(&stamp, "api_key.rotated", id, &detail);
    if !api_keys::rotate_key(&admin.db, id, &issued.row(&old.label, &stamp), &audit).await? {
        return Err(ApiError::conflict(format!("key {id} is revoked: issue a new one instead")).into());
    }
    issued.answer(&admin).await
}

pub async fn revoke(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let key = found(api_keys::key_view(&admin.db, &admin.tenant_id, id).await?)?;
    let stamp = Stamp::now();
    let detail = json!({ "prefix": key.prefix }).to_string();
    // Revoking a revoked key changes nothing and is not an error: the key is revoked either way.
    api_keys::revoke_key(&admin.db, id, &admin.audit(&stamp, "api_key.revoked", id, &detail)).await?;
    Ok(Response::empty()?.with_status(204))
}

/// A key just made: the secret exists only here and in the answer.
struct Issued {
    id: String,
    secret: String,
    hash: String,
    prefix: String,
}

impl Issued {
    async fn new(admin: &Admin, stamp: &Stamp) -> AppResult<Self> {
        let tenant = tenant_row(&admin.db, &admin.tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
        Ok(Self::for_slug(&tenant.slug, stamp))
    }

    fn for_slug(slug: &str, stamp: &Stamp) -> Self {
        let secret = new_key(slug, random_bytes());
        let id = ids::make(ids::API_KEY, stamp.now, WorkerRandom.next_u64());
        Self { id, prefix: key_prefix(&secret), hash: sha256_hex(secret.as_bytes()), secret }
    }

    fn row<'a>(&'a self, label: &'a str, stamp: &Stamp) -> NewKey<'a> {
        NewKey { id: &self.id, key_hash: &self.hash, prefix: &self.prefix, label, created_at: stamp.now }
    }

    async fn answer(&self, admin: &Admin) -> AppResult<Response> {
        let view = found(api_keys::key_view(&admin.db, &admin.tenant_id, &self.id).await?)?;
        let mut body = json!(view);
        body["key"] = json!(self.secret);
        Ok(json_response(201, &body))
    }
}

fn found(key: Option<KeyView>) -> AppResult<KeyView> {
    Ok(key.ok_or_else(|| ApiError::not_found("key"))?)
}
