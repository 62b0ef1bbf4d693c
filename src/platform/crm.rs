//! The `sync_crm` job: a contact and their message into the tenant's HubSpot
//! (`core::channel::hubspot` builds every request). Retried like any job (429 and 5xx, network
//! errors), dead-lettered after the queue's retries; a refused request (a bad token, a
//! property HubSpot rejects) or a token that cannot be resolved is logged and given up at once
//! — the token itself is never logged.
//!
//! Known limit: HubSpot has no unique phone property, so two syncs of a phone-only contact
//! running at the same moment (their first two messages seconds apart) may both miss them in
//! the search and create two HubSpot contacts; contacts with an email are upserted by it and
//! cannot be doubled.

use super::config::sending_secret;
use super::d1::database;
use super::outbound::intent_done;
use frontdesk_core::channel::hubspot::{self, CrmContact};
use frontdesk_core::http::HttpRequest;
use frontdesk_core::jobs::crm_intent_key;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::http::execute;
use serde::Deserialize;
use worker::{Env, Result};

const HUBSPOT_API_BASE_VAR: &str = "HUBSPOT_API_BASE";

#[derive(Deserialize)]
struct TenantSettings {
    settings: String,
}

pub async fn sync(
    env: &Env,
    tenant_id: &str,
    message_id: &str,
    contact: &CrmContact,
    note: &str,
    at: u64,
) -> Result<()> {
    let db = database(env)?;
    let key = crm_intent_key(message_id);
    // The token reference is read now, not carried in the job: a tenant that removed HubSpot
    // since the message stops syncing.
    let row: Option<TenantSettings> =
        super::d1::statement(&db, "SELECT settings FROM tenants WHERE id = ?1", &[super::d1::Arg::Text(tenant_id)])?
            .first(None)
            .await?;
    let settings: Settings = row.and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default();
    let Some(reference) = settings.hubspot.map(|h| h.token) else { return intent_done(&db, tenant_id, &key).await };
    let token = match sending_secret(env, Some(&reference)) {
        Ok(Some(token)) => token,
        Ok(None) | Err(_) => {
            worker::console_error!("hubspot misconfigured for tenant {tenant_id}: {reference} cannot be resolved");
            return intent_done(&db, tenant_id, &key).await;
        }
    };
    let base = env.var(HUBSPOT_API_BASE_VAR).map(|v| v.to_string()).unwrap_or_else(|_| hubspot::API_BASE.to_owned());
    let Some(first) = hubspot::find_or_upsert(&base, &token, contact) else {
        return intent_done(&db, tenant_id, &key).await;
    };
    let id = match call(&first).await? {
        Some(body) => hubspot::contact_id(&body),
        None => return intent_done(&db, tenant_id, &key).await,
    };
    let id = match id {
        Some(id) => id,
        // The phone search found nobody: create them.
        None => match call(&hubspot::create(&base, &token, contact)).await?.as_deref().and_then(hubspot::contact_id) {
            Some(id) => id,
            None => return intent_done(&db, tenant_id, &key).await,
        },
    };
    call(&hubspot::note(&base, &token, &id, note, at)).await?;
    intent_done(&db, tenant_id, &key).await
}

/// The answer's body on success; `None` when HubSpot refused for good (logged); an error to
/// retry on 429, 5xx or a network failure.
async fn call(request: &HttpRequest) -> Result<Option<String>> {
    let path = request.url.split("/crm/").nth(1).unwrap_or("");
    match execute(request).await {
        Ok((status, body)) if (200..300).contains(&status) => Ok(Some(body)),
        Ok((status, _)) if status == 429 || status >= 500 => {
            Err(worker::Error::RustError(format!("hubspot {status} on crm/{path}: will retry")))
        }
        Ok((status, body)) => {
            let message: String = body.chars().take(200).collect();
            worker::console_error!("hubspot refused crm/{path} ({status}): {message}");
            Ok(None)
        }
        Err(e) => Err(worker::Error::RustError(format!("hubspot network error on crm/{path}: {e}"))),
    }
}
