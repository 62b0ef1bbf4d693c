//! Cal.com as a tenant's calendar source (API v2, <https://cal.com/docs/api-reference/v2>).
//! Bearer API key (`cal_…`), and every call names its `cal-api-version`:
//! - Offers: `GET /v2/slots?eventTypeId=&start=YYYY-MM-DD&end=YYYY-MM-DD&timeZone=`
//!   (`2024-09-04`) → `{"status": "success", "data": {"YYYY-MM-DD": [{"start": "<RFC 3339>"}]}}`.
//!   Only the starts Cal.com offers are offered; Frontdesk's own diary still decides conflicts.
//! - Bookings made in Frontdesk (`2024-08-13`): `POST /v2/bookings` `{"start" (UTC),
//!   "eventTypeId", "attendee": {"name", "email"?, "timeZone", "phoneNumber"?}, "metadata":
//!   {"frontdesk_booking_id"}}` → `data.uid`; a move is `POST /v2/bookings/{uid}/reschedule`
//!   `{"start", "reschedulingReason"}` (→ a new `data.uid`), a cancellation
//!   `POST /v2/bookings/{uid}/cancel` `{"cancellationReason"}`.
//!
//! The key is a credential: settings hold only `env:CALCOM_API_KEY_…`.

use crate::booking::{parse_rfc3339, rfc3339, Slot};
use crate::brain::understand::CivilDate;
use crate::http::HttpRequest;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const API_BASE: &str = "https://api.cal.com";
const SLOTS_VERSION: &str = "2024-09-04";
const BOOKINGS_VERSION: &str = "2024-08-13";

/// `settings.calcom`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalcomSettings {
    /// `env:CALCOM_API_KEY_<NAME>`: the Worker secret holding the Cal.com API key.
    pub api_key: String,
    /// The Cal.com event type whose slots are offered and which bookings are made under.
    pub event_type_id: u64,
}

impl CalcomSettings {
    pub fn validate(&self) -> Vec<String> {
        let mut problems: Vec<String> =
            super::secret_reference_problem("calcom.api_key", &self.api_key, "env:CALCOM_API_KEY_")
                .into_iter()
                .collect();
        if self.event_type_id == 0 {
            problems.push("calcom.event_type_id must be a Cal.com event type id".to_owned());
        }
        problems
    }
}

/// Who the booking is for, as Cal.com's attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// IANA zone: the tenant's (the contact is local to the property).
    pub time_zone: String,
}

fn request(method: &'static str, url: String, key: &str, version: &str, body: Option<Value>) -> HttpRequest {
    let mut headers =
        vec![("authorization".into(), format!("Bearer {key}")), ("cal-api-version".into(), version.into())];
    if body.is_some() {
        headers.push(("content-type".into(), "application/json".into()));
    }
    HttpRequest { method, url, headers, body: body.map(|b| b.to_string()).unwrap_or_default() }
}

fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The slots Cal.com offers from `from` through `to` (local dates in `time_zone`).
pub fn slots(
    base: &str,
    key: &str,
    s: &CalcomSettings,
    from: CivilDate,
    to: CivilDate,
    time_zone: &str,
) -> HttpRequest {
    let query = crate::form::encode(&[
        ("eventTypeId", &s.event_type_id.to_string()),
        ("start", &from.to_string()),
        ("end", &to.to_string()),
        ("timeZone", time_zone),
    ]);
    request("GET", format!("{}?{query}", url(base, "/v2/slots")), key, SLOTS_VERSION, None)
}

/// The start instants (epoch ms) of a slots answer; `None` when it is not one.
pub fn slot_starts(body: &str) -> Option<Vec<u64>> {
    let json: Value = serde_json::from_str(body).ok()?;
    let days = json.get("data")?.as_object()?;
    let mut starts: Vec<u64> = days
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|slot| slot.get("start")?.as_str().and_then(parse_rfc3339))
        .collect();
    starts.sort_unstable();
    Some(starts)
}

/// The slots of Frontdesk's diary that Cal.com offers too (`starts` sorted, as [`slot_starts`]
/// answers them).
pub fn offered(slots: Vec<Slot>, starts: &[u64]) -> Vec<Slot> {
    slots.into_iter().filter(|s| starts.binary_search(&s.start_ms).is_ok()).collect()
}

/// Creating Frontdesk booking `booking_id` in Cal.com, at `start_ms`.
pub fn create(
    base: &str,
    key: &str,
    s: &CalcomSettings,
    booking_id: &str,
    start_ms: u64,
    who: &Attendee,
) -> HttpRequest {
    let mut attendee = json!({ "name": who.name, "timeZone": who.time_zone });
    if let Some(email) = &who.email {
        attendee["email"] = json!(email);
    }
    if let Some(phone) = &who.phone {
        attendee["phoneNumber"] = json!(phone);
    }
    let body = json!({ "start": utc(start_ms), "eventTypeId": s.event_type_id, "attendee": attendee,
                       "metadata": { "frontdesk_booking_id": booking_id } });
    request("POST", url(base, "/v2/bookings"), key, BOOKINGS_VERSION, Some(body))
}

/// Moving Cal.com booking `uid` to `start_ms`.
pub fn reschedule(base: &str, key: &str, uid: &str, start_ms: u64) -> HttpRequest {
    let body = json!({ "start": utc(start_ms), "reschedulingReason": "Rescheduled in Frontdesk" });
    request("POST", url(base, &format!("/v2/bookings/{uid}/reschedule")), key, BOOKINGS_VERSION, Some(body))
}

/// Cancelling Cal.com booking `uid`.
pub fn cancel(base: &str, key: &str, uid: &str) -> HttpRequest {
    let body = json!({ "cancellationReason": "Cancelled in Frontdesk" });
    request("POST", url(base, &format!("/v2/bookings/{uid}/cancel")), key, BOOKINGS_VERSION, Some(body))
}

/// The booking uid a create or reschedule answered.
pub fn booking_uid(body: &str) -> Option<String> {
    let json: Value = serde_json::from_str(body).ok()?;
    json.pointer("/data/uid")?.as_str().map(str::to_owned)
}

fn utc(ms: u64) -> String {
    rfc3339(ms, 0).replace("+00:00", "Z")
}

/// Where a Frontdesk booking stands against its Cal.com copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror<'a> {
    pub confirmed: bool,
    pub start_ms: u64,
    /// The Cal.com booking, and the start it holds (`None` once cancelled there).
    pub uid: Option<&'a str>,
    pub mirrored_start_ms: Option<u64>,
}

/// What brings Cal.com in line with the booking. Each step is judged from the stored state, so
/// a job retried after a step succeeded does not repeat it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    Create,
    Reschedule { uid: &'a str },
    Cancel { uid: &'a str },
    Nothing,
}

pub fn next_step<'a>(m: &Mirror<'a>) -> Step<'a> {
    match (m.confirmed, m.uid, m.mirrored_start_ms) {
        (true, None, _) => Step::Create,
        (true, Some(uid), Some(at)) if at != m.start_ms => Step::Reschedule { uid },
        (false, Some(uid), Some(_)) => Step::Cancel { uid },
        _ => Step::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> CalcomSettings {
        CalcomSettings { api_key: "env:CALCOM_API_KEY_DEMO".into(), event_type_id: 5077497 }
    }

    fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn asks_for_the_slots_of_the_event_type_in_the_tenant_zone() {
        let from: CivilDate = "2026-12-01".parse().unwrap();
        let to: CivilDate = "2026-12-07".parse().unwrap();
        let r = slots(API_BASE, "cal_live_1", &settings(), from, to, "Europe/London");
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.url,
            "https://api.cal.com/v2/slots?eventTypeId=5077497&start=2026-12-01&end=2026-12-07&timeZone=Europe%2FLondon"
        );
        assert_eq!(header(&r, "authorization"), Some("Bearer cal_live_1"));
        assert_eq!(header(&r, "cal-api-version"), Some("2024-09-04"));
        assert!(r.body.is_empty() && header(&r, "content-type").is_none(), "a GET carries no body");
    }

    #[test]
    fn reads_slot_starts_in_any_offset() {
        let body = r#"{"status":"success","data":{"2026-12-02":[{"start":"2026-12-02T10:00:00.000+00:00"}],
                       "2026-12-01":[{"start":"2026-12-01T09:00:00.000Z"},{"start":"nonsense"}]}}"#;
        let starts = slot_starts(body).unwrap();
        assert_eq!(
            starts,
            [parse_rfc3339("2026-12-01T09:00:00Z").unwrap(), parse_rfc3339("2026-12-02T10:00:00Z").unwrap()]
        );
        assert_eq!(slot_starts(r#"{"status":"error"}"#), None);
        assert_eq!(slot_starts("<html>"), None);
    }

    #[test]
    fn offers_only_what_both_calendars_have_free() {
        let slot = |start_ms| Slot { start_ms, end_ms: start_ms + 30, staff_id: None, offset_minutes: 0 };
        let ours = vec![slot(100), slot(200), slot(300)];
        assert_eq!(offered(ours, &[50, 200, 300]), vec![slot(200), slot(300)]);
    }

    #[test]
    fn creates_a_booking_in_utc_with_our_id_as_metadata() {
        let who = Attendee {
            name: "Dana Reyes".into(),
            email: Some("dana@example.com".into()),
            phone: Some("+447700900123".into()),
            time_zone: "Europe/London".into(),
        };
        let start = parse_rfc3339("2026-12-01T10:00:00+01:00").unwrap();
        let r = create(API_BASE, "k", &settings(), "bkg_1", start, &who);
        assert_eq!((r.method, r.url.as_str()), ("POST", "https://api.cal.com/v2/bookings"));
        assert_eq!(header(&r, "cal-api-version"), Some("2024-08-13"));
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap(),
            json!({"start": "2026-12-01T09:00:00Z", "eventTypeId": 5077497,
                   "attendee": {"name": "Dana Reyes", "email": "dana@example.com", "timeZone": "Europe/London",
                                "phoneNumber": "+447700900123"},
                   "metadata": {"frontdesk_booking_id": "bkg_1"}})
        );
        assert!(reschedule(API_BASE, "k", "uid-1", start).url.ends_with("/v2/bookings/uid-1/reschedule"));
        assert!(cancel(API_BASE, "k", "uid-1").url.ends_with("/v2/bookings/uid-1/cancel"));
        assert_eq!(booking_uid(r#"{"status":"success","data":{"id":7,"uid":"abc"}}"#).as_deref(), Some("abc"));
    }

    #[test]
    fn each_step_follows_from_the_stored_state() {
        let m = |confirmed, uid, mirrored| Mirror { confirmed, start_ms: 100, uid, mirrored_start_ms: mirrored };
        assert_eq!(next_step(&m(true, None, None)), Step::Create);
        assert_eq!(next_step(&m(true, Some("u"), Some(100))), Step::Nothing, "already there: a retry does nothing");
        assert_eq!(next_step(&m(true, Some("u"), Some(50))), Step::Reschedule { uid: "u" });
        assert_eq!(next_step(&m(false, Some("u"), Some(100))), Step::Cancel { uid: "u" });
        assert_eq!(next_step(&m(false, Some("u"), None)), Step::Nothing, "cancelled there already");
        assert_eq!(next_step(&m(false, None, None)), Step::Nothing, "never mirrored");
    }

    #[test]
    fn only_a_calcom_secret_reference_is_accepted() {
        assert!(settings().validate().is_empty());
        let bad = CalcomSettings { api_key: "cal_live_abc".into(), event_type_id: 0 };
        assert_eq!(bad.validate().len(), 2);
    }
}
