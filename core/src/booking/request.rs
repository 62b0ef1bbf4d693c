//! `POST /api/v1/bookings` as sent, before its values are checked: the body of the API and the
//! arguments of the MCP `book_appointment` tool.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// `viewing`, `appointment` or `stay`.
    pub kind: String,
    pub contact: BookingContact,
    /// The listing viewed or stayed in (required for a stay).
    #[serde(default)]
    pub listing_id: Option<String>,
    /// RFC 3339 date-time (a stay: YYYY-MM-DD check-in).
    pub start: String,
    /// RFC 3339 date-time (a stay: YYYY-MM-DD check-out).
    #[serde(default)]
    pub end: Option<String>,
}

/// Who is booked: by phone (E.164) or email; the name is kept for a new contact.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BookingContact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}
