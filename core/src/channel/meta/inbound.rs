//! The webhook payload: `entry[].changes[].value` with `metadata.phone_number_id`, `contacts`,
//! `messages` and `statuses` (PROTOCOLS.md §4). One POST may batch several of each.

use crate::lossy_json;
use crate::phone::PhoneE164;
use serde::Deserialize;

/// What one webhook POST carried, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inbound {
    pub messages: Vec<InboundText>,
    pub statuses: Vec<StatusUpdate>,
}

/// One inbound message. Non-text messages keep their type in `body` (`[image]`), so nothing
/// is dropped from the timeline; the media id is kept for later download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundText {
    pub phone_number_id: String,
    pub wamid: String,
    pub from: PhoneE164,
    pub profile_name: Option<String>,
    pub body: String,
    pub media_id: Option<String>,
    /// When the contact sent it (Meta's `timestamp`): the 24-hour service window runs from here,
    /// not from when a (possibly days-late) redelivery reached us.
    pub sent_at_ms: Option<u64>,
}

/// A delivery status for a message Frontdesk sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub phone_number_id: String,
    pub wamid: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// `"{code} {title}"` of the first error, e.g. `131047 Re-engagement message`.
    pub error: Option<String>,
}

impl StatusUpdate {
    /// A send Meta accepted but could not deliver because the 24-hour window had closed: it
    /// usually reports 131047 here, in a `failed` status, rather than in the send's answer.
    pub fn is_outside_window(&self) -> bool {
        let code = self.error.as_deref().and_then(|e| e.split(' ').next()).and_then(|c| c.parse::<u64>().ok());
        code == Some(super::send::OUTSIDE_WINDOW_CODE)
    }
}

#[derive(Deserialize)]
struct Payload {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    field: String,
    value: Value,
}

#[derive(Deserialize)]
struct Value {
    metadata: Metadata,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<Status>,
}

#[derive(Deserialize)]
struct Metadata {
    phone_number_id: String,
}

#[derive(Deserialize)]
struct Contact {
    wa_id: String,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    from: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<Text>,
    #[serde(default)]
    button: Option<Text>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Text {
    #[serde(alias = "text")]
    body: String,
}

#[derive(Deserialize)]
struct Status {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<StatusError>,
}

#[derive(Deserialize)]
struct StatusError {
    code: Option<u32>,
    title: Option<String>,
}

/// The first `entry[].changes[].value.metadata.phone_number_id` of a body, read tolerantly (any
/// JSON, everything optional): which tenant a verified body that [`parse`] refuses belongs to.
pub fn phone_number_id(raw: &[u8]) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_slice(&lossy_json::readable(raw)).ok()?;
    let list = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    list(payload.get("entry")).iter().flat_map(|entry| list(entry.get("changes"))).find_map(|change| {
        let id = change.get("value")?.get("metadata")?.get("phone_number_id")?.as_str()?.trim();
        (!id.is_empty()).then(|| id.to_owned())
    })
}

/// Parses a verified webhook body. `Err` names what is wrong (a 400 for the sender).
pub fn parse(raw: &[u8]) -> Result<Inbound, String> {
    let payload: Payload = serde_json::from_slice(&lossy_json::readable(raw))
        .map_err(|e| format!("not a WhatsApp webhook payload: {e}"))?;
    if payload.object != "whatsapp_business_account" {
        return Err(format!("object `{}` is not whatsapp_business_account", payload.object));
    }
    let mut out = Inbound::default();
    for change in payload.entry.into_iter().flat_map(|e| e.changes) {
        if change.field != "messages" {
            continue;
        }
        let value = change.value;
        let phone_number_id = value.metadata.phone_number_id;
        for m in value.messages {
            let from = PhoneE164::parse(&format!("+{}", m.from))
                .map_err(|_| format!("message {}: `from` is not a phone number", m.id))?;
            let profile_name = value
                .contacts
                .iter()
                .find(|c| c.wa_id == m.from)
                .and_then(|c| c.profile.as_ref())
                .and_then(|p| p.name.clone());
            let (body, media_id) = match (m.kind.as_str(), m.text, m.button) {
                ("text", Some(text), _) => (text.body, None),
                ("button", _, Some(button)) => (button.body, None),
                (kind, _, _) => {
                    let media_id =
                        m.rest.get(kind).and_then(|v| v.get("id")).and_then(|v| v.as_str()).map(str::to_owned);
                    let caption = m.rest.get(kind).and_then(|v| v.get("caption")).and_then(|v| v.as_str());
                    (caption.map_or_else(|| format!("[{kind}]"), |c| format!("[{kind}] {c}")), media_id)
                }
            };
            let sent_at_ms = m.rest.get("timestamp").and_then(|t| t.as_str()?.parse::<u64>().ok()).map(|s| s * 1000);
            out.messages.push(InboundText {
                phone_number_id: phone_number_id.clone(),
                wamid: m.id,
                from,
                profile_name,
                body,
                media_id,
                sent_at_ms,
            });
        }
        for s in value.statuses {
            let error =
                s.errors.first().map(|e| format!("{} {}", e.code.unwrap_or(0), e.title.clone().unwrap_or_default()));
            out.statuses.push(StatusUpdate {
                phone_number_id: phone_number_id.clone(),
                wamid: s.id,
                status: s.status,
                error,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"field":"messages","value":{
      "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
      "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
      "messages":[{"from":"16505551234","id":"wamid.A","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}},
                  {"from":"16505551234","id":"wamid.B","timestamp":"1749416384","type":"image","image":{"id":"MEDIA1","caption":"the damp"}}]}}]}]}"#;

    #[test]
    fn the_phone_number_id_is_read_from_a_body_parse_refuses() {
        let garbled = br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[{"from":"nope","id":"wamid.X","type":"text","text":{"body":"hi"}}]}}]}]}"#;
        assert!(parse(garbled).is_err());
        assert_eq!(phone_number_id(garbled).as_deref(), Some("106540352242922"));
        assert_eq!(phone_number_id(TEXT.as_bytes()).as_deref(), Some("106540352242922"));
        let nothing: [&[u8]; 4] = [
            br#"{"object":"page","entry":[]}"#,
            b"[]",
            b"not json",
            br#"{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":7}}}]}]}"#,
        ];
        for nothing in nothing {
            assert_eq!(phone_number_id(nothing), None);
        }
    }

    #[test]
    fn reads_the_documented_text_message_and_keeps_media() {
        let inbound = parse(TEXT.as_bytes()).unwrap();
        assert_eq!(inbound.messages.len(), 2);
        let m = &inbound.messages[0];
        assert_eq!(
            (m.phone_number_id.as_str(), m.wamid.as_str(), m.from.as_str()),
            ("106540352242922", "wamid.A", "+16505551234")
        );
        assert_eq!(m.profile_name.as_deref(), Some("Sheena Nelson"));
        assert_eq!(m.body, "Does it come in another color?");
        assert_eq!(
            (inbound.messages[1].body.as_str(), inbound.messages[1].media_id.as_deref()),
            ("[image] the damp", Some("MEDIA1"))
        );
    }

    #[test]
    fn reads_statuses_with_errors() {
        let raw = r#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{
          "metadata":{"phone_number_id":"1"},"statuses":[{"id":"wamid.X","status":"failed","timestamp":"1","recipient_id":"1",
          "errors":[{"code":131047,"title":"Re-engagement message"}]},{"id":"wamid.Y","status":"delivered"}]}}]}]}"#;
        let inbound = parse(raw.as_bytes()).unwrap();
        assert!(inbound.messages.is_empty());
        assert_eq!(inbound.statuses[0].error.as_deref(), Some("131047 Re-engagement message"));
        assert!(inbound.statuses[0].is_outside_window());
        assert_eq!(inbound.statuses[1].status, "delivered");
        assert!(!inbound.statuses[1].is_outside_window());
    }

    #[test]
    fn refuses_what_is_not_a_whatsapp_payload() {
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"object":"page","entry":[]}"#).is_err());
        assert!(parse(
            br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}"#
        )
        .is_err());
        assert_eq!(parse(br#"{"object":"whatsapp_business_account","entry":[]}"#).unwrap(), Inbound::default());
    }
}
