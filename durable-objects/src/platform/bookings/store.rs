//! The `bookings` table (migrations-d1/0011_bookings.sql). Every statement filters on
//! `tenant_id`; values are always bound.

use super::{Placement, Tenant};
use crate::platform::d1::{statement, Arg};
use crate::platform::time::WorkerRandom;
use frontdesk_core::booking::{instant, rfc3339, Booking, Busy, Kind, ListingRules, NewBooking, Stay};
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use serde::Deserialize;
use worker::{D1Database, Result};

pub fn new_id(now_ms: u64) -> String {
    ids::make(ids::BOOKING, now_ms, WorkerRandom.next_u64())
}

/// The overlap guard every write carries: no confirmed booking other than `?1` of the same
/// calendar (or listing) within the buffer of `[?7, ?8)`, or, for a stay, no confirmed stay at
/// the listing sharing a night of `[?9, ?10)`. ?2 tenant, ?3 kind, ?4 listing, ?6 staff,
/// ?14 buffer (ms).
const NO_OVERLAP: &str = "NOT EXISTS (SELECT 1 FROM bookings o WHERE o.tenant_id = ?2 AND o.status = 'confirmed' \
     AND o.id <> ?1 AND ( \
       (?3 <> 'stay' AND o.kind <> 'stay' AND o.start_ms < ?8 + ?14 AND o.end_ms + ?14 > ?7 \
         AND (COALESCE(o.staff_id, '') = COALESCE(?6, '') OR (?4 IS NOT NULL AND o.listing_id = ?4))) \
       OR (?3 = 'stay' AND o.kind = 'stay' AND o.listing_id = ?4 AND o.check_in < ?10 AND o.check_out > ?9)))";

#[allow(clippy::too_many_arguments)]
fn args<'a>(
    id: &'a str,
    tenant_id: &'a str,
    kind: &'a str,
    listing_id: Option<&'a str>,
    contact_id: &'a str,
    p: &'a Placement,
    check_in: &'a Option<String>,
    check_out: &'a Option<String>,
    source: &'a str,
    now_ms: u64,
) -> Vec<Arg<'a>> {
    vec![
        Arg::Text(id),
        Arg::Text(tenant_id),
        Arg::Text(kind),
        Arg::OptText(listing_id),
        Arg::Text(contact_id),
        Arg::OptText(p.slot.staff_id.as_deref()),
        Arg::Int(p.slot.start_ms),
        Arg::Int(p.slot.end_ms),
        Arg::OptText(check_in.as_deref()),
        Arg::OptText(check_out.as_deref()),
        Arg::Signed(i64::from(p.slot.offset_minutes)),
        Arg::Text(source),
        Arg::Int(now_ms),
        Arg::Int(p.buffer_ms),
    ]
}

fn dates(p: &Placement) -> (Option<String>, Option<String>) {
    (p.stay.map(|s| s.check_in.to_string()), p.stay.map(|s| s.check_out.to_string()))
}

/// Writes a new confirmed booking unless something overlaps it; true when written.
pub async fn insert(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    new: &NewBooking,
    p: Placement,
    now_ms: u64,
) -> Result<bool> {
    let (check_in, check_out) = dates(&p);
    let sql = format!(
        "INSERT INTO bookings (id, tenant_id, kind, listing_id, contact_id, staff_id, start_ms, end_ms, check_in, \
                               check_out, offset_minutes, status, source, created_at, updated_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'confirmed', ?12, ?13, ?13 WHERE {NO_OVERLAP}"
    );
    let a = args(
        id,
        tenant_id,
        new.kind.as_str(),
        new.listing_id.as_deref(),
        &new.contact_id,
        &p,
        &check_in,
        &check_out,
        &new.source,
        now_ms,
    );
    changed(statement(db, &sql, &a)?.run().await?)
}

/// Moves a confirmed booking unless the new time overlaps another; true when moved. The
/// reminder and review request are due again for the new time.
pub async fn reschedule(db: &D1Database, tenant_id: &str, row: &Row, p: Placement, now_ms: u64) -> Result<bool> {
    let (check_in, check_out) = dates(&p);
    let sql = format!(
        "UPDATE bookings SET staff_id = ?6, start_ms = ?7, end_ms = ?8, check_in = ?9, check_out = ?10, \
                offset_minutes = ?11, updated_at = ?13, reminder_sent_at = NULL, review_sent_at = NULL \
         WHERE tenant_id = ?2 AND id = ?1 AND status = 'confirmed' AND {NO_OVERLAP}"
    );
    let a = args(
        &row.id,
        tenant_id,
        &row.kind,
        row.listing_id.as_deref(),
        &row.contact_id,
        &p,
        &check_in,
        &check_out,
        "",
        now_ms,
    );
    changed(statement(db, &sql, &a)?.run().await?)
}

/// true when this call cancelled it.
pub async fn cancel(db: &D1Database, tenant_id: &str, id: &str, now_ms: u64) -> Result<bool> {
    changed(
        statement(
            db,
            "UPDATE bookings SET status = 'cancelled', updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND status = 'confirmed'",
            &[Arg::Text(tenant_id), Arg::Text(id), Arg::Int(now_ms)],
        )?
        .run()
        .await?,
    )
}

fn changed(result: worker::D1Result) -> Result<bool> {
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// A `listings.rules` value, if the listing exists and its rules read. The listings table is
/// another part's (0010); until it exists, or for a listing without rules, the tenant's apply.
pub async fn listing_rules(db: &D1Database, tenant_id: &str, listing_id: &str) -> Option<ListingRules> {
    #[derive(Deserialize)]
    struct R {
        rules: Option<String>,
    }
    let query = statement(
        db,
        "SELECT rules FROM listings WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(listing_id)],
    );
    let row: Option<R> = match query {
        Ok(q) => q.first(None).await.unwrap_or_else(|e| {
            worker::console_warn!("listing rules unavailable: {e}");
            None
        }),
        Err(_) => None,
    };
    let rules = row?.rules?;
    serde_json::from_str(&rules)
        .map_err(|e| worker::console_error!("listing {listing_id} of {tenant_id} has unreadable rules: {e}"))
        .ok()
}

/// Confirmed slot bookings touching `days` local days from `from` (a day's margin either way
/// covers buffers and offsets), except booking `except`.
pub async fn busy(
    db: &D1Database,
    tenant_id: &str,
    t: &Tenant,
    from: CivilDate,
    days: u16,
    except: Option<&str>,
) -> Result<Vec<Busy>> {
    #[derive(Deserialize)]
    struct B {
        start_ms: u64,
        end_ms: u64,
        staff_id: Option<String>,
        listing_id: Option<String>,
    }
    let start = instant(&t.zone, from.add_days(-1), 0);
    let end = instant(&t.zone, from.add_days(i64::from(days) + 1), 0);
    let rows: Vec<B> = statement(
        db,
        "SELECT start_ms, end_ms, staff_id, listing_id FROM bookings WHERE tenant_id = ?1 AND status = 'confirmed' \
         AND kind <> 'stay' AND start_ms < ?3 AND end_ms > ?2 AND id <> ?4",
        &[Arg::Text(tenant_id), Arg::Int(start), Arg::Int(end), Arg::Text(except.unwrap_or(""))],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|b| Busy { start_ms: b.start_ms, end_ms: b.end_ms, staff_id: b.staff_id, listing_id: b.listing_id })
        .collect())
}

/// The listing's confirmed stays within a year and a half of `around` (the alternative search's
/// reach), except booking `except`.
pub async fn stays(
    db: &D1Database,
    tenant_id: &str,
    listing_id: &str,
    around: &Stay,
    except: Option<&str>,
) -> Result<Vec<Stay>> {
    #[derive(Deserialize)]
    struct S {
        check_in: String,
        check_out: String,
    }
    let (from, to) = (around.check_in.add_days(-550).to_string(), around.check_out.add_days(550).to_string());
    let rows: Vec<S> = statement(
        db,
        "SELECT check_in, check_out FROM bookings WHERE tenant_id = ?1 AND listing_id = ?2 AND kind = 'stay' \
         AND status = 'confirmed' AND check_out > ?3 AND check_in < ?4 AND id <> ?5",
        &[
            Arg::Text(tenant_id),
            Arg::Text(listing_id),
            Arg::Text(&from),
            Arg::Text(&to),
            Arg::Text(except.unwrap_or("")),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|s| Some(Stay { check_in: s.check_in.parse().ok()?, check_out: s.check_out.parse().ok()? }))
        .collect())
}

const COLUMNS: &str = "id, kind, status, contact_id, listing_id, staff_id, start_ms, end_ms, check_in, check_out, \
                       offset_minutes, source, created_at, updated_at, calcom_uid, hubspot_deal_id";

/// A `bookings` row.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: String,
    /// Read by the sweeper, which works across tenants.
    #[serde(default)]
    pub tenant_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub contact_id: String,
    pub listing_id: Option<String>,
    pub staff_id: Option<String>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub offset_minutes: i32,
    pub source: String,
    pub created_at: u64,
    pub updated_at: u64,
    /// Not read by the sweeper's queries (their own column lists).
    #[serde(default)]
    pub calcom_uid: Option<String>,
    #[serde(default)]
    pub hubspot_deal_id: Option<String>,
}

impl Row {
    pub fn into_booking(self) -> Booking {
        let (start, end) = match (self.check_in, self.check_out) {
            (Some(a), Some(b)) => (a, b),
            _ => (rfc3339(self.start_ms, self.offset_minutes), rfc3339(self.end_ms, self.offset_minutes)),
        };
        Booking {
            id: self.id,
            kind: Kind::parse(&self.kind).unwrap_or(Kind::Appointment),
            status: self.status,
            contact_id: self.contact_id,
            listing_id: self.listing_id,
            staff_id: self.staff_id,
            start,
            end,
            source: self.source,
            created_at: self.created_at,
            updated_at: self.updated_at,
            calcom_uid: self.calcom_uid,
            hubspot_deal_id: self.hubspot_deal_id,
        }
    }
}

pub async fn row(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Row>> {
    statement(
        db,
        &format!("SELECT {COLUMNS} FROM bookings WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// The contact's next confirmed booking starting within `[from_ms, to_ms)`.
pub async fn next_for_contact(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    from_ms: u64,
    to_ms: u64,
) -> Result<Option<Row>> {
    statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM bookings WHERE tenant_id = ?1 AND contact_id = ?2 AND status = 'confirmed' \
             AND start_ms >= ?3 AND start_ms < ?4 ORDER BY start_ms, id LIMIT 1"
        ),
        &[Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Int(from_ms), Arg::Int(to_ms)],
    )?
    .first(None)
    .await
}

/// `GET /api/v1/bookings`' filters: a contact, and bookings starting within `[from_ms, to_ms)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub contact_id: Option<String>,
    pub from_ms: Option<u64>,
    pub to_ms: Option<u64>,
}

/// The most bookings one list answers: narrow with `from`/`to` for more.
pub const LIST_LIMIT: u64 = 500;

pub async fn list(db: &D1Database, tenant_id: &str, q: &ListQuery) -> Result<Vec<Booking>> {
    let rows: Vec<Row> = statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM bookings WHERE tenant_id = ?1 AND (?2 IS NULL OR contact_id = ?2) \
             AND start_ms >= ?3 AND start_ms < ?4 ORDER BY start_ms, id LIMIT ?5"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::OptText(q.contact_id.as_deref()),
            Arg::Int(q.from_ms.unwrap_or(0)),
            Arg::Int(q.to_ms.unwrap_or(1 << 52)),
            Arg::Int(LIST_LIMIT),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Row::into_booking).collect())
}
