//! The listings API (docs/API.md "Listings"): search or page the catalogue, create one, import
//! CSV (upsert by reference), get, update, delete; and a contact's interest in listings.
//! Another tenant's listing or contact answers 404, exactly like one that does not exist.

use super::{authenticate, body_bytes, json_body, query_params};
use crate::error::{json_response, AppResult};
use crate::platform::d1::listings::{self as store, Update};
use crate::platform::d1::{statement, Arg};
use frontdesk_core::api::{page, ApiError, PageRequest};
use frontdesk_core::ids;
use frontdesk_core::listings::csv::from_csv;
use frontdesk_core::listings::query::from_params;
use frontdesk_core::listings::{from_json, merge_json, summary, InterestLevel, Listing, Medium};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::listings::{self as shared};
use frontdesk_durable::platform::saved_searches;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Env, Request, Response};

const MAX_BODY_BYTES: usize = 64 * 1024;
/// 2,000 rows of generous length.
const MAX_CSV_BYTES: usize = 4_000_000;

/// A listing in a list: the Contract's fields, the price's period, and its summary.
fn list_item(l: &Listing) -> Value {
    json!({
        "id": l.id, "reference": l.reference, "kind": l.kind, "type": l.property_type, "beds": l.beds,
        "baths": l.baths, "price": l.price, "price_period": l.price_period, "area": l.area, "postcode": l.postcode,
        "address": l.address, "features": l.features, "available_from": l.available_from, "status": l.status,
        "summary": summary(l, Medium::Text),
    })
}

/// One listing in full, with its summaries for text and for speech.
fn detail(l: &Listing) -> AppResult<Value> {
    let mut value = serde_json::to_value(l)?;
    value["summary"] = Value::String(summary(l, Medium::Text));
    value["summary_speech"] = Value::String(summary(l, Medium::Speech));
    Ok(value)
}

/// `GET /api/v1/listings`: with any of `kind`, `beds`, `max_price`, `area`, `q`, `status`, the
/// best matches first (at most `limit`, no further page); without, the whole catalogue newest
/// first in pages (`limit`, `cursor`).
pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let param = query_params(&req)?;
    Ok(json_response(200, &search_page(&db, &tenant_id, param).await?))
}

/// The listings a query (read through `param`) asks for, as the list endpoint's page; shared
/// with the MCP `search_listings` tool.
pub async fn search_page(db: &D1Database, tenant_id: &str, param: impl Fn(&str) -> Option<String>) -> AppResult<Value> {
    let request = PageRequest::from_query(param("limit").as_deref(), param("cursor").as_deref());
    match from_params(&param).map_err(ApiError::bad_request)? {
        Some(query) => {
            let found = shared::search(db, tenant_id, &query).await?;
            Ok(json!({"data": found.iter().map(list_item).collect::<Vec<_>>(), "next_cursor": null}))
        }
        None => {
            let request = request?;
            let rows = store::list_page(db, tenant_id, &request).await?;
            Ok(page(&request, rows.iter().map(list_item).map(Item).collect()))
        }
    }
}

/// A list item with its id, for `page`.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Item(Value);

impl frontdesk_core::api::Identified for Item {
    fn id(&self) -> &str {
        self.0["id"].as_str().unwrap_or_default()
    }
}

fn stamp(mut listing: Listing, now: u64) -> Listing {
    listing.id = ids::make(ids::LISTING, now, WorkerRandom.next_u64());
    listing.created_at = now;
    listing.updated_at = now;
    listing
}

/// `POST /api/v1/listings`: one listing as JSON → 201; a reference the tenant has → 409.
pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let listing = from_json(&raw).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let now = WorkerClock.now_ms();
    let listing = stamp(listing, now);
    if !store::insert(&db, &tenant_id, &listing).await? {
        return Err(reference_taken(&listing.reference).into());
    }
    let value = detail(&listing)?;
    offer(env, &db, &tenant_id, vec![(None, listing)], now).await;
    Ok(json_response(201, &value))
}

fn reference_taken(reference: &str) -> ApiError {
    ApiError::conflict(format!("a listing with reference {reference} exists already"))
}

/// `POST /api/v1/listings/import`: CSV; every good row stored (new, or replacing the listing
/// with its reference), every bad row named with its line and stored nowhere.
pub async fn import(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let raw = body_bytes(&mut req, MAX_CSV_BYTES).await?;
    let text = super::csv_text(&raw)?;
    let import = from_csv(text).map_err(ApiError::bad_request)?;
    let now = WorkerClock.now_ms();
    let listings: Vec<Listing> = import.listings.into_iter().map(|(_, l)| stamp(l, now)).collect();
    let references: Vec<&str> = listings.iter().map(|l| l.reference.as_str()).collect();
    let before = shared::by_references(&db, &tenant_id, &references).await?;
    let outcome = store::upsert(&db, &tenant_id, &listings).await?;
    // Read back: a replaced listing keeps its stored id, which the offers name.
    let after = shared::by_references(&db, &tenant_id, &references).await?;
    let written = after.into_iter().map(|a| (before.iter().find(|b| b.reference == a.reference).cloned(), a)).collect();
    offer(env, &db, &tenant_id, written, now).await;
    Ok(json_response(200, &json!({"imported": outcome.imported, "updated": outcome.updated, "errors": import.errors})))
}

/// Offers what the write made news to matching saved searches (`platform::saved_searches`).
/// The listing is stored whatever happens here: a failure is logged, not the request's.
async fn offer(env: &Env, db: &D1Database, tenant_id: &str, written: Vec<(Option<Listing>, Listing)>, now: u64) {
    if let Err(e) = saved_searches::after_listing_writes(env, db, tenant_id, &written, now).await {
        worker::console_error!("offering listings to saved searches failed: {e}");
    }
}

/// `GET /api/v1/listings/{id}`.
pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    Ok(json_response(200, &detail(&find(&db, &tenant_id, id).await?)?))
}

/// `PUT /api/v1/listings/{id}`: the fields sent replace the stored ones (`null` clears an
/// optional field); the result is checked whole.
pub async fn put(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let existing = find(&db, &tenant_id, id).await?;
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let mut listing = merge_json(&existing, &raw).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let now = WorkerClock.now_ms();
    listing.updated_at = now;
    match store::update(&db, &tenant_id, &listing).await? {
        Update::Done => {
            let value = detail(&listing)?;
            offer(env, &db, &tenant_id, vec![(Some(existing), listing)], now).await;
            Ok(json_response(200, &value))
        }
        Update::Missing => Err(ApiError::not_found("listing").into()),
        Update::ReferenceTaken => Err(reference_taken(&listing.reference).into()),
    }
}

/// `DELETE /api/v1/listings/{id}`.
pub async fn delete(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    if !ids::is_well_formed(id) || !store::delete(&db, &tenant_id, id).await? {
        return Err(ApiError::not_found("listing").into());
    }
    Ok(json_response(200, &json!({"deleted": id})))
}

async fn find(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<Listing> {
    let not_found = || ApiError::not_found("listing");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(shared::get(db, tenant_id, id).await?.ok_or_else(not_found)?)
}

/// `GET /api/v1/contacts/{id}/interest`: the listings the contact asked about, was sent,
/// viewed or booked, most recent first.
pub async fn interest(req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    find_contact(&db, &tenant_id, contact_id).await?;
    let rows = shared::interest_of(&db, &tenant_id, contact_id).await?;
    Ok(json_response(200, &json!({"data": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewInterest {
    listing_id: String,
    level: InterestLevel,
}

/// `POST /api/v1/contacts/{id}/interest` `{"listing_id", "level"}`: staff record what happened
/// outside the conversation (a viewing done in person, particulars handed over).
pub async fn add_interest(mut req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let expected = r#"{"listing_id": "lst_…", "level": "asked" | "sent" | "viewed" | "booked"}"#;
    let new: NewInterest = json_body(&mut req, MAX_BODY_BYTES, expected).await?;
    find_contact(&db, &tenant_id, contact_id).await?;
    find(&db, &tenant_id, &new.listing_id).await?;
    let now = WorkerClock.now_ms();
    shared::record_interest(&db, &tenant_id, contact_id, &new.listing_id, new.level, None, now).await?;
    let rows = shared::interest_of(&db, &tenant_id, contact_id).await?;
    Ok(json_response(201, &json!({"data": rows})))
}

pub(crate) async fn find_contact(db: &D1Database, tenant_id: &str, contact_id: &str) -> AppResult<()> {
    let not_found = || ApiError::not_found("contact");
    if !ids::is_well_formed(contact_id) {
        return Err(not_found().into());
    }
    let sql = "SELECT id FROM contacts WHERE tenant_id = ?1 AND id = ?2";
    let found: Option<String> =
        statement(db, sql, &[Arg::Text(tenant_id), Arg::Text(contact_id)])?.first(Some("id")).await?;
    found.map(|_| ()).ok_or_else(|| not_found().into())
}
