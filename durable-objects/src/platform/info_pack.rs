//! Sending an info pack (`frontdesk_core::listings::pack`) over D1: the listings given, or the
//! ones the contact discussed, composed for the channel the contact is reached on and sent as
//! a message on their timeline (`contact_message`), each listing's interest raised to `sent`
//! and an `info_pack.sent` audit entry. One implementation behind the conversation's act, the
//! LLM's `send_info_pack` tool and `POST /api/v1/contacts/{id}/info-pack`.

use crate::platform::contact_message::{message_contact, Audit, ToContact};
use crate::platform::d1::{statement, Arg};
use crate::platform::enqueue_all;
use crate::platform::listings;
use crate::platform::outreach::Reach;
use crate::platform::time::local_time;
use frontdesk_core::listings::pack::{compose, discussed, PackMedium};
use frontdesk_core::listings::{InterestLevel, Listing};
use serde_json::json;
use worker::{D1Database, Env, Result};

pub enum PackResult {
    Sent(SentPack),
    /// No listings were given and the contact has discussed none: nothing was sent.
    NothingDiscussed,
    /// The contact has no phone or email (or is not the tenant's).
    Unreachable,
}

pub struct SentPack {
    pub listings: Vec<Listing>,
    /// `sms`, `whatsapp` or `email`.
    pub channel: String,
    pub message_id: String,
    pub body: String,
}

/// Sends `chosen` (none: the discussed ones) to the contact; by email when `by_email` and the
/// contact has an address.
pub async fn send(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    chosen: Vec<Listing>,
    by_email: bool,
    now_ms: u64,
) -> Result<PackResult> {
    let listings = if chosen.is_empty() { discussed_listings(db, tenant_id, contact_id).await? } else { chosen };
    if listings.is_empty() {
        return Ok(PackResult::NothingDiscussed);
    }
    #[derive(serde::Deserialize)]
    struct Tenant {
        name: String,
        timezone: String,
    }
    let tenant: Option<Tenant> =
        statement(db, "SELECT name, timezone FROM tenants WHERE id = ?1", &[Arg::Text(tenant_id)])?.first(None).await?;
    let Some(tenant) = tenant else { return Ok(PackResult::Unreachable) };
    let today = local_time(now_ms, &tenant.timezone).date;
    let write = |to: &Reach| {
        let medium = if to.channel == "email" { PackMedium::Email } else { PackMedium::Text };
        let pack = compose(&tenant.name, &listings, medium, today);
        (pack.body, pack.subject)
    };
    let references: Vec<&str> = listings.iter().map(|l| l.reference.as_str()).collect();
    let message = ToContact {
        write: &write,
        prefer_email: by_email,
        audit: Some(Audit {
            actor: "system",
            action: "info_pack.sent",
            subject: contact_id,
            detail: json!({ "listings": references }),
        }),
    };
    let Some(sent) = message_contact(db, tenant_id, contact_id, &message, now_ms).await? else {
        return Ok(PackResult::Unreachable);
    };
    for listing in &listings {
        let level = InterestLevel::Sent;
        let recorded =
            listings::record_interest(db, tenant_id, contact_id, &listing.id, level, Some(&sent.message_id), now_ms);
        if let Err(e) = recorded.await {
            worker::console_error!("recording the info pack's {} as sent failed: {e}", listing.reference);
        }
    }
    // The intent is stored with the message: if this send fails, the sweeper sends it.
    if let Err(e) = enqueue_all(env, std::slice::from_ref(&sent.job)).await {
        worker::console_error!("queueing info pack {} failed: {e}", sent.message_id);
    }
    Ok(PackResult::Sent(SentPack {
        listings: listings.into_iter().take(frontdesk_core::listings::pack::PACK_LISTINGS).collect(),
        channel: sent.channel,
        message_id: sent.message_id,
        body: sent.body,
    }))
}

/// The listings the contact asked about or was shown, most recent first.
async fn discussed_listings(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<Listing>> {
    let interest = listings::interest_of(db, tenant_id, contact_id).await?;
    // `interest_of` folds each listing's levels together; a listing counts if it was ever asked
    // about or sent (its `levels`), whatever it reached since.
    let rows = interest.iter().flat_map(|i| i.levels.iter().map(move |e| (i.listing_id.as_str(), e.level)));
    let mut found = Vec::new();
    for id in discussed(rows) {
        if let Some(listing) = listings::get(db, tenant_id, &id).await? {
            found.push(listing);
        }
    }
    Ok(found)
}
