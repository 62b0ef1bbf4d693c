//! Cal.com as the tenant's calendar source (`settings.calcom`, `core::channel::calcom`): what
//! is offered is restricted to the starts Cal.com offers too. Frontdesk's own bookings still
//! decide conflicts. Cal.com being down, slow or refusing never fails an availability question:
//! the local calendar is offered as it is, and a log line says so.

use super::Tenant;
use crate::platform::env::{api_base, integration_secret};
use crate::platform::http::{execute, within};
use frontdesk_core::booking::Slot;
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::channel::calcom::{self, CalcomSettings};
use worker::Env;

/// Where the Cal.com API is (a test points it at a fake).
pub const CALCOM_API_BASE_VAR: &str = "CALCOM_API_BASE";
/// A question asked during a conversation's turn does not wait on Cal.com longer than this.
const SLOTS_TIMEOUT_MS: u64 = 3_000;

/// `slots` (free in Frontdesk's diary from `from`, for `days`) as Cal.com restricts them.
pub(crate) async fn restrict(
    env: &Env,
    tenant_id: &str,
    t: &Tenant,
    from: CivilDate,
    days: u16,
    slots: Vec<Slot>,
) -> Vec<Slot> {
    let Some(settings) = &t.settings.calcom else { return slots };
    match offered_starts(env, settings, t, from, days).await {
        Ok(starts) => calcom::offered(slots, &starts),
        Err(why) => {
            worker::console_warn!(
                "cal.com slots unavailable for tenant {tenant_id}, offering the local calendar: {why}"
            );
            slots
        }
    }
}

async fn offered_starts(
    env: &Env,
    settings: &CalcomSettings,
    t: &Tenant,
    from: CivilDate,
    days: u16,
) -> Result<Vec<u64>, String> {
    let key = integration_secret(env, &settings.api_key).map_err(|why| why.to_string())?;
    let base = api_base(env, CALCOM_API_BASE_VAR, calcom::API_BASE);
    let to = from.add_days(i64::from(days.max(1)) - 1);
    let request = calcom::slots(&base, &key, settings, from, to, t.zone.name());
    match within(execute(&request), SLOTS_TIMEOUT_MS).await {
        None => Err(format!("no answer within {SLOTS_TIMEOUT_MS} ms")),
        Some(Err(e)) => Err(format!("network error: {e}")),
        Some(Ok((status, body))) if (200..300).contains(&status) => {
            calcom::slot_starts(&body).ok_or_else(|| "an answer that is not a slots list".to_owned())
        }
        Some(Ok((status, _))) => Err(format!("status {status}")),
    }
}
