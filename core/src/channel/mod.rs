//! One module per provider: parse the inbound payload, verify its signature (given the raw
//! bytes, the canonical URL and the secret) and render the reply. No I/O.

pub mod calcom;
pub mod hubspot;
pub mod meta;
pub mod openphone;
pub mod resend;
pub mod slack;
pub mod twilio;
pub mod webchat;
pub mod webform;

use serde::{Deserialize, Serialize};

/// The problem with `value` as a reference to a Worker secret whose name starts `prefix`
/// (`env:SLACK_WEBHOOK_…`): integration credentials are never stored in settings, and the
/// prefix keeps a tenant from naming another of the platform's secrets.
pub(crate) fn secret_reference_problem(field: &str, value: &str, prefix: &str) -> Option<String> {
    let name = value.strip_prefix(prefix).unwrap_or("");
    (name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| format!("{field} must be a secret reference `{prefix}NAME` (letters, digits, _), not a credential"))
}

/// The channel a message travelled on, as stored in `messages.channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Whatsapp,
    /// The website chat widget.
    Chat,
    Email,
    /// A phone call: the caller's speech in, the reply spoken (gather or ConversationRelay).
    Voice,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Channel::Sms, Channel::Whatsapp, Channel::Chat, Channel::Email, Channel::Voice];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Chat => "chat",
            Channel::Email => "email",
            Channel::Voice => "voice",
        }
    }

    /// The channel a stored row names (`messages.channel`).
    pub fn parse(raw: &str) -> Option<Self> {
        Channel::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}
