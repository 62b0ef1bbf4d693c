//! Background jobs carried by the `frontdesk-jobs` queue. Every job is idempotent: the
//! consumer may run one more than once (Queues deliver at least once).

use crate::escalation::Notification;
use crate::events::NewEvent;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// A live event whose direct publish to the tenant hub failed. Re-publishing may show a
    /// dashboard the event twice, which it tolerates (events carry the row ids).
    PublishEvent { event: NewEvent },
    /// Page an on-call person about an escalation. Delivered once per `dedupe_key`.
    Notify { tenant_id: String, escalation_id: String, notification: Notification },
    /// Send a stored outbound message (status `queued`) to the contact. Delivered once per
    /// message id; the message row's status follows the delivery.
    DeliverMessage {
        tenant_id: String,
        message_id: String,
        /// Who carries it: the provider the conversation came in through (`twilio`, `meta`).
        #[serde(default = "default_provider")]
        provider: String,
        channel: String,
        to: String,
        body: String,
        /// For WhatsApp Cloud: when the contact last wrote, and the tenant's template for a
        /// closed window (Meta refuses free-form messages 24 hours after it).
        #[serde(default)]
        window: Option<ServiceWindow>,
    },
    /// Apply an inbound message to its contact's lead (fields, score, status); once per message.
    UpdateLead { tenant_id: String, contact_id: String, conversation_id: String, message: crate::lead::LeadMessage },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceWindow {
    pub last_inbound_ms: u64,
    pub template: Option<crate::channel::meta::TemplateSetting>,
}

fn default_provider() -> String {
    "twilio".to_owned()
}

impl Job {
    pub fn tenant_id(&self) -> &str {
        match self {
            Job::PublishEvent { event } => &event.tenant_id,
            Job::Notify { tenant_id, .. }
            | Job::DeliverMessage { tenant_id, .. }
            | Job::UpdateLead { tenant_id, .. } => tenant_id,
        }
    }
}

/// How long to wait before retrying a job first queued `age_ms` ago: as long again as it has
/// already been failing, from 2 s up to a 5-minute ceiling. Waiting the job's age doubles its
/// total age each retry — exponential backoff that needs no attempt counter (workers-rs 0.8.7
/// does not expose `attempts`). After the consumer's `max_retries` (wrangler.toml) Queues
/// moves the job to the dead-letter queue.
pub fn retry_delay_secs(age_ms: u64) -> u32 {
    const FLOOR_SECS: u64 = 2;
    const CEILING_SECS: u64 = 300;
    (age_ms / 1000).clamp(FLOOR_SECS, CEILING_SECS) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;

    #[test]
    fn backs_off_exponentially_to_a_ceiling() {
        // Each retry waits the job's age, so ages run 0, 2, 4, 8, 16 … seconds.
        let mut age_ms = 0;
        let mut delays = Vec::new();
        for _ in 0..10 {
            let delay = retry_delay_secs(age_ms);
            delays.push(delay);
            age_ms += u64::from(delay) * 1000;
        }
        assert_eq!(delays, [2, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(retry_delay_secs(u64::MAX), 300);
    }

    #[test]
    fn jobs_are_tagged_json() {
        let job = Job::PublishEvent {
            event: NewEvent {
                kind: EventKind::MessageSent,
                tenant_id: "ten_demo".into(),
                at: 1,
                data: serde_json::json!({}),
            },
        };
        let json = serde_json::to_value(&job).unwrap();
        assert_eq!(json["kind"], "publish_event");
        assert_eq!(serde_json::from_value::<Job>(json).unwrap(), job);
        assert!(serde_json::from_str::<Job>(r#"{"kind":"nope"}"#).is_err());
    }
}
