//! Bookings over D1: the one implementation behind `/api/v1/availability`, `/api/v1/bookings`,
//! the conversation's turn and the LLM's tools. Judging is core's (`frontdesk_core::booking`);
//! this module loads what core needs, writes atomically and tells the contact.
//!
//! Every call takes the business clock's `now_ms` (core `Clock`), so tests can move it.
//!
//! **No double booking.** A booking (or a move) is one `INSERT … SELECT … WHERE NOT EXISTS`
//! (or `UPDATE … WHERE NOT EXISTS`) against the confirmed bookings of the same calendar or
//! listing: D1 runs each statement atomically, so of two racing requests exactly one writes.
//! The loser is re-judged against the fresh diary: another staff member free at that time
//! takes it, or it is refused `SlotTaken` with the nearest free alternative.
//!
//! **Effects.** Each booking, move or cancellation then writes, in one batch: an outbound
//! message to the contact (their latest SMS/WhatsApp conversation, else a new one on SMS or
//! email — so it shows on the contact's timeline like any reply), its delivery intent and
//! outbox row (the ordinary `deliver_message` path), and an `audit_log` entry
//! (`booking.created|rescheduled|cancelled`); then queues the delivery and a live
//! `booking.created`/`booking.updated` event. A Worker dying between the booking and that
//! batch loses the confirmation, never the booking.

mod calcom;
mod due;
mod notify;
mod store;

pub use calcom::CALCOM_API_BASE_VAR;
pub use due::{send_due, DueReport};
pub use notify::{contact_for, upcoming};
pub use store::ListQuery;

use super::d1::{statement, Arg};
use super::time::{local_time, TenantZone};
use frontdesk_core::booking::rules::nearest_stay;
use frontdesk_core::booking::slots::check_window;
use frontdesk_core::booking::{
    check_slot, check_stay, effective_rules, free_slots, instant, Alternative, Booking, BookingRefusal, BookingRules,
    Calendar, Change, Kind, NewBooking, Slot, Stay, When,
};
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::tenant::Settings;
use store::Row;
use worker::{D1Database, Env, Result};

/// `GET /api/v1/availability`'s question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityQuery {
    /// Viewing or appointment (stays are judged by [`book`] and `check_stay`).
    pub kind: Kind,
    /// First local date; `None` = today.
    pub from: Option<CivilDate>,
    pub days: u16,
    pub listing_id: Option<String>,
}

/// The most days one availability question covers.
pub const MAX_DAYS: u16 = 31;

/// A stay's check-in and check-out times (local), used for its reminder and review request.
const CHECK_IN_MINUTE: u16 = 15 * 60;
const CHECK_OUT_MINUTE: u16 = 11 * 60;

/// What a tenant's bookings are judged with.
pub(crate) struct Tenant {
    pub name: String,
    pub settings: Settings,
    pub zone: TenantZone,
    pub today: CivilDate,
}

pub(crate) async fn tenant(db: &D1Database, tenant_id: &str, now_ms: u64) -> Result<Option<Tenant>> {
    #[derive(serde::Deserialize)]
    struct T {
        name: String,
        timezone: String,
        settings: String,
    }
    let row: Option<T> =
        statement(db, "SELECT name, timezone, settings FROM tenants WHERE id = ?1", &[Arg::Text(tenant_id)])?
            .first(None)
            .await?;
    Ok(row.map(|t| Tenant {
        name: t.name,
        settings: serde_json::from_str(&t.settings).unwrap_or_default(),
        today: local_time(now_ms, &t.timezone).date,
        zone: TenantZone::new(&t.timezone),
    }))
}

impl Tenant {
    /// The rules in force now for `listing_id` (its `listings.rules` over the tenant's).
    async fn rules(&self, db: &D1Database, tenant_id: &str, listing_id: Option<&str>, now_ms: u64) -> BookingRules {
        let listing = match listing_id {
            Some(id) => store::listing_rules(db, tenant_id, id).await,
            None => None,
        };
        effective_rules(&self.settings.booking_rules, listing.as_ref(), listing_id, self.today, now_ms)
    }
}

/// The free slots for `query`, in time order (one per start time); with Cal.com as the
/// tenant's calendar source, only those Cal.com offers too.
pub async fn availability(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    query: &AvailabilityQuery,
    now_ms: u64,
) -> Result<Vec<Slot>> {
    let Some(t) = tenant(db, tenant_id, now_ms).await? else { return Ok(Vec::new()) };
    let from = query.from.unwrap_or(t.today).max(t.today);
    let days = query.days.clamp(1, MAX_DAYS);
    // Independent reads, side by side: a caller asking "when can I view it?" waits for both.
    let (rules, busy) = futures::join!(
        t.rules(db, tenant_id, query.listing_id.as_deref(), now_ms),
        store::busy(db, tenant_id, &t, from, days, None)
    );
    let busy = busy?;
    let cal = Calendar {
        settings: &t.settings,
        rules: &rules,
        zone: &t.zone,
        busy: &busy,
        kind: query.kind,
        listing_id: query.listing_id.as_deref(),
        today: t.today,
        now_ms,
    };
    Ok(calcom::restrict(env, tenant_id, &t, from, days, free_slots(&cal, from, days)).await)
}

/// Books `new` for its contact, or says why not. `Err` is a storage failure only.
pub async fn book(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    new: &NewBooking,
    now_ms: u64,
) -> Result<std::result::Result<Booking, BookingRefusal>> {
    let Some(t) = tenant(db, tenant_id, now_ms).await? else { return Ok(Err(BookingRefusal::NotFound)) };
    let id = store::new_id(now_ms);
    let placed =
        place(db, tenant_id, &t, &id, new.kind, new.listing_id.as_deref(), &new.when, now_ms, Write::Insert(new))
            .await?;
    Ok(match placed {
        Ok(()) => Ok(notify::after(env, db, tenant_id, &t, &id, Change::Created, now_ms).await?),
        Err(refusal) => Err(refusal),
    })
}

/// Moves a confirmed booking to `when`, re-judged by every rule as a new booking would be.
pub async fn reschedule(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    booking_id: &str,
    when: &When,
    now_ms: u64,
) -> Result<std::result::Result<Booking, BookingRefusal>> {
    let Some(t) = tenant(db, tenant_id, now_ms).await? else { return Ok(Err(BookingRefusal::NotFound)) };
    let Some(row) = store::row(db, tenant_id, booking_id).await? else { return Ok(Err(BookingRefusal::NotFound)) };
    if row.status != "confirmed" {
        return Ok(Err(BookingRefusal::Cancelled));
    }
    let kind = Kind::parse(&row.kind).unwrap_or(Kind::Appointment);
    if matches!((kind, when), (Kind::Stay, When::Slot { .. }))
        || matches!((kind, when), (Kind::Viewing | Kind::Appointment, When::Stay(_)))
    {
        return Ok(Err(BookingRefusal::OutsideHours { alternative: None }));
    }
    let placed =
        place(db, tenant_id, &t, booking_id, kind, row.listing_id.as_deref(), when, now_ms, Write::Move(&row)).await?;
    Ok(match placed {
        Ok(()) => Ok(notify::after(env, db, tenant_id, &t, booking_id, Change::Rescheduled, now_ms).await?),
        Err(refusal) => Err(refusal),
    })
}

/// Cancels a booking; cancelling a cancelled one answers it again without telling anyone twice.
pub async fn cancel(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    booking_id: &str,
    now_ms: u64,
) -> Result<std::result::Result<Booking, BookingRefusal>> {
    let Some(t) = tenant(db, tenant_id, now_ms).await? else { return Ok(Err(BookingRefusal::NotFound)) };
    if store::cancel(db, tenant_id, booking_id, now_ms).await? {
        return Ok(Ok(notify::after(env, db, tenant_id, &t, booking_id, Change::Cancelled, now_ms).await?));
    }
    Ok(store::row(db, tenant_id, booking_id).await?.map(Row::into_booking).ok_or(BookingRefusal::NotFound))
}

/// The tenant's bookings matching `query`, by start time.
pub async fn list(db: &D1Database, tenant_id: &str, query: &ListQuery) -> Result<Vec<Booking>> {
    store::list(db, tenant_id, query).await
}

/// One booking (`None`: no such booking for this tenant).
pub async fn get(db: &D1Database, tenant_id: &str, booking_id: &str) -> Result<Option<Booking>> {
    Ok(store::row(db, tenant_id, booking_id).await?.map(Row::into_booking))
}

/// Where a booking goes once judged: a slot (with its calendar) or a stay's stored interval.
pub(crate) struct Placement {
    pub slot: Slot,
    pub stay: Option<Stay>,
    pub buffer_ms: u64,
}

/// How a judged booking is written: a new row, or an existing one moved.
enum Write<'a> {
    Insert(&'a NewBooking),
    Move(&'a Row),
}

/// Judges `when` for booking `id` and writes it. A write that loses a race is judged again
/// against the fresh diary, up to three times.
#[allow(clippy::too_many_arguments)]
async fn place(
    db: &D1Database,
    tenant_id: &str,
    t: &Tenant,
    id: &str,
    kind: Kind,
    listing_id: Option<&str>,
    when: &When,
    now_ms: u64,
    write: Write<'_>,
) -> Result<std::result::Result<(), BookingRefusal>> {
    let rules = t.rules(db, tenant_id, listing_id, now_ms).await;
    let buffer_ms = u64::from(t.settings.availability.buffer_minutes) * 60_000;
    for _ in 0..3 {
        let placement = match when {
            When::Slot { start_ms, end_ms } => {
                let date = frontdesk_core::booking::local(&t.zone, *start_ms).0;
                let (from, days) = check_window(date, t.today);
                let busy = store::busy(db, tenant_id, t, from, days, Some(id)).await?;
                let cal = Calendar {
                    settings: &t.settings,
                    rules: &rules,
                    zone: &t.zone,
                    busy: &busy,
                    kind,
                    listing_id,
                    today: t.today,
                    now_ms,
                };
                match check_slot(&cal, *start_ms, *end_ms) {
                    Ok(slot) => Placement { slot, stay: None, buffer_ms },
                    Err(refusal) => return Ok(Err(refusal)),
                }
            }
            When::Stay(stay) => {
                let taken = store::stays(db, tenant_id, listing_id.unwrap_or_default(), stay, Some(id)).await?;
                if let Err(v) = check_stay(&rules, stay, t.today, &taken) {
                    return Ok(Err(BookingRefusal::RuleViolation(v)));
                }
                if taken.iter().any(|s| s.overlaps(stay)) {
                    let alternative = nearest_stay(&rules, stay, t.today, &taken).map(Alternative::Stay);
                    return Ok(Err(BookingRefusal::SlotTaken { alternative }));
                }
                let start_ms = instant(&t.zone, stay.check_in, CHECK_IN_MINUTE);
                let slot = Slot {
                    start_ms,
                    end_ms: instant(&t.zone, stay.check_out, CHECK_OUT_MINUTE),
                    staff_id: None,
                    offset_minutes: frontdesk_core::booking::Zone::offset_minutes(&t.zone, stay.check_in),
                };
                Placement { slot, stay: Some(*stay), buffer_ms: 0 }
            }
        };
        let written = match write {
            Write::Insert(new) => store::insert(db, tenant_id, id, new, placement, now_ms).await?,
            Write::Move(row) => store::reschedule(db, tenant_id, row, placement, now_ms).await?,
        };
        if written {
            return Ok(Ok(()));
        }
    }
    Ok(Err(BookingRefusal::SlotTaken { alternative: None }))
}
