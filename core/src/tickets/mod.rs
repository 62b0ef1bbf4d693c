//! Maintenance tickets: a property fault reported on any channel (or opened by staff), worked
//! open → assigned → resolved with notes.
//!
//! A turn opens one when the message is a maintenance request or an emergency that is a fault
//! of the property ([`from_turn`]); the ticket is written in the turn's own claim-guarded batch,
//! once per message, linked to the emergency escalation the same turn raised. Classification is
//! in [`classify`]; what the reporting contact is told is [`emergency_reply`].

mod classify;
mod property;
mod requests;

pub use classify::{category_of, emergency_reply, from_turn, urgency_of};
pub use property::{landlord_alerts, Property};
pub use requests::{CreateTicket, UpdateTicket, Updated, ValidTicket};

use crate::phone::PhoneE164;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Plumbing,
    Heating,
    Electrical,
    Locks,
    Appliances,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Plumbing,
        Category::Heating,
        Category::Electrical,
        Category::Locks,
        Category::Appliances,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Plumbing => "plumbing",
            Category::Heating => "heating",
            Category::Electrical => "electrical",
            Category::Locks => "locks",
            Category::Appliances => "appliances",
            Category::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketUrgency {
    /// Someone goes out now: the on-call chain is paged and the contractor's number given.
    Emergency,
    /// Today or tomorrow.
    Urgent,
    /// Booked in the ordinary way.
    Routine,
}

impl TicketUrgency {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketUrgency::Emergency => "emergency",
            TicketUrgency::Urgent => "urgent",
            TicketUrgency::Routine => "routine",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [TicketUrgency::Emergency, TicketUrgency::Urgent, TicketUrgency::Routine]
            .into_iter()
            .find(|u| u.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Assigned,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::Resolved => "resolved",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Status::Open, Status::Assigned, Status::Resolved].into_iter().find(|s| s.as_str() == raw)
    }

    /// Tickets move forward: open → assigned → resolved, or open → resolved for a fault fixed
    /// on the phone. Re-assigning an assigned ticket (another contractor) is allowed; a
    /// resolved ticket is closed: a new fault is a new ticket.
    pub fn can_become(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Open, Status::Assigned | Status::Resolved)
                | (Status::Assigned, Status::Assigned | Status::Resolved)
        )
    }
}

/// What a turn asks storage to open (`Reply::ticket`): the rest (contact, conversation,
/// message, media, escalation) comes from the stored message in the same batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub category: Category,
    pub urgency: TicketUrgency,
    /// One line for the team, quoting the message.
    pub summary: String,
    /// Where the fault is, when the glue found the listing (`property`): the ticket names it
    /// and an emergency alerts its landlord.
    #[serde(default)]
    pub property: Option<Property>,
}

/// `settings.maintenance`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaintenanceSettings {
    /// Given to a contact reporting an emergency fault, so the repair need not wait for us.
    pub emergency_contractor: Option<Contractor>,
}

impl MaintenanceSettings {
    pub fn is_empty(&self) -> bool {
        self.emergency_contractor.is_none()
    }

    pub fn validate(&self) -> Vec<String> {
        match &self.emergency_contractor {
            Some(c) if c.name.trim().is_empty() || c.name.chars().count() > 80 => {
                vec!["maintenance.emergency_contractor.name: 1 to 80 characters".into()]
            }
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contractor {
    pub name: String,
    pub phone: PhoneE164,
}

/// One note on a ticket (`tickets.notes`, oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub who: String,
    pub text: String,
    pub at: u64,
}

/// A ticket as the API returns it (column names of `tickets`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    pub contact_id: Option<String>,
    pub conversation_id: Option<String>,
    pub message_id: Option<String>,
    pub listing_id: Option<String>,
    pub category: Category,
    pub urgency: TicketUrgency,
    pub status: Status,
    pub assignee: Option<String>,
    pub summary: String,
    pub notes: Vec<Note>,
    pub media: Vec<serde_json::Value>,
    pub escalation_id: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

impl crate::api::Identified for Ticket {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The longest note or summary staff may write.
pub const MAX_TEXT_CHARS: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves_forward_only() {
        assert!(Status::Open.can_become(Status::Assigned));
        assert!(Status::Open.can_become(Status::Resolved));
        assert!(Status::Assigned.can_become(Status::Assigned));
        assert!(Status::Assigned.can_become(Status::Resolved));
        assert!(!Status::Assigned.can_become(Status::Open));
        assert!(!Status::Resolved.can_become(Status::Open));
        assert!(!Status::Resolved.can_become(Status::Assigned));
        assert!(!Status::Open.can_become(Status::Open));
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("roofing"), None);
        assert_eq!(TicketUrgency::parse("urgent"), Some(TicketUrgency::Urgent));
        assert_eq!(Status::parse("closed"), None);
    }

    #[test]
    fn contractor_settings_are_validated() {
        let blank = MaintenanceSettings {
            emergency_contractor: Some(Contractor {
                name: " ".into(),
                phone: PhoneE164::parse("+441632960123").unwrap(),
            }),
        };
        assert_eq!(blank.validate().len(), 1);
        let bad_phone = serde_json::from_str::<MaintenanceSettings>(
            r#"{"emergency_contractor": {"name": "Pipe Pros", "phone": "call me"}}"#,
        );
        assert!(bad_phone.is_err());
    }
}
