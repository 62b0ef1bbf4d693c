//! `POST /api/v1/tenants` (an owner starts another business from an industry template, with
//! its owner, a simulated SMS number, web form and chat, and a first API key) and
//! `POST /api/v1/tenant/pause` · `/resume` (the caller's own tenant: while paused, every
//! webhook is stored and answered by the holding reply, and each message becomes a task,
//! `core::pause`). docs/API.md "Tenants".

use super::admin::{authenticate_admin, Stamp};
use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::config::public_base_url;
use crate::platform::d1::api_keys::NewKey;
use crate::platform::d1::tenant_admin::{self, NewTenant};
use crate::platform::d1::users::NewUserRow;
use crate::platform::d1::{tenant_row, Audit};
use crate::platform::password;
use crate::platform::tenant_context::PAUSED;
use frontdesk_core::api::ApiError;
use frontdesk_core::auth::{key_prefix, new_key, sha256_hex};
use frontdesk_core::ids;
use frontdesk_core::onboarding::{channel_secret, may_create_tenant, simulated_number, webhook_urls, TenantRequest};
use frontdesk_core::ports::Random;
use frontdesk_core::tenant::Settings;
use frontdesk_core::users::{normalize_email, Role};
use frontdesk_durable::platform::time::{random_bytes, timezone_is_known, WorkerRandom};
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 4 * 1024;

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    if !may_create_tenant(admin.role) {
        return Err(ApiError { message: "only an owner can create a tenant".into(), ..ApiError::forbidden() }.into());
    }
    let request: TenantRequest = json_body(
        &mut req,
        MAX_BODY_BYTES,
        r#"{"name", "slug", "template", "timezone"?, "owner_email", "owner_password"}"#,
    )
    .await?;
    let mut problems = request.problems();
    let timezone = request.timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    if !timezone_is_known(&timezone) {
        problems.push(format!("timezone: `{timezone}` is not an IANA timezone (e.g. Europe/London)"));
    }
    if !problems.is_empty() {
        return Err(ApiError::malformed_body(problems.join("; ")).into());
    }
    if tenant_admin::slug_taken(&admin.db, &request.slug).await? {
        return Err(ApiError::conflict(format!("slug `{}` is taken", request.slug)).into());
    }
    let settings = Settings::default().with_template(&request.template).unwrap_or_default();
    let stamp = Stamp::now();
    let new_id = |prefix| ids::make(prefix, stamp.now, WorkerRandom.next_u64());
    let (tenant_id, owner_id, key_id) = (new_id(ids::TENANT), new_id(ids::USER), new_id(ids::API_KEY));
    let (slug, name) = (request.slug.as_str(), request.name.trim());
    let number = simulated_number(WorkerRandom.next_u64());
    // Literal signing secrets, as the dev seed has: accepted only in development and tests
    // (`core::secrets`), so a deployed tenant's channels refuse webhooks until its real
    // provider secrets are set as `env:NAME` references.
    let (sms_secret, form_secret) = (channel_secret(random_bytes()), channel_secret(random_bytes()));
    let channel_ids = [new_id(ids::CHANNEL), new_id(ids::CHANNEL), new_id(ids::CHANNEL)];
    let channels = [
        (channel_ids[0].as_str(), "twilio", number.as_str(), sms_secret.as_str()),
        (channel_ids[1].as_str(), "form", slug, form_secret.as_str()),
        (channel_ids[2].as_str(), "chat", slug, ""),
    ];
    let email = normalize_email(&request.owner_email);
    let password_hash = password::hash_new(&request.owner_password).await?;
    let owner = NewUserRow {
        id: &owner_id,
        tenant_id: &tenant_id,
        email: &email,
        role: Role::Owner.as_str(),
        password_hash: &password_hash,
        created_at: stamp.now,
    };
    let secret = new_key(slug, random_bytes());
    let (key_hash, prefix) = (sha256_hex(secret.as_bytes()), key_prefix(&secret));
    let key = NewKey { id: &key_id, key_hash: &key_hash, prefix: &prefix, label: "first key", created_at: stamp.now };
    let detail = json!({ "slug": slug, "template": request.template, "owner_email": email }).to_string();
    let in_creator = admin.audit(&stamp, "tenant.created", &tenant_id, &detail);
    let own_audit_id = new_id(ids::AUDIT);
    let in_new = Audit {
        id: &own_audit_id,
        tenant_id: &tenant_id,
        ..admin.audit(&stamp, "tenant.created", &tenant_id, &detail)
    };
    let settings_json = serde_json::to_string(&settings)?;
    let tenant =
        NewTenant { id: &tenant_id, slug, name, timezone: &timezone, settings: &settings_json, created_at: stamp.now };
    tenant_admin::create_tenant(&admin.db, &tenant, &channels, &owner, &key, [&in_creator, &in_new]).await?;
    Ok(json_response(
        201,
        &json!({
            "tenant": { "id": tenant_id, "slug": slug, "name": name, "timezone": timezone, "status": "active" },
            "owner": { "id": owner_id, "email": email, "role": "owner" },
            "api_key": secret,
            "settings": settings,
            "channels": {
                "sms": { "number": number, "auth_token": sms_secret, "simulated": true },
                "form": { "signing_secret": form_secret },
                "chat": { "slug": slug },
            },
            "webhooks": webhook_urls(&public_base_url(env)?, slug),
        }),
    ))
}

/// `POST /api/v1/tenant/pause` (`paused` = true) and `/resume`.
pub async fn set_paused(req: Request, env: &Env, paused: bool) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let status = if paused { PAUSED } else { "active" };
    let stamp = Stamp::now();
    let action = if paused { "tenant.paused" } else { "tenant.resumed" };
    // Pausing a paused tenant changes nothing and is no error: it is paused either way.
    tenant_admin::set_status(&admin.db, status, &admin.audit(&stamp, action, &admin.tenant_id, "{}")).await?;
    let row = tenant_row(&admin.db, &admin.tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    Ok(json_response(
        200,
        &json!({ "tenant": { "id": row.id, "slug": row.slug, "name": row.name, "timezone": row.timezone, "status": row.status } }),
    ))
}
