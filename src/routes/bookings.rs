//! `GET /api/v1/availability`, `POST /api/v1/bookings`, `GET /api/v1/bookings[/{id}]` and
//! `POST /api/v1/bookings/{id}` (cancel or reschedule), per docs/API.md. Parsing and the HTTP
//! shape live here; judging and writing are `frontdesk_durable::platform::bookings`, shared
//! with the conversation.

use super::{authenticate, json_body, query_param, query_params};
use crate::error::{json_response, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::booking::request::BookingRequest;
use frontdesk_core::booking::{parse_rfc3339, Alternative, Booking, BookingRefusal, Kind, NewBooking, Stay, When};
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::contact_key::Email;
use frontdesk_core::ids;
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::bookings::{self, AvailabilityQuery, ListQuery, MAX_DAYS};
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Request, Response};

const MAX_BODY_BYTES: usize = 4096;
/// No single viewing or appointment runs longer than a working day.
const MAX_SLOT_MS: u64 = 12 * 60 * 60 * 1000;

pub async fn availability(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let param = query_params(&req)?;
    Ok(json_response(200, &json!({ "data": free_slots(env, &db, &tenant_id, param).await? })))
}

/// The free slots a query (`kind`, `from`, `days`, `listing_id`, read through `param`) asks
/// for, as `{start, end}`; bad values are 400. Shared with the MCP `check_availability` tool.
pub async fn free_slots(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    param: impl Fn(&str) -> Option<String>,
) -> AppResult<Vec<serde_json::Value>> {
    let kind = match param("kind").as_deref() {
        Some("viewing") => Kind::Viewing,
        Some("appointment") => Kind::Appointment,
        _ => return Err(ApiError::bad_request("`kind` must be viewing or appointment").into()),
    };
    let from = match param("from") {
        Some(d) => Some(d.parse::<CivilDate>().map_err(|_| ApiError::bad_request("`from` must be a YYYY-MM-DD date"))?),
        None => None,
    };
    let days = match param("days") {
        Some(n) => n.parse::<u16>().ok().filter(|n| (1..=MAX_DAYS).contains(n)),
        None => Some(7),
    }
    .ok_or_else(|| ApiError::bad_request(format!("`days` must be 1 to {MAX_DAYS}")))?;
    let listing_id = param("listing_id");
    check_listing_id(listing_id.as_deref())?;
    let query = AvailabilityQuery { kind, from, days, listing_id };
    let slots = bookings::availability(env, db, tenant_id, &query, WorkerClock.now_ms()).await?;
    Ok(slots.iter().map(|s| json!({ "start": s.start_rfc3339(), "end": s.end_rfc3339() })).collect())
}

const NEW_SHAPE: &str = r#"{"kind": "viewing" | "appointment" | "stay", "contact": {"phone"?, "email"?, "name"?}, "listing_id"?, "start", "end"?}"#;

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let body: BookingRequest = json_body(&mut req, MAX_BODY_BYTES, NEW_SHAPE).await?;
    answer(201, book(env, &db, &tenant_id, body, "api").await?)
}

/// Checks a booking request, finds or creates its contact and books it through the rules
/// engine; bad values are 400. Shared with the MCP `book_appointment` tool (`source` says who).
pub async fn book(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    body: BookingRequest,
    source: &str,
) -> AppResult<Result<Booking, BookingRefusal>> {
    let kind =
        Kind::parse(&body.kind).ok_or_else(|| ApiError::bad_request("`kind` must be viewing, appointment or stay"))?;
    check_listing_id(body.listing_id.as_deref())?;
    if kind == Kind::Stay && body.listing_id.is_none() {
        return Err(ApiError::bad_request("`listing_id` is required for a stay").into());
    }
    let when = when(kind, &body.start, body.end.as_deref())?;
    let phone = match body.contact.phone.as_deref() {
        Some(p) => {
            Some(PhoneE164::parse(p).map_err(|_| ApiError::bad_request("`contact.phone` must be an E.164 number"))?)
        }
        None => None,
    };
    let email = match body.contact.email.as_deref() {
        Some(e) => Some(Email::parse(e).map_err(|why| ApiError::bad_request(format!("`contact.email`: {why}")))?),
        None => None,
    };
    if phone.is_none() && email.is_none() {
        return Err(ApiError::bad_request("`contact` needs a `phone` or an `email`").into());
    }
    let name = body.contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 120) {
        return Err(ApiError::bad_request("`contact.name`: at most 120 characters").into());
    }
    let now = WorkerClock.now_ms();
    let contact_id = bookings::contact_for(
        db,
        tenant_id,
        phone.as_ref().map(PhoneE164::as_str),
        email.as_ref().map(Email::as_str),
        name,
        now,
    )
    .await?
    .ok_or_else(ApiError::internal)?;
    let new = NewBooking { kind, contact_id, listing_id: body.listing_id, when, source: source.into() };
    Ok(bookings::book(env, db, tenant_id, &new, now).await?)
}

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let contact_id = query_param(&req, "contact_id")?;
    if contact_id.as_deref().is_some_and(|id| !ids::is_well_formed(id)) {
        return Err(ApiError::bad_request("`contact_id` is not a contact id").into());
    }
    let bound = |name: &'static str| -> AppResult<Option<u64>> {
        match query_param(&req, name)? {
            None => Ok(None),
            Some(v) => Ok(Some(
                parse_rfc3339(&v)
                    .or_else(|| v.parse::<CivilDate>().ok().map(|d| (d.to_days().max(0) as u64) * 86_400_000))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!("`{name}` must be YYYY-MM-DD or an RFC 3339 date-time"))
                    })?,
            )),
        }
    };
    let query = ListQuery { contact_id, from_ms: bound("from")?, to_ms: bound("to")? };
    let data = bookings::list(&db, &tenant_id, &query).await?;
    Ok(json_response(200, &json!({ "data": data })))
}

pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    let not_found = || ApiError::not_found("booking");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    let booking = bookings::get(&db, &tenant_id, id).await?.ok_or_else(not_found)?;
    Ok(json_response(200, &serde_json::to_value(booking)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

pub async fn update(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let body: UpdateBody =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"status": "cancelled"} or {"start", "end"?}"#).await?;
    if !ids::is_well_formed(id) {
        return Err(ApiError::not_found("booking").into());
    }
    let now = WorkerClock.now_ms();
    let outcome = match (body.status.as_deref(), body.start.as_deref()) {
        (Some("cancelled"), None) => bookings::cancel(env, &db, &tenant_id, id, now).await?,
        (Some(_), None) => return Err(ApiError::bad_request("`status` can only be set to cancelled").into()),
        (None, Some(start)) => {
            let existing = bookings::get(&db, &tenant_id, id).await?.ok_or_else(|| ApiError::not_found("booking"))?;
            let when = when(existing.kind, start, body.end.as_deref())?;
            bookings::reschedule(env, &db, &tenant_id, id, &when, now).await?
        }
        _ => return Err(ApiError::bad_request("send either `status` or `start` (and `end`)").into()),
    };
    answer(200, outcome)
}

/// `start`/`end` as the kind reads them: RFC 3339 for slots, dates for stays.
fn when(kind: Kind, start: &str, end: Option<&str>) -> AppResult<When> {
    if kind == Kind::Stay {
        let date = |v: &str, name: &str| {
            v.parse::<CivilDate>()
                .map_err(|_| ApiError::bad_request(format!("`{name}` must be a YYYY-MM-DD date for a stay")))
        };
        let check_in = date(start, "start")?;
        let check_out =
            date(end.ok_or_else(|| ApiError::bad_request("`end` (check-out) is required for a stay"))?, "end")?;
        if check_out <= check_in {
            return Err(ApiError::bad_request("`end` must be after `start`").into());
        }
        return Ok(When::Stay(Stay { check_in, check_out }));
    }
    let instant = |v: &str, name: &str| {
        parse_rfc3339(v)
            .ok_or_else(|| ApiError::bad_request(format!("`{name}` must be an RFC 3339 date-time with an offset")))
    };
    let start_ms = instant(start, "start")?;
    let end_ms = end.map(|e| instant(e, "end")).transpose()?;
    if end_ms.is_some_and(|e| e <= start_ms || e - start_ms > MAX_SLOT_MS) {
        return Err(ApiError::bad_request("`end` must be after `start`, within 12 hours").into());
    }
    Ok(When::Slot { start_ms, end_ms })
}

fn check_listing_id(id: Option<&str>) -> AppResult<()> {
    if id.is_some_and(|id| id.is_empty() || id.len() > 64 || id.contains(|c: char| c.is_whitespace() || c.is_control()))
    {
        return Err(ApiError::bad_request("`listing_id`: 1-64 characters, no spaces").into());
    }
    Ok(())
}

/// A booking, or the refusal in the documented error shape (409 `slot_taken`, 422
/// `rule_violation` with the rule, 422 `outside_hours`, each with the nearest alternative).
fn answer(status: u16, outcome: Result<Booking, BookingRefusal>) -> AppResult<Response> {
    match judged(outcome)? {
        Ok(booking) => Ok(json_response(status, &serde_json::to_value(booking)?)),
        Err((status, error)) => Ok(json_response(status, &error)),
    }
}

/// The booking, or the refusal's HTTP status and `{"error": …}` body; a booking that does not
/// exist or is cancelled is the API error it always is. Shared with the MCP tool.
pub fn judged(outcome: Result<Booking, BookingRefusal>) -> AppResult<Result<Booking, (u16, serde_json::Value)>> {
    let refusal = match outcome {
        Ok(booking) => return Ok(Ok(booking)),
        Err(BookingRefusal::NotFound) => return Err(ApiError::not_found("booking").into()),
        Err(BookingRefusal::Cancelled) => return Err(ApiError::conflict("the booking is cancelled").into()),
        Err(refusal) => refusal,
    };
    let mut error = json!({ "code": refusal.code(), "message": refusal.message() });
    if let BookingRefusal::RuleViolation(v) = &refusal {
        error["rule"] = json!(v.rule);
    }
    if let Some(alt) = refusal.alternative() {
        let (start, end) = Alternative::bounds(alt);
        error["alternative"] = json!({ "start": start, "end": end });
    }
    let status = if matches!(refusal, BookingRefusal::SlotTaken { .. }) { 409 } else { 422 };
    Ok(Err((status, json!({ "error": error }))))
}
