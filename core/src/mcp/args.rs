//! The tools' arguments, one documented struct per tool; `tools.rs` holds the JSON Schema the
//! client sees for each, and its tests prove schema and struct name the same fields.
//! Values are checked by the action the tool shares with the API (phone format, enums, ids),
//! whose refusal the model gets back as an `isError` result it can correct.

use crate::booking::request::BookingRequest;
use crate::tickets::CreateTicket;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many rows a list tool returns (1–100, default 20).
pub type Limit = Option<u32>;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchContacts {
    /// E.164, e.g. +447700900123.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Part of the contact's name, case-insensitive.
    pub name: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRef {
    pub contact_id: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GetMessageHistory {
    pub contact_id: String,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListLeads {
    /// `hot`, `warm` or `cold`.
    pub band: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchListings {
    /// `rent`, `sale` or `stay`.
    pub kind: Option<String>,
    /// The fewest bedrooms wanted.
    pub beds: Option<u32>,
    pub max_price: Option<f64>,
    /// An area or a postcode district.
    pub area: Option<String>,
    /// Free text; every word must appear in the listing.
    pub q: Option<String>,
    /// `available`, `let_agreed`, `under_offer`, `sold` or `withdrawn`.
    pub status: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckAvailability {
    /// `viewing` or `appointment`.
    pub kind: String,
    /// First day, YYYY-MM-DD (default today).
    pub from: Option<String>,
    /// How many days (default 7).
    pub days: Option<u32>,
    /// A viewing's listing.
    pub listing_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchKnowledge {
    /// The question, in the customer's words.
    pub q: String,
    /// One knowledge base by name.
    pub kb: Option<String>,
    pub category: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListEscalations {
    /// `open`, `acknowledged` or `resolved`.
    pub status: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GetCallHistory {
    pub contact_id: Option<String>,
    pub limit: Limit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendText {
    pub contact_id: String,
    /// The words to send, as they will be sent.
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveEscalation {
    pub escalation_id: String,
}

/// A tool call with its arguments read.
#[derive(Debug, Clone)]
pub enum Call {
    SearchContacts(SearchContacts),
    GetMessageHistory(GetMessageHistory),
    GetConversationContext(ContactRef),
    ListLeads(ListLeads),
    GetLead(ContactRef),
    SearchListings(SearchListings),
    CheckAvailability(CheckAvailability),
    SearchKnowledge(SearchKnowledge),
    ListEscalations(ListEscalations),
    GetCallHistory(GetCallHistory),
    SendSms(SendText),
    SendWhatsapp(SendText),
    BookAppointment(BookingRequest),
    ResolveEscalation(ResolveEscalation),
    CreateTicket(CreateTicket),
    MakeCall(crate::voice::outbound::MakeCallRequest),
}

/// Reads `arguments` as `T`; absent arguments are an empty object.
pub fn read<T: serde::de::DeserializeOwned>(arguments: Value) -> Result<T, String> {
    let arguments = if arguments.is_null() { Value::Object(Default::default()) } else { arguments };
    serde_json::from_value(arguments).map_err(|e| format!("invalid arguments: {e}"))
}

/// The arguments as query parameters, for the actions the API reads from a query string
/// (`listings::from_params`): strings as they are, numbers and booleans written out.
pub fn as_param(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
