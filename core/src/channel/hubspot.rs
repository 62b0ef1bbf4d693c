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
//! The token is a credential: settings hold only `env:HUBSPOT_TOKEN_…`, resolved when syncing.

use crate::http::HttpRequest;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const API_BASE: &str = "https://api.hubapi.com";
/// HubSpot's association type id for a note on a contact.
const NOTE_TO_CONTACT: u32 = 202;

/// `settings.hubspot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSpotSettings {
    /// `env:HUBSPOT_TOKEN_<NAME>`: the Worker secret holding the private app's access token.
    pub token: String,
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
    HttpRequest {
        method: "POST",
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

/// The note on contact `id`.
pub fn note(base: &str, token: &str, id: &str, text: &str, at_ms: u64) -> HttpRequest {
    let association = json!({ "to": { "id": id },
        "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_CONTACT }] });
    let body = json!({ "properties": { "hs_timestamp": at_ms.to_string(), "hs_note_body": text },
                       "associations": [association] });
    post(base, token, "/crm/v3/objects/notes", body)
}

/// The contact id an upsert, search or create answered (`None`: a search that found nobody).
pub fn contact_id(body: &str) -> Option<String> {
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
    }

    #[test]
    fn reads_ids_from_every_answer() {
        assert_eq!(contact_id(r#"{"status":"COMPLETE","results":[{"id":"501","new":true}]}"#).as_deref(), Some("501"));
        assert_eq!(contact_id(r#"{"total":0,"results":[]}"#), None);
        assert_eq!(contact_id(r#"{"id":"502","properties":{}}"#).as_deref(), Some("502"));
    }

    #[test]
    fn only_a_hubspot_secret_reference_is_accepted() {
        assert!(HubSpotSettings { token: "env:HUBSPOT_TOKEN_DEMO".into() }.validate().is_empty());
        assert_eq!(HubSpotSettings { token: "pat-na1-123".into() }.validate().len(), 1);
    }
}
