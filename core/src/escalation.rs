//! Escalations: what a human must handle, how urgent it is, who is told, and how it is worked.
//!
//! Emergencies are policy, not judgement: they bypass business hours and page every on-call
//! contact at once, by SMS and email, within the turn that detected them.

use crate::phone::PhoneE164;
use crate::tenant::Settings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Emergency,
    HumanRequested,
    RepeatedConfusion,
    HighValueLead,
    Complaint,
    AiFailure,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Emergency => "emergency",
            Reason::HumanRequested => "human_requested",
            Reason::RepeatedConfusion => "repeated_confusion",
            Reason::HighValueLead => "high_value_lead",
            Reason::Complaint => "complaint",
            Reason::AiFailure => "ai_failure",
        }
    }

    /// Emergencies page people now; a failed AI or a person asking for a human is next; the
    /// rest wait for the team's queue.
    pub fn priority(self) -> Priority {
        match self {
            Reason::Emergency => Priority::Critical,
            Reason::HumanRequested | Reason::AiFailure | Reason::Complaint => Priority::High,
            Reason::RepeatedConfusion | Reason::HighValueLead => Priority::Normal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Critical,
    High,
    Normal,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Normal => "normal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Acknowledged,
    Resolved,
}

impl Status {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "open" => Some(Status::Open),
            "acknowledged" => Some(Status::Acknowledged),
            "resolved" => Some(Status::Resolved),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Resolved => "resolved",
        }
    }

    /// Escalations move forward only: open → acknowledged → resolved (or open → resolved).
    /// Setting the current status again is allowed and changes nothing (safe to retry).
    pub fn can_become(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Open, _)
                | (Status::Acknowledged, Status::Acknowledged | Status::Resolved)
                | (Status::Resolved, Status::Resolved)
        )
    }
}

/// An escalation as the API returns it (column names of `escalations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub id: String,
    pub contact_id: String,
    pub conversation_id: String,
    pub message_id: String,
    pub reason: Reason,
    pub priority: Priority,
    pub status: Status,
    pub summary: String,
    pub detail: serde_json::Value,
    pub created_at: u64,
    pub updated_at: u64,
}

impl crate::api::Identified for Escalation {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A person who is paged for emergencies (tenant settings `on_call`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnCall {
    pub name: String,
    #[serde(default)]
    pub phone: Option<PhoneE164>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    Sms,
    Email,
}

/// One page to one on-call person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub channel: NotifyChannel,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Names the effect, so a retried job sends it once (`outbox.dedupe_key`).
    pub dedupe_key: String,
}

/// SMS pages are cut to one segment's worth of text plus a reference, so they arrive whole.
const SMS_PAGE_CHARS: usize = 300;

/// The pages an escalation sends: for an emergency, every on-call contact by SMS and email,
/// whatever the hour; other reasons page no one (they wait in the team's queue).
pub fn notifications(
    settings: &Settings,
    escalation_id: &str,
    reason: Reason,
    business_name: &str,
    contact_label: &str,
    quote: &str,
) -> Vec<Notification> {
    if reason != Reason::Emergency {
        return Vec::new();
    }
    let subject = format!("EMERGENCY at {business_name}: {contact_label}");
    let body = format!("{subject} wrote: \u{201c}{quote}\u{201d} Reply to them now. Ref {escalation_id}");
    let sms_body: String = if body.chars().count() > SMS_PAGE_CHARS {
        let cut: String = quote.chars().take(SMS_PAGE_CHARS - 120).collect();
        format!("{subject} wrote: \u{201c}{cut}…\u{201d} Reply to them now. Ref {escalation_id}")
    } else {
        body.clone()
    };
    let mut out = Vec::new();
    for person in &settings.on_call {
        if let Some(phone) = &person.phone {
            out.push(Notification {
                channel: NotifyChannel::Sms,
                to: phone.to_string(),
                subject: subject.clone(),
                body: sms_body.clone(),
                dedupe_key: format!("{escalation_id}:sms:{phone}"),
            });
        }
        if let Some(email) = person.email.as_deref().filter(|e| e.contains('@')) {
            out.push(Notification {
                channel: NotifyChannel::Email,
                to: email.to_lowercase(),
                subject: subject.clone(),
                body: body.clone(),
                dedupe_key: format!("{escalation_id}:email:{}", email.to_lowercase()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        serde_json::from_value(serde_json::json!({
            "on_call": [
                {"name": "Sam", "phone": "+447700900999", "email": "Sam@MaplePine.example"},
                {"name": "Alex", "email": "alex@maplepine.example"},
                {"name": "No contact"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn an_emergency_pages_every_on_call_contact_by_sms_and_email() {
        let pages = notifications(
            &settings(),
            "esc_1",
            Reason::Emergency,
            "Maple & Pine",
            "+447700900123",
            "Water pouring through my ceiling",
        );
        let targets: Vec<_> = pages.iter().map(|n| (n.channel, n.to.as_str())).collect();
        assert_eq!(
            targets,
            [
                (NotifyChannel::Sms, "+447700900999"),
                (NotifyChannel::Email, "sam@maplepine.example"),
                (NotifyChannel::Email, "alex@maplepine.example")
            ]
        );
        assert!(pages[0].body.contains("Water pouring through my ceiling") && pages[0].body.contains("esc_1"));
        let keys: std::collections::HashSet<_> = pages.iter().map(|n| &n.dedupe_key).collect();
        assert_eq!(keys.len(), pages.len(), "each page has its own dedupe key");
    }

    #[test]
    fn other_reasons_page_no_one_and_long_quotes_fit_an_sms() {
        assert!(notifications(&settings(), "esc_1", Reason::Complaint, "B", "c", "q").is_empty());
        let long = "flood ".repeat(200);
        let pages = notifications(&settings(), "esc_1", Reason::Emergency, "B", "c", &long);
        assert!(pages[0].body.chars().count() <= SMS_PAGE_CHARS, "{}", pages[0].body.chars().count());
        assert!(pages[1].body.contains(&long), "email carries the whole quote");
    }

    #[test]
    fn status_only_moves_forward() {
        use Status::*;
        assert!(Open.can_become(Acknowledged) && Open.can_become(Resolved) && Acknowledged.can_become(Resolved));
        assert!(Resolved.can_become(Resolved), "retrying a resolve is harmless");
        assert!(!Resolved.can_become(Open) && !Acknowledged.can_become(Open) && !Resolved.can_become(Acknowledged));
        assert_eq!(Status::parse("resolved"), Some(Resolved));
        assert_eq!(Status::parse("closed"), None);
        assert_eq!(Reason::Emergency.priority(), Priority::Critical);
    }
}
