//! Telling the contact about their booking, and the team's live stream: the outbound message
//! (on the contact's timeline), its delivery through the outbox, the audit entry and the event.

use super::store::{self, Row};
use super::Tenant;
use crate::platform::contact_message::{message_contact, Audit, ToContact};
use crate::platform::d1::{statement, Arg};
use crate::platform::enqueue_all;
use crate::platform::intents::intent_statements;
use crate::platform::outreach::Reach;
use crate::platform::time::WorkerRandom;
use frontdesk_core::booking::notice::{describe, language_of, notice_text, Notice, Period};
use frontdesk_core::booking::{Booking, Change, Kind, Slot, Stay};
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::events::{EventKind, NewEvent};
use frontdesk_core::ids;
use frontdesk_core::jobs::{booking_mirrors, Job};
use frontdesk_core::ports::Random;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Result};

/// After a booking changed: tells the contact, records it, publishes it; answers the booking.
pub async fn after(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    t: &Tenant,
    id: &str,
    change: Change,
    now_ms: u64,
) -> Result<Booking> {
    let row = store::row(db, tenant_id, id)
        .await?
        .ok_or_else(|| worker::Error::RustError(format!("booking {id} vanished")))?;
    let (notice, action, event) = match change {
        Change::Created => (Notice::Confirmed, "booking.created", EventKind::BookingCreated),
        Change::Rescheduled => (Notice::Rescheduled, "booking.rescheduled", EventKind::BookingUpdated),
        Change::Cancelled => (Notice::Cancelled, "booking.cancelled", EventKind::BookingUpdated),
    };
    let mut jobs = tell(db, tenant_id, t, &row, notice, Some(action), now_ms).await?;
    let kind = Kind::parse(&row.kind).unwrap_or(Kind::Appointment);
    let mirrors = booking_mirrors(&t.settings, tenant_id, id, kind, change, now_ms);
    if !mirrors.is_empty() {
        // Stored as intents so the sweeper sends them if the queue send below fails.
        if let Err(e) = db.batch(intent_statements(db, &mirrors, now_ms)?).await {
            worker::console_error!("storing the integration intents of booking {id} failed: {e}");
        }
        jobs.extend(mirrors);
    }
    let booking = row.into_booking();
    jobs.push(Job::PublishEvent {
        event: NewEvent {
            kind: event,
            tenant_id: tenant_id.to_owned(),
            at: now_ms,
            data: serde_json::to_value(&booking)?,
        },
    });
    // The intents are stored: if this send fails, the sweeper sends the confirmation.
    if let Err(e) = enqueue_all(env, &jobs).await {
        worker::console_error!("queueing the effects of booking {id} failed: {e}");
    }
    Ok(booking)
}

/// Writes `notice` as an outbound message to the booking's contact (with its delivery intent,
/// and an audit entry `action` when given) in one batch; returns the delivery job to queue
/// (none when the contact has no phone or email to reach).
pub async fn tell(
    db: &D1Database,
    tenant_id: &str,
    t: &Tenant,
    row: &Row,
    notice: Notice<'_>,
    action: Option<&str>,
    now_ms: u64,
) -> Result<Vec<Job>> {
    let kind = Kind::parse(&row.kind).unwrap_or(Kind::Appointment);
    let write = |to: &Reach| {
        let lang = language_of(to.last_inbound.as_deref());
        (notice_text(notice, &t.name, &describe(kind, &period(row), t.today, lang), lang), None)
    };
    let message = ToContact {
        write: &write,
        prefer_email: false,
        audit: action.map(|action| Audit {
            actor: "system",
            action,
            subject: &row.id,
            detail: json!({ "kind": row.kind }),
        }),
    };
    let sent = message_contact(db, tenant_id, &row.contact_id, &message, now_ms).await?;
    Ok(sent.map(|s| s.job).into_iter().collect())
}

/// How far ahead a caller's booking is what they are probably calling about.
const UPCOMING_MS: u64 = 14 * 24 * 60 * 60 * 1000;

/// "your viewing on Friday at 10:00": the contact's next booking in the coming fortnight, as a
/// phone greeting asks about it.
/// `today` is the tenant's local date, which the caller already knows.
pub async fn upcoming(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    (now_ms, today): (u64, CivilDate),
) -> Result<Option<String>> {
    let row = store::next_for_contact(db, tenant_id, contact_id, now_ms, now_ms + UPCOMING_MS).await?;
    Ok(row.map(|row| {
        let kind = Kind::parse(&row.kind).unwrap_or(Kind::Appointment);
        describe(kind, &period(&row), today, "en")
    }))
}

fn period(row: &Row) -> Period {
    match (row.check_in.as_deref().and_then(|d| d.parse().ok()), row.check_out.as_deref().and_then(|d| d.parse().ok()))
    {
        (Some(check_in), Some(check_out)) => Period::Stay(Stay { check_in, check_out }),
        _ => Period::Slot(Slot {
            start_ms: row.start_ms,
            end_ms: row.end_ms,
            staff_id: None,
            offset_minutes: row.offset_minutes,
        }),
    }
}

/// The tenant's contact with `phone` or `email` (phone first), created when there is none —
/// as web forms find them. `name` fills a missing name. `None` without a phone or email.
pub async fn contact_for(
    db: &D1Database,
    tenant_id: &str,
    phone: Option<&str>,
    email: Option<&str>,
    name: Option<&str>,
    now_ms: u64,
) -> Result<Option<String>> {
    if phone.is_none() && email.is_none() {
        return Ok(None);
    }
    let id = ids::make(ids::CONTACT, now_ms, WorkerRandom.next_u64());
    let (t, p, e) = (Arg::Text(tenant_id), Arg::OptText(phone), Arg::OptText(email));
    const FIND: &str =
        "SELECT id FROM contacts WHERE tenant_id = ?1 AND (phone = ?2 OR email = ?3) ORDER BY phone = ?2 DESC LIMIT 1";
    let results = db
        .batch(vec![
            // Either unique index (phone, email) already holding them leaves the existing contact.
            statement(
                db,
                "INSERT INTO contacts (id, tenant_id, phone, email, name, name_source, created_at, updated_at) \
                 VALUES (?4, ?1, ?2, ?3, ?5, CASE WHEN ?5 IS NULL THEN NULL ELSE 'told' END, ?6, ?6) ON CONFLICT DO NOTHING",
                &[t, p, e, Arg::Text(&id), Arg::OptText(name), Arg::Int(now_ms)],
            )?,
            statement(
                db,
                &format!("UPDATE contacts SET name = ?4, name_source = 'told', updated_at = ?5 WHERE name IS NULL AND ?4 IS NOT NULL AND id = ({FIND})"),
                &[t, p, e, Arg::OptText(name), Arg::Int(now_ms)],
            )?,
            statement(db, FIND, &[t, p, e])?,
        ])
        .await?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    Ok(results.last().and_then(|r| r.results::<Id>().ok()).and_then(|rows| rows.into_iter().next()).map(|r| r.id))
}
