//! The console's conversation list: each conversation with who holds it, how many of the
//! contact's messages are unread and who the contact is (`InboxItem`), and the filters it
//! takes (`InboxFilter`). The query is the Worker's (`src/platform/d1/inbox.rs`).

use crate::api::{ApiError, Identified};
use crate::records::Conversation;
use serde::{Deserialize, Serialize};

/// One row of the list query, flat as D1 returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct InboxRow {
    pub id: String,
    pub contact_id: String,
    pub channel: String,
    pub status: String,
    pub started_at: u64,
    pub last_message_at: u64,
    pub held_by: Option<String>,
    pub held_since: Option<u64>,
    pub held_email: Option<String>,
    pub unread: u32,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldBy {
    /// The user holding it; `None` when an API key took it (a script, not a person).
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// As the audit log names them: `user:<id>` or `api_key:<id>`.
    pub actor: String,
    pub since: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactSummary {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxItem {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub held_by: Option<HeldBy>,
    pub unread: u32,
    pub contact: ContactSummary,
}

impl From<InboxRow> for InboxItem {
    fn from(row: InboxRow) -> Self {
        let held_by = row.held_by.map(|actor| HeldBy {
            user_id: actor.strip_prefix("user:").map(str::to_owned),
            email: row.held_email,
            since: row.held_since.unwrap_or_default(),
            actor,
        });
        InboxItem {
            contact: ContactSummary {
                id: row.contact_id.clone(),
                name: row.contact_name,
                phone: row.contact_phone,
                email: row.contact_email,
            },
            conversation: Conversation {
                id: row.id,
                contact_id: row.contact_id,
                channel: row.channel,
                status: row.status,
                started_at: row.started_at,
                last_message_at: row.last_message_at,
            },
            held_by,
            unread: row.unread,
        }
    }
}

impl Identified for InboxItem {
    fn id(&self) -> &str {
        &self.conversation.id
    }
}

/// Who the contact is to the business, as far as the records say: a `landlord` is named as
/// a listing's landlord, a `tenant` (of a let property) has reported a maintenance ticket,
/// a `lead` has a lead record and is neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerType {
    Tenant,
    Landlord,
    Lead,
}

impl CallerType {
    pub fn as_str(self) -> &'static str {
        match self {
            CallerType::Tenant => "tenant",
            CallerType::Landlord => "landlord",
            CallerType::Lead => "lead",
        }
    }
}

const CHANNELS: [&str; 6] = ["sms", "whatsapp", "chat", "email", "form", "voice"];
const MAX_QUERY_CHARS: usize = 120;

/// `?channel=&status=open|closed&unread=true&caller=tenant|landlord|lead&q=`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    pub channel: Option<String>,
    pub status: Option<String>,
    pub unread: bool,
    pub caller: Option<CallerType>,
    /// Part of the contact's name, phone or email, or of a message, as typed.
    pub q: Option<String>,
}

impl InboxFilter {
    /// From the query string (`param` looks a name up); a bad value is 400 naming it.
    pub fn from_query(param: impl Fn(&str) -> Option<String>) -> Result<Self, ApiError> {
        let bad = |name: &str, allowed: &str| ApiError::bad_request(format!("`{name}` must be one of {allowed}"));
        let non_empty = |name: &str| param(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let channel = non_empty("channel");
        if channel.as_deref().is_some_and(|c| !CHANNELS.contains(&c)) {
            return Err(bad("channel", &CHANNELS.join(", ")));
        }
        let status = non_empty("status");
        if status.as_deref().is_some_and(|s| !matches!(s, "open" | "closed")) {
            return Err(bad("status", "open, closed"));
        }
        let unread = match non_empty("unread").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(bad("unread", "true, false")),
        };
        let caller = match non_empty("caller").as_deref() {
            None => None,
            Some("tenant") => Some(CallerType::Tenant),
            Some("landlord") => Some(CallerType::Landlord),
            Some("lead") => Some(CallerType::Lead),
            Some(_) => return Err(bad("caller", "tenant, landlord, lead")),
        };
        let q = non_empty("q");
        if q.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
            return Err(ApiError::bad_request(format!("`q`: at most {MAX_QUERY_CHARS} characters")));
        }
        Ok(Self { channel, status, unread, caller, q })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn filters_parse_and_name_what_is_wrong() {
        let f = InboxFilter::from_query(query(&[
            ("channel", "sms"),
            ("unread", "true"),
            ("caller", "landlord"),
            ("q", " Elm "),
        ]))
        .unwrap();
        assert_eq!(f.channel.as_deref(), Some("sms"));
        assert!(f.unread);
        assert_eq!(f.caller, Some(CallerType::Landlord));
        assert_eq!(f.q.as_deref(), Some("Elm"));
        assert_eq!(InboxFilter::from_query(query(&[])).unwrap(), InboxFilter::default());
        for (name, value) in [("channel", "fax"), ("status", "held"), ("unread", "yes"), ("caller", "vendor")] {
            let e = InboxFilter::from_query(query(&[(name, value)])).unwrap_err();
            assert!(e.message.contains(name), "{}", e.message);
        }
        let long = "x".repeat(121);
        assert!(InboxFilter::from_query(query(&[("q", &long)])).is_err());
    }

    #[test]
    fn an_item_names_its_holder_and_contact() {
        let row = InboxRow {
            id: "cnv_1".into(),
            contact_id: "con_1".into(),
            channel: "sms".into(),
            status: "open".into(),
            started_at: 1,
            last_message_at: 2,
            held_by: Some("user:usr_1".into()),
            held_since: Some(5),
            held_email: Some("agent@demo.example".into()),
            unread: 3,
            contact_name: Some("Ana".into()),
            contact_phone: Some("+447700900123".into()),
            contact_email: None,
        };
        let item = InboxItem::from(row);
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["id"], "cnv_1");
        assert_eq!(json["held_by"]["user_id"], "usr_1");
        assert_eq!(json["held_by"]["email"], "agent@demo.example");
        assert_eq!(json["held_by"]["since"], 5);
        assert_eq!(json["unread"], 3);
        assert_eq!(json["contact"]["phone"], "+447700900123");
    }
}
