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
        /// An email's subject (an info pack's); replies use the default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
    },
    /// Apply an inbound message to its contact's lead (fields, score, status); once per message.
    UpdateLead { tenant_id: String, contact_id: String, conversation_id: String, message: crate::lead::LeadMessage },
    /// A turn whose first attempt could not be stored (D1 failed): the message travels in the
    /// queue until its thread's object can store and answer it (the reply goes through the
    /// outbox: the webhook that brought it has been acknowledged).
    RetryTurn { turn: Box<crate::inbound::InboundTurn> },
    /// A knowledge base ingestion too large (or too slow: a URL) to run inside the request;
    /// its input and progress live in the `kb_jobs` row, so a retry resumes from that row.
    KbIngest { tenant_id: String, job_id: String },
    /// Upsert the contact in the tenant's HubSpot and add the message as a note; once per
    /// message (a crash after HubSpot took the note and before the intent is marked done
    /// adds it again: HubSpot's notes API takes no idempotency key).
    SyncCrm {
        tenant_id: String,
        message_id: String,
        contact: crate::channel::hubspot::CrmContact,
        note: String,
        at: u64,
    },
    /// Bring the booking's HubSpot deal in line with it: opened (its contact upserted) for a
    /// confirmed booking without one, marked lost once the booking is cancelled. The deal id is
    /// stored on the booking, so a retry never opens a second deal. `at` is the change's time:
    /// each change is its own intent.
    SyncDeal { tenant_id: String, booking_id: String, at: u64 },
    /// Bring the booking's Cal.com copy in line with it (create, move or cancel), judged from
    /// what is stored on the booking, so a retry does not repeat a step that succeeded. `at`
    /// is the change's time: each change is its own intent.
    SyncCalendar { tenant_id: String, booking_id: String, at: u64 },
    /// Place a call stored `queued` (`POST /api/v1/calls`) through Twilio's Calls API and keep
    /// its CallSid on the row. A call no longer `queued` is not placed again.
    MakeCall { tenant_id: String, call_id: String },
    /// Email the tenant's owners the summary of local `date` (`YYYY-MM-DD`), once per owner and
    /// day (the outbox's dedupe key `summary:<date>:<email>`).
    DailySummary { tenant_id: String, date: String },
}

/// The intent key of placing one call.
pub fn call_intent_key(call_id: &str) -> String {
    format!("call:{call_id}")
}

/// The intent key of the CRM sync of one message.
pub fn crm_intent_key(message_id: &str) -> String {
    format!("crm:{message_id}")
}

/// The intent key of bringing one booking's HubSpot deal in line with one change (at `at`).
pub fn deal_intent_key(booking_id: &str, at: u64) -> String {
    format!("deal:{booking_id}:{at}")
}

/// The intent key of mirroring one change (at `at`) of a booking to Cal.com.
pub fn calendar_intent_key(booking_id: &str, at: u64) -> String {
    format!("calendar:{booking_id}:{at}")
}

/// The integration jobs a booking change starts, for a tenant with `settings`: a new booking
/// opens a HubSpot deal and a cancellation closes it (a move leaves it as it is); every change
/// of a viewing or appointment is mirrored to Cal.com (a stay spans nights, which no Cal.com
/// event type books).
pub fn booking_mirrors(
    settings: &crate::tenant::Settings,
    tenant_id: &str,
    booking_id: &str,
    kind: crate::booking::Kind,
    change: crate::booking::Change,
    at: u64,
) -> Vec<Job> {
    use crate::booking::Change;
    let mut jobs = Vec::new();
    if change != Change::Rescheduled && settings.hubspot.is_some() {
        jobs.push(Job::SyncDeal { tenant_id: tenant_id.to_owned(), booking_id: booking_id.to_owned(), at });
    }
    if settings.calcom.is_some() && kind != crate::booking::Kind::Stay {
        jobs.push(Job::SyncCalendar { tenant_id: tenant_id.to_owned(), booking_id: booking_id.to_owned(), at });
    }
    jobs
}

/// The intent key of the lead update for one message (the turn's batch builds the same key in
/// SQL as `'lead:' || message id`).
pub fn lead_intent_key(message_id: &str) -> String {
    format!("lead:{message_id}")
}

/// What an outbox row holds for a delivery job, written in the turn's batch and by the job.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub dedupe_key: String,
    /// The `messages` row whose status follows the delivery (replies to contacts).
    pub message_id: Option<String>,
    pub channel: &'static str,
    pub recipient: String,
    pub payload: serde_json::Value,
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
            Job::RetryTurn { turn } => &turn.tenant_id,
            Job::Notify { tenant_id, .. }
            | Job::DeliverMessage { tenant_id, .. }
            | Job::UpdateLead { tenant_id, .. }
            | Job::KbIngest { tenant_id, .. }
            | Job::SyncCrm { tenant_id, .. }
            | Job::SyncDeal { tenant_id, .. }
            | Job::SyncCalendar { tenant_id, .. }
            | Job::MakeCall { tenant_id, .. }
            | Job::DailySummary { tenant_id, .. } => tenant_id,
        }
    }

    /// The `job_intents.dedupe_key` of a job a turn must not lose; `None` for best-effort jobs
    /// (a live event) and for a retried turn (it is its own record, in the queue).
    pub fn intent_key(&self) -> Option<String> {
        match self {
            Job::DeliverMessage { message_id, .. } => Some(message_id.clone()),
            Job::Notify { notification, .. } => Some(notification.dedupe_key.clone()),
            Job::UpdateLead { message, .. } => Some(lead_intent_key(&message.message_id)),
            Job::SyncCrm { message_id, .. } => Some(crm_intent_key(message_id)),
            Job::SyncDeal { booking_id, at, .. } => Some(deal_intent_key(booking_id, *at)),
            Job::SyncCalendar { booking_id, at, .. } => Some(calendar_intent_key(booking_id, *at)),
            Job::MakeCall { call_id, .. } => Some(call_intent_key(call_id)),
            // An ingestion is its own record (`kb_jobs`), readable by the API whatever happens;
            // a daily summary's emails are outbox rows, and the sweeper enqueues a missing one again.
            Job::PublishEvent { .. } | Job::RetryTurn { .. } | Job::KbIngest { .. } | Job::DailySummary { .. } => None,
        }
    }

    /// The job's `kind` tag, as in its JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::PublishEvent { .. } => "publish_event",
            Job::Notify { .. } => "notify",
            Job::DeliverMessage { .. } => "deliver_message",
            Job::UpdateLead { .. } => "update_lead",
            Job::RetryTurn { .. } => "retry_turn",
            Job::KbIngest { .. } => "kb_ingest",
            Job::SyncCrm { .. } => "sync_crm",
            Job::SyncDeal { .. } => "sync_deal",
            Job::SyncCalendar { .. } => "sync_calendar",
            Job::MakeCall { .. } => "make_call",
            Job::DailySummary { .. } => "daily_summary",
        }
    }

    /// The outbox row a delivery job sends from (`None` for jobs that deliver nothing).
    pub fn outbox_entry(&self) -> Option<OutboxEntry> {
        use crate::escalation::NotifyChannel;
        match self {
            Job::DeliverMessage { message_id, channel, to, body, subject, .. } => Some(OutboxEntry {
                dedupe_key: message_id.clone(),
                message_id: Some(message_id.clone()),
                channel: match channel.as_str() {
                    "whatsapp" => "whatsapp",
                    "email" => "email",
                    "chat" => "chat",
                    _ => "sms",
                },
                recipient: to.clone(),
                payload: match subject {
                    Some(subject) => serde_json::json!({ "kind": "message", "message_id": message_id, "body": body,
                                                         "subject": subject }),
                    None => serde_json::json!({ "kind": "message", "message_id": message_id, "body": body }),
                },
            }),
            Job::Notify { escalation_id, notification, .. } => Some(OutboxEntry {
                dedupe_key: notification.dedupe_key.clone(),
                message_id: None,
                channel: match notification.channel {
                    NotifyChannel::Sms => "sms",
                    NotifyChannel::Email => "email",
                    NotifyChannel::Slack => "slack",
                },
                recipient: notification.to.clone(),
                payload: serde_json::json!({ "kind": "escalation_page", "escalation_id": escalation_id,
                                             "subject": notification.subject, "body": notification.body }),
            }),
            _ => None,
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
    fn a_booking_change_starts_the_integrations_the_tenant_has() {
        use crate::booking::{Change, Kind};
        let none = crate::tenant::Settings::default();
        assert!(
            booking_mirrors(&none, "ten_1", "bkg_1", Kind::Viewing, Change::Created, 5).is_empty(),
            "nothing configured: nothing to do"
        );
        let both: crate::tenant::Settings = serde_json::from_value(serde_json::json!({
            "hubspot": {"token": "env:HUBSPOT_TOKEN_X"},
            "calcom": {"api_key": "env:CALCOM_API_KEY_X", "event_type_id": 7}
        }))
        .unwrap();
        let created = booking_mirrors(&both, "ten_1", "bkg_1", Kind::Viewing, Change::Created, 5);
        let keys: Vec<_> = created.iter().filter_map(Job::intent_key).collect();
        assert_eq!(keys, ["deal:bkg_1:5", "calendar:bkg_1:5"]);
        let moved = booking_mirrors(&both, "ten_1", "bkg_1", Kind::Viewing, Change::Rescheduled, 9);
        assert_eq!(moved.iter().map(Job::kind).collect::<Vec<_>>(), ["sync_calendar"], "a move leaves the deal");
        let cancelled = booking_mirrors(&both, "ten_1", "bkg_1", Kind::Viewing, Change::Cancelled, 12);
        let keys: Vec<_> = cancelled.iter().filter_map(Job::intent_key).collect();
        assert_eq!(keys, ["deal:bkg_1:12", "calendar:bkg_1:12"]);
        let stay = booking_mirrors(&both, "ten_1", "bkg_2", Kind::Stay, Change::Created, 5);
        assert_eq!(stay.iter().map(Job::kind).collect::<Vec<_>>(), ["sync_deal"], "a stay is not a Cal.com slot");
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
