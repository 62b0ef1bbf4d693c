//! Twilio Messaging (SMS, and WhatsApp through Twilio): docs/PROTOCOLS.md §1 and §3.1.

pub mod calls;
mod inbound;
pub mod relay;
pub mod relay_stream;
pub mod rest;
mod signature;
pub mod simulate;
pub mod status;
pub(crate) mod twiml;

pub use inbound::{receiving_number, InboundMessage, ParseError};
pub use signature::{expected_signature, verify_form, verify_json_body};
pub use twiml::{empty_response, message_response, tracked_message_response};

/// The provider name used in `webhook_events.provider` and `tenant_channels.provider`.
pub const PROVIDER: &str = "twilio";
/// The route Twilio's Messaging webhook is configured to call; signatures cover it.
pub const SMS_WEBHOOK_PATH: &str = "/webhooks/twilio/sms";
