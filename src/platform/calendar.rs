//! The `sync_calendar` job: a booking's copy in the tenant's Cal.com (`core::channel::calcom`
//! builds every request and decides the step). What Cal.com holds — its booking uid and the
//! start it has — is stored on our booking after each step, and the next step is judged from
//! that, so a retried or repeated job never books Cal.com twice. Retried on 429, 5xx and
//! network errors, dead-lettered after the queue's retries; a refusal (a bad key, a slot
//! Cal.com no longer has) is logged and given up: our booking stands regardless — Frontdesk's
//! diary is the source of truth.
//!
//! Two jobs of one booking (a move's racing its creation's) take turns under the booking's
//! lease (`booking_lease`), so the second judges from what the first stored.
//!
//! Known limit: Cal.com's bookings API takes no idempotency key, so a Worker dying between
//! Cal.com's answer and storing its uid would book it again on the retry (the booking carries
//! `metadata.frontdesk_booking_id`, so the team can find such a copy).

use super::booking_lease::{holding, Lease};
use super::config::sending_secret;
use super::d1::{database, statement, Arg};
use super::outbound::intent_done;
use super::provider_call::call;
use frontdesk_core::channel::calcom::{self, next_step, Attendee, Mirror, Step};
use frontdesk_core::channel::hubspot::CrmContact;
use frontdesk_core::jobs::calendar_intent_key;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::bookings::CALCOM_API_BASE_VAR;
use frontdesk_durable::platform::env::api_base;
use serde::Deserialize;
use worker::{D1Database, Env, Result};

#[derive(Deserialize)]
struct B {
    status: String,
    start_ms: u64,
    calcom_uid: Option<String>,
    calcom_start_ms: Option<u64>,
    phone: Option<String>,
    email: Option<String>,
    name: Option<String>,
    timezone: String,
    settings: String,
}

pub async fn sync(env: &Env, tenant_id: &str, booking_id: &str, at: u64) -> Result<()> {
    let db = database(env)?;
    holding(&db, tenant_id, booking_id, Lease::Calendar, mirror(env, &db, tenant_id, booking_id, at)).await
}

/// Holding the booking's lease: one step towards Cal.com, judged from the row as it is now.
async fn mirror(env: &Env, db: &D1Database, tenant_id: &str, booking_id: &str, at: u64) -> Result<()> {
    let key = calendar_intent_key(booking_id, at);
    let booking: Option<B> = statement(
        db,
        "SELECT b.status, b.start_ms, b.calcom_uid, b.calcom_start_ms, c.phone, c.email, c.name, t.timezone, t.settings \
         FROM bookings b JOIN contacts c ON c.tenant_id = b.tenant_id AND c.id = b.contact_id \
         JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = ?1 AND b.id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(booking_id)],
    )?
    .first(None)
    .await?;
    let Some(b) = booking else { return intent_done(db, tenant_id, &key).await };
    // Read now, not carried in the job: a tenant that removed Cal.com since stops mirroring.
    let settings: Settings = serde_json::from_str(&b.settings).unwrap_or_default();
    let Some(calcom_settings) = settings.calcom else { return intent_done(db, tenant_id, &key).await };
    let api_key = match sending_secret(env, Some(&calcom_settings.api_key)) {
        Ok(Some(api_key)) => api_key,
        Ok(None) | Err(_) => {
            worker::console_error!(
                "cal.com misconfigured for tenant {tenant_id}: {} cannot be resolved",
                calcom_settings.api_key
            );
            return intent_done(db, tenant_id, &key).await;
        }
    };
    let base = api_base(env, CALCOM_API_BASE_VAR, calcom::API_BASE);
    let mirror = Mirror {
        confirmed: b.status == "confirmed",
        start_ms: b.start_ms,
        uid: b.calcom_uid.as_deref(),
        mirrored_start_ms: b.calcom_start_ms,
    };
    match next_step(&mirror) {
        Step::Create => {
            let contact = CrmContact { email: b.email.clone(), phone: b.phone.clone(), name: b.name.clone() };
            let who = Attendee {
                name: contact.display_name(),
                email: contact.email,
                phone: contact.phone,
                time_zone: b.timezone.clone(),
            };
            let request = calcom::create(&base, &api_key, &calcom_settings, booking_id, b.start_ms, &who);
            if let Some(uid) = call("cal.com", &request).await?.as_deref().and_then(calcom::booking_uid) {
                record(db, tenant_id, booking_id, None, Some(&uid), Some(b.start_ms)).await?;
            }
        }
        Step::Reschedule { uid } => {
            let request = calcom::reschedule(&base, &api_key, uid, b.start_ms);
            // A move gives the booking a new uid in Cal.com.
            if let Some(new_uid) = call("cal.com", &request).await?.as_deref().and_then(calcom::booking_uid) {
                record(db, tenant_id, booking_id, Some(uid), Some(&new_uid), Some(b.start_ms)).await?;
            }
        }
        Step::Cancel { uid } => {
            if call("cal.com", &calcom::cancel(&base, &api_key, uid)).await?.is_some() {
                record(db, tenant_id, booking_id, Some(uid), Some(uid), None).await?;
            }
        }
        Step::Nothing => {}
    }
    intent_done(db, tenant_id, &key).await
}

/// Stores what Cal.com now holds (`start_ms` `None`: cancelled there), if the booking's copy is
/// still `was` (no uid: none yet).
async fn record(
    db: &D1Database,
    tenant_id: &str,
    booking_id: &str,
    was: Option<&str>,
    uid: Option<&str>,
    start_ms: Option<u64>,
) -> Result<()> {
    statement(
        db,
        // 0 stands for NULL: no booking starts at the epoch.
        "UPDATE bookings SET calcom_uid = ?3, calcom_start_ms = NULLIF(?4, 0) \
         WHERE tenant_id = ?1 AND id = ?2 AND COALESCE(calcom_uid, '') = COALESCE(?5, '')",
        &[
            Arg::Text(tenant_id),
            Arg::Text(booking_id),
            Arg::OptText(uid),
            Arg::Int(start_ms.unwrap_or(0)),
            Arg::OptText(was),
        ],
    )?
    .run()
    .await?;
    Ok(())
}
