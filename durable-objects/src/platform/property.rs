//! Which property a maintenance report is about, so its ticket names the listing and an
//! emergency alerts the landlord (`frontdesk_core::tickets::landlord_alerts`).

use crate::platform::d1::{statement, Arg};
use crate::platform::listings;
use frontdesk_core::brain::Turn;
use frontdesk_core::tickets::Property;
use worker::{D1Database, Result};

/// A guest reporting on their check-out morning is still in the property.
const CHECK_OUT_GRACE_MS: u64 = 24 * 60 * 60 * 1000;

/// The property of a fault reported in `turn`: the listing the message names ("the flat on Elm
/// Road"), else the one the conversation is about, else the stay the contact is in now. `None`
/// when none of them says; the ticket is then the team's to place.
pub async fn reported_at(
    db: &D1Database,
    tenant_id: &str,
    contact_id: Option<&str>,
    turn: &Turn,
) -> Result<Option<Property>> {
    if let Some(listing) = listings::find_mentioned(db, tenant_id, &turn.text).await? {
        return Ok(Some(Property::of(&listing)));
    }
    let discussed = turn.dialogue.listing.as_ref().map(|l| l.id.clone());
    let staying = match (discussed.is_none(), contact_id) {
        (true, Some(contact_id)) => stay_in_progress(db, tenant_id, contact_id, turn.now_ms).await?,
        _ => None,
    };
    let Some(listing_id) = discussed.or(staying) else { return Ok(None) };
    Ok(listings::get(db, tenant_id, &listing_id).await?.as_ref().map(Property::of))
}

async fn stay_in_progress(db: &D1Database, tenant_id: &str, contact_id: &str, now: u64) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        listing_id: String,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT listing_id FROM bookings WHERE tenant_id = ?1 AND contact_id = ?2 AND kind = 'stay' \
           AND status = 'confirmed' AND start_ms <= ?3 AND end_ms + ?4 > ?3 ORDER BY start_ms DESC LIMIT 1",
        &[Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Int(now), Arg::Int(CHECK_OUT_GRACE_MS)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.listing_id))
}
