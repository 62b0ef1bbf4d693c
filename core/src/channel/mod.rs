//! One module per provider: parse the inbound payload, verify its signature (given the raw
//! bytes, the canonical URL and the secret) and render the reply. No I/O.

pub mod meta;
pub mod openphone;
pub mod resend;
pub mod slack;
pub mod twilio;
pub mod webchat;
pub mod webform;

use serde::{Deserialize, Serialize};

/// The channel a message travelled on, as stored in `messages.channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Whatsapp,
    /// The website chat widget.
    Chat,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Chat => "chat",
            Channel::Email => "email",
        }
    }
}
