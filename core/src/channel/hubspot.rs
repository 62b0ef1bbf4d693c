//! HubSpot CRM sync (<https://developers.hubspot.com/docs/api/crm/contacts>, notes:
//! <https://developers.hubspot.com/docs/api/crm/notes>): each message a contact sends upserts
//! them as a HubSpot contact and adds the message as a note on it. Bearer private-app token.
//! - With an email: `POST /crm/v3/objects/contacts/batch/upsert`
//!   `{"inputs": [{"idProperty": "email", "id": <email>, "properties": {…}}]}` → `results[0].id`
//!   (email is HubSpot's unique contact key, so this is idempotent).
//! - Phone only (phone is not a unique property in HubSpot): `POST /crm/v3/objects/contacts/search`
//!   with an `EQ` filter on `phone` → `results[0].id`, else `POST /crm/v3/objects/contacts`
//!   `{"properties": {…}}` → `id`.
//! - Then `POST /crm/v3/objects/notes` `{"properties": {"hs_timestamp", "hs_note_body"},
//!   "associations": [{"to": {"id"}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
//!   "associationTypeId": 202}]}]}` (202: note → contact).
//!
//! - Each booking made in Frontdesk (the moment a contact becomes a lead worth a deal) upserts
//!   them the same way, then `POST /crm/v3/objects/deals` `{"properties": {"dealname",
//!   "pipeline", "dealstage"}, "associations": [… "associationTypeId": 3]}` (3: deal → contact)
//!   → `id`, which is stored on the booking so a retried job does not create a second deal. No
//!   `amount`: a booking carries no price. Its cancellation marks the deal lost:
//!   `PATCH /crm/v3/objects/deals/{id}` `{"properties": {"dealstage": "closedlost"}}` (setting
//!   the same stage twice changes nothing, so a retry is harmless).
//!
//! The token is a credential: settings hold only `env:HUBSPOT_TOKEN_…`, resolved when syncing.

use crate::http::HttpRequest;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const API_BASE: &str = "https://api.hubapi.com";
/// HubSpot's association type id for a note on a contact.
const NOTE_TO_CONTACT: u32 = 202;
/// HubSpot's association type id for a deal on a contact.
const DEAL_TO_CONTACT: u32 = 3;
/// HubSpot's default sales pipeline and its first stage after a meeting is booked.
const DEFAULT_PIPELINE: &str = "default";
const DEFAULT_DEAL_STAGE: &str = "appointmentscheduled";
const DEFAULT_LOST_STAGE: &str = "closedlost";

/// `settings.hubspot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSpotSettings {
    /// `env:HUBSPOT_TOKEN_<NAME>`: the Worker secret holding the private app's access token.
    pub token: String,
    /// The pipeline and stage of the deal a booking opens, and the stage its cancellation
    /// moves it to (HubSpot's internal ids); default `default` / `appointmentscheduled` /
    /// `closedlost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_stage: Option<String>,
}

impl HubSpotSettings {
    pub fn validate(&self) -> Vec<String> {
        super::secret_reference_problem("hubspot.token", &self.token, "env:HUBSPOT_TOKEN_").into_iter().collect()
    }
}

/// Who the contact is, as HubSpot's properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmContact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
}

impl CrmContact {
    /// How integrations name them: their name, else their email, else their phone.
    pub fn display_name(&self) -> String {
        self.name.clone().or_else(|| self.email.clone()).or_else(|| self.phone.clone()).unwrap_or_default()
    }

    fn properties(&self) -> Value {
        let mut p = serde_json::Map::new();
        if let Some(email) = &self.email {
            p.insert("email".into(), json!(email));
        }
        if let Some(phone) = &self.phone {
            p.insert("phone".into(), json!(phone));
        }
        if let Some((first, last)) = self.name.as_deref().map(|n| n.split_once(' ').unwrap_or((n, ""))) {
            p.insert("firstname".into(), json!(first));
            if !last.is_empty() {
                p.insert("lastname".into(), json!(last));
            }
        }
        Value::Object(p)
    }
}

fn post(base: &str, token: &str, path: &str, body: Value) -> HttpRequest {
    send("POST", base, token, path, body)
}

fn send(method: &'static str, base: &str, token: &str, path: &str, body: Value) -> HttpRequest {
    HttpRequest {
        method,
        url: format!("{}{path}", base.trim_end_matches('/')),
        headers: vec![
            ("authorization".into(), format!("Bearer {token}")),
            ("content-type".into(), "application/json".into()),
        ],
        body: body.to_string(),
    }
}

/// The first request of a sync: an upsert by email, or a search by phone.
pub fn find_or_upsert(base: &str, token: &str, contact: &CrmContact) -> Option<HttpRequest> {
    if let Some(email) = &contact.email {
        let input = json!({ "idProperty": "email", "id": email, "properties": contact.properties() });
        return Some(post(base, token, "/crm/v3/objects/contacts/batch/upsert", json!({ "inputs": [input] })));
    }
    let phone = contact.phone.as_ref()?;
    let filter = json!({ "propertyName": "phone", "operator": "EQ", "value": phone });
    let body = json!({ "filterGroups": [{ "filters": [filter] }], "properties": ["phone"], "limit": 1 });
    Some(post(base, token, "/crm/v3/objects/contacts/search", body))
}

/// Creating a contact the phone search did not find.
pub fn create(base: &str, token: &str, contact: &CrmContact) -> HttpRequest {
    post(base, token, "/crm/v3/objects/contacts", json!({ "properties": contact.properties() }))
}

fn on_contact(id: &str, type_id: u32) -> Value {
    json!({ "to": { "id": id }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id }] })
}

/// The note on contact `id`.
pub fn note(base: &str, token: &str, id: &str, text: &str, at_ms: u64) -> HttpRequest {
    let body = json!({ "properties": { "hs_timestamp": at_ms.to_string(), "hs_note_body": text },
                       "associations": [on_contact(id, NOTE_TO_CONTACT)] });
    post(base, token, "/crm/v3/objects/notes", body)
}

/// The deal a booking opens for contact `id`.
pub fn deal(base: &str, token: &str, settings: &HubSpotSettings, id: &str, name: &str) -> HttpRequest {
    let properties = json!({
        "dealname": name,
        "pipeline": settings.pipeline.as_deref().unwrap_or(DEFAULT_PIPELINE),
        "dealstage": settings.deal_stage.as_deref().unwrap_or(DEFAULT_DEAL_STAGE),
    });
    let body = json!({ "properties": properties, "associations": [on_contact(id, DEAL_TO_CONTACT)] });
    post(base, token, "/crm/v3/objects/deals", body)
}

/// Marking deal `id` lost: its booking was cancelled.
pub fn close_deal(base: &str, token: &str, settings: &HubSpotSettings, id: &str) -> HttpRequest {
    let stage = settings.lost_stage.as_deref().unwrap_or(DEFAULT_LOST_STAGE);
    send("PATCH", base, token, &format!("/crm/v3/objects/deals/{id}"), json!({ "properties": { "dealstage": stage } }))
}

/// What brings a booking's deal in line with the booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealStep<'a> {
    Open,
    Close { id: &'a str },
    Nothing,
}

/// A confirmed booking without a deal opens one; a cancelled one with a deal closes it; a
/// cancelled booking that never had one opens none (the job of its creation ran late).
pub fn deal_step(confirmed: bool, deal_id: Option<&str>) -> DealStep<'_> {
    match (confirmed, deal_id) {
        (true, None) => DealStep::Open,
        (false, Some(id)) => DealStep::Close { id },
        _ => DealStep::Nothing,
    }
}

/// A deal's name: what was booked, for whom, and our booking id (to find it from HubSpot).
pub fn deal_name(kind: &str, who: &str, booking_id: &str) -> String {
    let mut kind = kind.to_owned();
    if let Some(first) = kind.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!("{kind} for {who} ({booking_id})")
}

/// The id of the contact or deal an upsert, search or create answered (`None`: a search that
/// found nobody).
pub fn object_id(body: &str) -> Option<String> {
    let json: Value = serde_json::from_str(body).ok()?;
    let id = json.pointer("/results/0/id").or_else(|| json.get("id"))?;
    id.as_str().map(str::to_owned).or_else(|| id.as_u64().map(|n| n.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: &HttpRequest) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn an_email_contact_is_upserted_by_email() {
        let c = CrmContact { email: Some("dana@example.com".into()), phone: None, name: Some("Dana Reyes".into()) };
        let r = find_or_upsert(API_BASE, "pat-1", &c).unwrap();
        assert_eq!(r.url, "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert");
        assert!(r.headers.contains(&("authorization".into(), "Bearer pat-1".into())));
        assert_eq!(
            body(&r),
            json!({"inputs": [{"idProperty": "email", "id": "dana@example.com",
                   "properties": {"email": "dana@example.com", "firstname": "Dana", "lastname": "Reyes"}}]})
        );
    }

    #[test]
    fn a_phone_contact_is_searched_then_created_and_noted() {
        let c = CrmContact { email: None, phone: Some("+447700900123".into()), name: None };
        let search = find_or_upsert(API_BASE, "t", &c).unwrap();
        assert!(search.url.ends_with("/crm/v3/objects/contacts/search"));
        assert_eq!(
            body(&search)["filterGroups"][0]["filters"][0],
            json!({"propertyName": "phone", "operator": "EQ", "value": "+447700900123"})
        );
        assert_eq!(body(&create(API_BASE, "t", &c)), json!({"properties": {"phone": "+447700900123"}}));
        let n = note(API_BASE, "t", "501", "sms: hello", 1_767_225_600_000);
        assert!(n.url.ends_with("/crm/v3/objects/notes"));
        assert_eq!(body(&n)["associations"][0]["types"][0]["associationTypeId"], 202);
        assert_eq!(body(&n)["properties"]["hs_timestamp"], "1767225600000");
        assert_eq!(find_or_upsert(API_BASE, "t", &CrmContact { email: None, phone: None, name: None }), None);
        assert_eq!(c.display_name(), "+447700900123", "no name or email: the phone");
    }

    #[test]
    fn reads_ids_from_every_answer() {
        assert_eq!(object_id(r#"{"status":"COMPLETE","results":[{"id":"501","new":true}]}"#).as_deref(), Some("501"));
        assert_eq!(object_id(r#"{"total":0,"results":[]}"#), None);
        assert_eq!(object_id(r#"{"id":"502","properties":{}}"#).as_deref(), Some("502"));
    }

    fn settings(token: &str) -> HubSpotSettings {
        HubSpotSettings { token: token.into(), pipeline: None, deal_stage: None, lost_stage: None }
    }

    #[test]
    fn a_booking_opens_a_deal_on_the_contact() {
        let name = deal_name("viewing", "Dana Reyes", "bkg_1");
        assert_eq!(name, "Viewing for Dana Reyes (bkg_1)");
        let r = deal(API_BASE, "t", &settings("env:HUBSPOT_TOKEN_DEMO"), "501", &name);
        assert_eq!(r.url, "https://api.hubapi.com/crm/v3/objects/deals");
        assert_eq!(
            body(&r),
            json!({"properties": {"dealname": "Viewing for Dana Reyes (bkg_1)", "pipeline": "default",
                                  "dealstage": "appointmentscheduled"},
                   "associations": [{"to": {"id": "501"},
                                     "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]}]})
        );
        let custom =
            HubSpotSettings { pipeline: Some("lettings".into()), deal_stage: Some("viewing".into()), ..settings("t") };
        let props = &body(&deal(API_BASE, "t", &custom, "501", &name))["properties"];
        assert_eq!((props["pipeline"].as_str(), props["dealstage"].as_str()), (Some("lettings"), Some("viewing")));
    }

    #[test]
    fn a_cancelled_booking_closes_its_deal_and_a_retry_opens_none() {
        assert_eq!(deal_step(true, None), DealStep::Open);
        assert_eq!(deal_step(true, Some("8001")), DealStep::Nothing, "opened already: a retry does nothing");
        assert_eq!(deal_step(false, Some("8001")), DealStep::Close { id: "8001" });
        assert_eq!(deal_step(false, None), DealStep::Nothing);
        let r = close_deal(API_BASE, "t", &settings("t"), "8001");
        assert_eq!((r.method, r.url.as_str()), ("PATCH", "https://api.hubapi.com/crm/v3/objects/deals/8001"));
        assert_eq!(body(&r), json!({"properties": {"dealstage": "closedlost"}}));
    }

    #[test]
    fn only_a_hubspot_secret_reference_is_accepted() {
        assert!(settings("env:HUBSPOT_TOKEN_DEMO").validate().is_empty());
        assert_eq!(settings("pat-na1-123").validate().len(), 1);
    }
}
