//! The rows the tenant API returns and events carry (docs/API.md "Objects"). Field names are
//! the D1 column names, so a row deserialises straight into these.

use crate::api::Identified;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    pub contact_id: String,
    pub channel: String,
    pub status: String,
    pub started_at: u64,
    pub last_message_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    pub contact_id: String,
    pub direction: String,
    pub channel: String,
    pub body: String,
    pub provider_message_id: Option<String>,
    pub status: String,
    pub created_at: u64,
    /// Why an outbound message was not delivered (`failed`), when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A spoken reply's wait: ms from the caller's prompt to the first and the last token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_token_ms: Option<u64>,
}

macro_rules! identified {
    ($($t:ty),*) => {$(
        impl Identified for $t {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )*};
}
identified!(Contact, Conversation, Message);
