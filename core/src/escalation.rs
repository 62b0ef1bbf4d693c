//! Escalations: what a human must handle, how urgent it is, who is told, and how it is worked.
//!
//! Emergencies are policy, not judgement: they bypass business hours and page the first
//! on-call contact by SMS and email within the turn that detected them, then the next one in the
//! chain each time the tenant's acknowledgement timeout passes with nobody acknowledging.

use crate::channel::Channel;
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
    /// Something the team owes the contact: a booking to confirm, a question to answer.
    FollowUp,
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
            Reason::FollowUp => "follow_up",
        }
    }

    /// Emergencies page people now; a failed AI or a person asking for a human is next; the
    /// rest wait for the team's queue.
    pub fn priority(self) -> Priority {
        match self {
            Reason::Emergency => Priority::Critical,
            Reason::HumanRequested | Reason::AiFailure | Reason::Complaint => Priority::High,
            Reason::RepeatedConfusion | Reason::HighValueLead | Reason::FollowUp => Priority::Normal,
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
    /// The team's Slack channel (`settings.slack`); `to` is the webhook's secret reference.
    Slack,
}

/// One page to one on-call person, or one post to the team's channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub channel: NotifyChannel,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Names the effect, so a retried job sends it once (`outbox.dedupe_key`).
    pub dedupe_key: String,
}

/// The escalation being paged for: what was raised, for whom, and the words that raised it on
/// which channel.
#[derive(Debug, Clone, Copy)]
pub struct Raised<'a> {
    pub id: &'a str,
    pub reason: Reason,
    pub business_name: &'a str,
    pub contact_label: &'a str,
    pub quote: &'a str,
    pub channel: Channel,
}

/// SMS pages are cut to one segment's worth of text plus a reference, so they arrive whole.
const SMS_PAGE_CHARS: usize = 300;

/// The pages an escalation sends at `level` of the on-call chain: for an emergency, the
/// `level`-th reachable on-call contact (round the chain again past its end) by SMS and email,
/// whatever the hour; other reasons page no one (they wait in the team's queue). Level 0 is
/// paged in the turn that raised it; the sweeper pages the next level each time the tenant's
/// acknowledgement timeout passes with the escalation still open. With `settings.slack`, every
/// escalation (any reason, each page of an emergency) is also posted to the team's channel.
pub fn notifications(settings: &Settings, raised: &Raised<'_>, level: u32) -> Vec<Notification> {
    let Raised { id: escalation_id, reason, business_name, contact_label, quote, channel } = *raised;
    // A caller said it and is reached by calling back; everyone else wrote and is answered.
    let (verb, ask) = match channel {
        Channel::Voice => ("said", "Call them back now."),
        _ => ("wrote", "Reply to them now."),
    };
    let mut out = Vec::new();
    if let Some(slack) = &settings.slack {
        let headline = match (reason, level) {
            (Reason::Emergency, 0) => format!("EMERGENCY at {business_name}"),
            (Reason::Emergency, n) => format!("STILL OPEN, page {}: EMERGENCY at {business_name}", n + 1),
            (other, _) => format!("{} escalation at {business_name}", other.as_str()),
        };
        out.push(Notification {
            channel: NotifyChannel::Slack,
            to: slack.webhook.clone(),
            subject: headline.clone(),
            body: format!("{headline}: {contact_label} {verb} \u{201c}{quote}\u{201d} Ref {escalation_id}"),
            dedupe_key: format!("{escalation_id}:slack:{level}"),
        });
    }
    let reachable: Vec<&OnCall> = settings.on_call.iter().filter(|p| p.phone.is_some() || p.email.is_some()).collect();
    if reason != Reason::Emergency || reachable.is_empty() {
        return out;
    }
    let person = reachable[level as usize % reachable.len()];
    let (subject, key) = match level {
        0 => (format!("EMERGENCY at {business_name}: {contact_label}"), escalation_id.to_owned()),
        n => (
            format!("STILL OPEN, page {}: EMERGENCY at {business_name}: {contact_label}", n + 1),
            format!("{escalation_id}:p{n}"),
        ),
    };
    let body = format!("{subject} {verb}: \u{201c}{quote}\u{201d} {ask} Ref {escalation_id}");
    let sms_body: String = if body.chars().count() > SMS_PAGE_CHARS {
        let room = SMS_PAGE_CHARS.saturating_sub(subject.chars().count() + 60);
        let cut: String = quote.chars().take(room).collect();
        format!("{subject} {verb}: \u{201c}{cut}…\u{201d} {ask} Ref {escalation_id}")
    } else {
        body.clone()
    };
    if let Some(phone) = &person.phone {
        out.push(Notification {
            channel: NotifyChannel::Sms,
            to: phone.to_string(),
            subject: subject.clone(),
            body: sms_body,
            dedupe_key: format!("{key}:sms:{phone}"),
        });
    }
    if let Some(email) = person.email.as_deref().filter(|e| e.contains('@')) {
        out.push(Notification {
            channel: NotifyChannel::Email,
            to: email.to_lowercase(),
            subject,
            body,
            dedupe_key: format!("{key}:email:{}", email.to_lowercase()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised<'a>(id: &'a str, reason: Reason, business: &'a str, label: &'a str, quote: &'a str) -> Raised<'a> {
        Raised { id, reason, business_name: business, contact_label: label, quote, channel: Channel::Sms }
    }

    #[test]
    fn a_caller_is_said_to_have_said_it_and_to_be_called_back() {
        let spoken = Raised { channel: Channel::Voice, ..raised("esc_9", Reason::Emergency, "Maple", "Priya", "gas") };
        let pages = notifications(&settings(), &spoken, 0);
        assert!(pages[0].body.contains("Priya said: \u{201c}gas\u{201d} Call them back now."), "{}", pages[0].body);
        let written = notifications(&settings(), &raised("esc_9", Reason::Emergency, "Maple", "Priya", "gas"), 0);
        assert!(written[0].body.contains("Priya wrote: \u{201c}gas\u{201d} Reply to them now."), "{}", written[0].body);
    }

    #[test]
    fn with_slack_every_escalation_is_posted_once_per_page() {
        let mut s = settings();
        s.slack = Some(crate::channel::slack::SlackSettings { webhook: "env:SLACK_WEBHOOK_DEMO".into() });
        let follow_up = notifications(&s, &raised("esc_1", Reason::FollowUp, "Maple", "Dana", "is it free?"), 0);
        assert_eq!(follow_up.len(), 1, "a task pages no one but is posted");
        assert_eq!((follow_up[0].channel, follow_up[0].to.as_str()), (NotifyChannel::Slack, "env:SLACK_WEBHOOK_DEMO"));
        assert!(follow_up[0].body.starts_with("follow_up escalation at Maple: Dana wrote"));
        let repage = notifications(&s, &raised("esc_2", Reason::Emergency, "Maple", "Dana", "flood"), 1);
        let slack: Vec<_> = repage.iter().filter(|n| n.channel == NotifyChannel::Slack).collect();
        assert_eq!(slack[0].dedupe_key, "esc_2:slack:1");
        assert!(slack[0].body.starts_with("STILL OPEN, page 2: EMERGENCY at Maple"));
        assert_eq!(notifications(&settings(), &raised("esc_3", Reason::FollowUp, "Maple", "Dana", "q"), 0), Vec::new());
    }

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
    fn an_emergency_pages_the_on_call_chain_one_contact_per_level() {
        let page = |level| {
            notifications(
                &settings(),
                &raised(
                    "esc_1",
                    Reason::Emergency,
                    "Maple & Pine",
                    "+447700900123",
                    "Water pouring through my ceiling",
                ),
                level,
            )
        };
        let targets = |level| page(level).iter().map(|n| (n.channel, n.to.clone())).collect::<Vec<_>>();
        assert_eq!(
            targets(0),
            [(NotifyChannel::Sms, "+447700900999".into()), (NotifyChannel::Email, "sam@maplepine.example".into())]
        );
        assert_eq!(targets(1), [(NotifyChannel::Email, "alex@maplepine.example".into())], "the next, skipping none");
        assert_eq!(targets(2), targets(0), "\"No contact\" cannot be paged: round again");
        let first = page(0);
        assert!(first[0].body.contains("Water pouring through my ceiling") && first[0].body.contains("esc_1"));
        assert!(page(1)[0].subject.starts_with("STILL OPEN, page 2"), "{}", page(1)[0].subject);
        let keys: std::collections::HashSet<_> = (0..4).flat_map(page).map(|n| n.dedupe_key).collect();
        assert_eq!(keys.len(), 2 + 1 + 2 + 1, "every page of every level has its own dedupe key");
    }

    #[test]
    fn other_reasons_page_no_one_and_long_quotes_fit_an_sms() {
        assert!(notifications(&settings(), &raised("esc_1", Reason::Complaint, "B", "c", "q"), 0).is_empty());
        let long = "flood ".repeat(200);
        for level in [0, 2] {
            let pages = notifications(&settings(), &raised("esc_1", Reason::Emergency, "B", "c", &long), level);
            let sms = pages.iter().find(|p| p.channel == NotifyChannel::Sms).unwrap();
            assert!(sms.body.chars().count() <= SMS_PAGE_CHARS, "{}", sms.body.chars().count());
        }
        let pages = notifications(&settings(), &raised("esc_1", Reason::Emergency, "B", "c", &long), 0);
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
