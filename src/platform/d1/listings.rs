//! Listing writes for the tenant API (reads shared with the conversation live in
//! frontdesk-durable's `platform::listings`). Rows go in as one JSON array bound to one
//! statement (`json_each`), so a CSV import of 1,000 listings is a handful of statements in one
//! batch (one transaction).

use super::{statement, Arg};
use frontdesk_core::api::PageRequest;
use frontdesk_core::listings::{street, Listing};
use frontdesk_durable::platform::listings::{into_listings, Row, COLUMNS};
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Result};

/// Rows per `json_each` statement: keeps each bound array well under D1's per-value limit.
const ROWS_PER_STATEMENT: usize = 100;

const INSERT: &str = "INSERT INTO listings (id, tenant_id, reference, kind, type, beds, baths, price, price_period, \
     area, postcode, address, features, available_from, status, description, rules, landlord, search_text, street, \
     created_at, updated_at) \
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.reference'), json_extract(value, '$.kind'), \
     json_extract(value, '$.type'), json_extract(value, '$.beds'), json_extract(value, '$.baths'), \
     json_extract(value, '$.price'), json_extract(value, '$.price_period'), json_extract(value, '$.area'), \
     json_extract(value, '$.postcode'), json_extract(value, '$.address'), json_extract(value, '$.features'), \
     json_extract(value, '$.available_from'), json_extract(value, '$.status'), json_extract(value, '$.description'), \
     json_extract(value, '$.rules'), json_extract(value, '$.landlord'), json_extract(value, '$.search_text'), \
     json_extract(value, '$.street'), json_extract(value, '$.created_at'), json_extract(value, '$.updated_at') \
     FROM json_each(?2) WHERE true";

/// Every column but the identity ones, for an upsert or an update.
const SET_ALL: &str = "kind = excluded.kind, type = excluded.type, beds = excluded.beds, baths = excluded.baths, \
     price = excluded.price, price_period = excluded.price_period, area = excluded.area, postcode = excluded.postcode, \
     address = excluded.address, features = excluded.features, available_from = excluded.available_from, \
     status = excluded.status, description = excluded.description, rules = excluded.rules, \
     landlord = excluded.landlord, search_text = excluded.search_text, street = excluded.street, \
     updated_at = excluded.updated_at";

/// A listing as the JSON object `INSERT` reads; JSON columns as text, derived columns filled.
fn row_json(l: &Listing) -> Result<serde_json::Value> {
    Ok(json!({
        "id": l.id, "reference": l.reference, "kind": l.kind, "type": l.property_type, "beds": l.beds,
        "baths": l.baths, "price": l.price, "price_period": l.price_period, "area": l.area, "postcode": l.postcode,
        "address": l.address, "features": serde_json::to_string(&l.features)?, "available_from": l.available_from,
        "status": l.status, "description": l.description,
        "rules": l.rules.as_ref().map(serde_json::to_string).transpose()?,
        "landlord": l.landlord.as_ref().map(serde_json::to_string).transpose()?,
        "search_text": l.search_text(), "street": street(&l.address).unwrap_or_default(),
        "created_at": l.created_at, "updated_at": l.updated_at,
    }))
}

fn rows_arg(listings: &[&Listing]) -> Result<String> {
    Ok(serde_json::to_string(&listings.iter().map(|l| row_json(l)).collect::<Result<Vec<_>>>()?)?)
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// Stores a new listing; `false` when the tenant already has one with its reference.
pub async fn insert(db: &D1Database, tenant_id: &str, listing: &Listing) -> Result<bool> {
    let rows = rows_arg(&[listing])?;
    let results = db
        .batch(vec![
            statement(db, &format!("{INSERT} ON CONFLICT DO NOTHING"), &[Arg::Text(tenant_id), Arg::Text(&rows)])?,
            statement(
                db,
                "SELECT id FROM listings WHERE tenant_id = ?1 AND reference = ?2",
                &[Arg::Text(tenant_id), Arg::Text(&listing.reference)],
            )?,
        ])
        .await?;
    let held = results.last().map(|r| r.results::<Id>()).transpose()?.unwrap_or_default();
    Ok(held.first().is_some_and(|h| h.id == listing.id))
}

/// How an import went: new references, and references that replaced a stored listing.
pub struct Upserted {
    pub imported: usize,
    pub updated: usize,
}

/// Inserts or replaces by reference, in one batch (a listing keeps its id and `created_at`).
pub async fn upsert(db: &D1Database, tenant_id: &str, listings: &[Listing]) -> Result<Upserted> {
    if listings.is_empty() {
        return Ok(Upserted { imported: 0, updated: 0 });
    }
    let references = serde_json::to_string(&listings.iter().map(|l| &l.reference).collect::<Vec<_>>())?;
    // Read in the same transaction, before the writes: which references were there already.
    let mut batch = vec![statement(
        db,
        "SELECT count(*) AS n FROM listings WHERE tenant_id = ?1 AND reference IN (SELECT value FROM json_each(?2))",
        &[Arg::Text(tenant_id), Arg::Text(&references)],
    )?];
    let sql = format!("{INSERT} ON CONFLICT (tenant_id, reference) DO UPDATE SET {SET_ALL}");
    for group in listings.chunks(ROWS_PER_STATEMENT) {
        let rows = rows_arg(&group.iter().collect::<Vec<_>>())?;
        batch.push(statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(&rows)])?);
    }
    let results = db.batch(batch).await?;
    #[derive(Deserialize)]
    struct Count {
        n: f64,
    }
    let existing = results.first().map(|r| r.results::<Count>()).transpose()?.unwrap_or_default();
    let updated = existing.first().map_or(0, |c| c.n as usize);
    Ok(Upserted { imported: listings.len() - updated, updated })
}

pub enum Update {
    Done,
    Missing,
    /// Another of the tenant's listings has the reference.
    ReferenceTaken,
}

/// Replaces the tenant's listing `listing.id` (every field but `id` and `created_at`).
pub async fn update(db: &D1Database, tenant_id: &str, listing: &Listing) -> Result<Update> {
    let taken = statement(
        db,
        "SELECT id FROM listings WHERE tenant_id = ?1 AND reference = ?2 AND id <> ?3",
        &[Arg::Text(tenant_id), Arg::Text(&listing.reference), Arg::Text(&listing.id)],
    )?
    .first::<Id>(None)
    .await?;
    if taken.is_some() {
        return Ok(Update::ReferenceTaken);
    }
    let rows = rows_arg(&[listing])?;
    // The row is rewritten through the same JSON path as inserts, confined to the tenant's id.
    let sql = format!(
        "UPDATE listings SET reference = n.reference, {} FROM ({}) AS n WHERE listings.tenant_id = ?1 AND listings.id = ?3",
        SET_ALL.replace("excluded.", "n."),
        "SELECT json_extract(value, '$.reference') AS reference, json_extract(value, '$.kind') AS kind, \
         json_extract(value, '$.type') AS type, json_extract(value, '$.beds') AS beds, \
         json_extract(value, '$.baths') AS baths, json_extract(value, '$.price') AS price, \
         json_extract(value, '$.price_period') AS price_period, json_extract(value, '$.area') AS area, \
         json_extract(value, '$.postcode') AS postcode, json_extract(value, '$.address') AS address, \
         json_extract(value, '$.features') AS features, json_extract(value, '$.available_from') AS available_from, \
         json_extract(value, '$.status') AS status, json_extract(value, '$.description') AS description, \
         json_extract(value, '$.rules') AS rules, json_extract(value, '$.landlord') AS landlord, \
         json_extract(value, '$.search_text') AS search_text, json_extract(value, '$.street') AS street, \
         json_extract(value, '$.updated_at') AS updated_at FROM json_each(?2)"
    );
    let result = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(&rows), Arg::Text(&listing.id)])?.run().await?;
    let changed = result.meta()?.and_then(|m| m.changes).unwrap_or(0);
    Ok(if changed > 0 { Update::Done } else { Update::Missing })
}

/// Deletes the tenant's listing and the interest recorded in it; `false` when there was none.
pub async fn delete(db: &D1Database, tenant_id: &str, id: &str) -> Result<bool> {
    let args = [Arg::Text(tenant_id), Arg::Text(id)];
    let results = db
        .batch(vec![
            statement(db, "DELETE FROM listing_interest WHERE tenant_id = ?1 AND listing_id = ?2", &args)?,
            statement(db, "DELETE FROM listings WHERE tenant_id = ?1 AND id = ?2", &args)?,
        ])
        .await?;
    let changed = results.last().map(|r| r.meta()).transpose()?.flatten().and_then(|m| m.changes).unwrap_or(0);
    Ok(changed > 0)
}

/// The catalogue newest first, one page (the unfiltered `GET /api/v1/listings`).
pub async fn list_page(db: &D1Database, tenant_id: &str, request: &PageRequest) -> Result<Vec<Listing>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"
    );
    let args =
        [Arg::Text(tenant_id), Arg::OptText(request.before.as_deref()), Arg::Int(u64::from(request.fetch_limit()))];
    let rows: Vec<Row> = statement(db, &sql, &args)?.all().await?.results()?;
    into_listings(rows)
}
