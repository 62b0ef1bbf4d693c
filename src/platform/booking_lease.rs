//! One integration job at a time per booking and integration: the job that syncs a booking to
//! Cal.com (or its HubSpot deal) holds a lease on the booking row while it reads what is stored
//! there, calls the provider and stores the answer. Another copy of the job — or the job of a
//! move racing the job of the creation — finds the lease held and is retried by the queue, then
//! judges from what the first one stored. A holder that died loses the lease when it runs out.

use super::d1::{statement, Arg};
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::http::PROVIDER_TIMEOUT_MS;
use frontdesk_durable::platform::time::WorkerClock;
use std::future::Future;
use worker::{D1Database, Result};

/// Longer than a job's calls can take (at most three provider calls, and our D1 writes).
const LEASE_MS: u64 = 3 * PROVIDER_TIMEOUT_MS + 20_000;

#[derive(Debug, Clone, Copy)]
pub enum Lease {
    Calendar,
    Deal,
}

impl Lease {
    fn column(self) -> &'static str {
        match self {
            Lease::Calendar => "calcom_lease_until",
            Lease::Deal => "deal_lease_until",
        }
    }
}

/// Runs `work` holding the booking's `lease`; an error (the queue retries the job) when another
/// job holds it. A booking that does not exist has no lease to take: `work` runs and finds it
/// missing.
pub async fn holding(
    db: &D1Database,
    tenant_id: &str,
    booking_id: &str,
    lease: Lease,
    work: impl Future<Output = Result<()>>,
) -> Result<()> {
    let column = lease.column();
    let now = WorkerClock.now_ms();
    // Each holder's end is later than any expired one's, so it also names the holder.
    let until = now + LEASE_MS;
    let taken = statement(
        db,
        &format!(
            "UPDATE bookings SET {column} = ?3 WHERE tenant_id = ?1 AND id = ?2 AND ({column} IS NULL OR {column} < ?4)"
        ),
        &[Arg::Text(tenant_id), Arg::Text(booking_id), Arg::Int(until), Arg::Int(now)],
    )?
    .run()
    .await?
    .meta()?
    .and_then(|m| m.changes)
    .unwrap_or(0);
    if taken == 0 {
        let exists = statement(
            db,
            "SELECT 1 AS one FROM bookings WHERE tenant_id = ?1 AND id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(booking_id)],
        )?
        .first::<serde_json::Value>(None)
        .await?
        .is_some();
        if exists {
            return Err(worker::Error::RustError(format!(
                "booking {booking_id} is being synced ({column}): will retry"
            )));
        }
        return work.await;
    }
    let outcome = work.await;
    statement(
        db,
        &format!("UPDATE bookings SET {column} = NULL WHERE tenant_id = ?1 AND id = ?2 AND {column} = ?3"),
        &[Arg::Text(tenant_id), Arg::Text(booking_id), Arg::Int(until)],
    )?
    .run()
    .await?;
    outcome
}
