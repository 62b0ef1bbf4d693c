//! The `sync_crm` job (a contact and their message) and the `sync_deal` job (the deal a booking
//! opens) into the tenant's HubSpot (`core::channel::hubspot` builds every request). Retried like any job (429 and 5xx, network
//! errors), dead-lettered after the queue's retries; a refused request (a bad token, a
//! property HubSpot rejects) or a token that cannot be resolved is logged and given up at once
//! — the token itself is never logged.
//!
//! Known limit: HubSpot has no unique phone property, so two syncs of a phone-only contact
//! running at the same moment (their first two messages seconds apart) may both miss them in
//! the search and create two HubSpot contacts; contacts with an email are upserted by it and
//! cannot be doubled.

use super::booking_lease::{holding, Lease};
use super::config::sending_secret;
use super::d1::{database, statement, Arg};
use super::outbound::intent_done;
use super::provider_call::call;
use frontdesk_core::channel::hubspot::{self, CrmContact, DealStep, HubSpotSettings};
use frontdesk_core::jobs::{crm_intent_key, deal_intent_key};
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::env::api_base;
use serde::Deserialize;
use worker::{D1Database, Env, Result};

const HUBSPOT_API_BASE_VAR: &str = "HUBSPOT_API_BASE";

#[derive(Deserialize)]
struct TenantSettings {
    settings: String,
}

/// A tenant's HubSpot, as configured now.
struct HubSpot {
    settings: HubSpotSettings,
    token: String,
    base: String,
}

/// The tenant's HubSpot, read when the job runs rather than carried in it: a tenant that
/// removed HubSpot since stops syncing. `None` when not configured, or when the token cannot
/// be resolved (logged: that will not get better by retrying).
async fn hubspot_for(env: &Env, db: &D1Database, tenant_id: &str) -> Result<Option<HubSpot>> {
    let row: Option<TenantSettings> =
        super::d1::statement(db, "SELECT settings FROM tenants WHERE id = ?1", &[super::d1::Arg::Text(tenant_id)])?
            .first(None)
            .await?;
    let settings: Settings = row.and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default();
    let Some(settings) = settings.hubspot else { return Ok(None) };
    match sending_secret(env, Some(&settings.token)) {
        Ok(Some(token)) => {
            Ok(Some(HubSpot { token, base: api_base(env, HUBSPOT_API_BASE_VAR, hubspot::API_BASE), settings }))
        }
        Ok(None) | Err(_) => {
            worker::console_error!(
                "hubspot misconfigured for tenant {tenant_id}: {} cannot be resolved",
                settings.token
            );
            Ok(None)
        }
    }
}

impl HubSpot {
    /// The contact's HubSpot id: upserted by email, or found by phone else created. `None`
    /// when HubSpot refused (logged) or the contact has neither.
    async fn contact_id(&self, contact: &CrmContact) -> Result<Option<String>> {
        let Some(first) = hubspot::find_or_upsert(&self.base, &self.token, contact) else { return Ok(None) };
        let Some(body) = call("hubspot", &first).await? else { return Ok(None) };
        if let Some(id) = hubspot::object_id(&body) {
            return Ok(Some(id));
        }
        // The phone search found nobody: create them.
        Ok(call("hubspot", &hubspot::create(&self.base, &self.token, contact))
            .await?
            .as_deref()
            .and_then(hubspot::object_id))
    }
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
    let Some(crm) = hubspot_for(env, &db, tenant_id).await? else { return intent_done(&db, tenant_id, &key).await };
    if let Some(id) = crm.contact_id(contact).await? {
        call("hubspot", &hubspot::note(&crm.base, &crm.token, &id, note, at)).await?;
    }
    intent_done(&db, tenant_id, &key).await
}

/// The `sync_deal` job: the deal booking `booking_id` opens on its contact, or closes (lost)
/// once cancelled (`hubspot::deal_step`). The deal id is stored on the booking; a job that
/// finds one there (a retry after the deal was opened, a second delivery of the job) opens
/// none.
pub async fn sync_deal(env: &Env, tenant_id: &str, booking_id: &str, at: u64) -> Result<()> {
    let db = database(env)?;
    holding(&db, tenant_id, booking_id, Lease::Deal, step_deal(env, &db, tenant_id, booking_id, at)).await
}

/// Holding the booking's lease: the deal's step, judged from the row as it is now.
async fn step_deal(env: &Env, db: &D1Database, tenant_id: &str, booking_id: &str, at: u64) -> Result<()> {
    #[derive(Deserialize)]
    struct B {
        kind: String,
        status: String,
        hubspot_deal_id: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        name: Option<String>,
    }
    let key = deal_intent_key(booking_id, at);
    let booking: Option<B> = statement(
        db,
        "SELECT b.kind, b.status, b.hubspot_deal_id, c.phone, c.email, c.name FROM bookings b \
         JOIN contacts c ON c.tenant_id = b.tenant_id AND c.id = b.contact_id WHERE b.tenant_id = ?1 AND b.id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(booking_id)],
    )?
    .first(None)
    .await?;
    let Some(b) = booking else { return intent_done(db, tenant_id, &key).await };
    let step = hubspot::deal_step(b.status == "confirmed", b.hubspot_deal_id.as_deref());
    if step == DealStep::Nothing {
        return intent_done(db, tenant_id, &key).await;
    }
    let Some(crm) = hubspot_for(env, db, tenant_id).await? else { return intent_done(db, tenant_id, &key).await };
    if let DealStep::Close { id } = step {
        call("hubspot", &hubspot::close_deal(&crm.base, &crm.token, &crm.settings, id)).await?;
        return intent_done(db, tenant_id, &key).await;
    }
    let contact = CrmContact { email: b.email, phone: b.phone, name: b.name };
    let who = contact.display_name();
    let Some(contact_id) = crm.contact_id(&contact).await? else { return intent_done(db, tenant_id, &key).await };
    let name = hubspot::deal_name(&b.kind, &who, booking_id);
    let created = call("hubspot", &hubspot::deal(&crm.base, &crm.token, &crm.settings, &contact_id, &name)).await?;
    if let Some(deal_id) = created.as_deref().and_then(hubspot::object_id) {
        statement(
            db,
            "UPDATE bookings SET hubspot_deal_id = ?3 WHERE tenant_id = ?1 AND id = ?2 AND hubspot_deal_id IS NULL",
            &[Arg::Text(tenant_id), Arg::Text(booking_id), Arg::Text(&deal_id)],
        )?
        .run()
        .await?;
    }
    intent_done(db, tenant_id, &key).await
}
