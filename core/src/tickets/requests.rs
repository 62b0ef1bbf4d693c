//! What staff send to the tickets API, validated here so the Worker only stores it.

use super::{Category, Note, Status, Ticket, TicketUrgency, MAX_TEXT_CHARS};
use crate::api::ApiError;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/tickets`: a ticket opened by staff (a phone call, a walk-in, an inspection).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    pub category: String,
    pub urgency: String,
    pub summary: String,
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub listing_id: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
}

/// A staff ticket, checked: the enums parsed, the texts within bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTicket {
    pub category: Category,
    pub urgency: TicketUrgency,
    pub summary: String,
    pub contact_id: Option<String>,
    pub listing_id: Option<String>,
    pub assignee: Option<String>,
}

impl CreateTicket {
    pub fn validate(self) -> Result<ValidTicket, ApiError> {
        let category = Category::parse(&self.category).ok_or_else(|| {
            ApiError::malformed_body(
                "`category` must be one of plumbing, heating, electrical, locks, appliances, other",
            )
        })?;
        let urgency = TicketUrgency::parse(&self.urgency)
            .ok_or_else(|| ApiError::malformed_body("`urgency` must be one of emergency, urgent, routine"))?;
        let summary = bounded("summary", &self.summary)?;
        let assignee = self.assignee.as_deref().map(|a| bounded("assignee", a)).transpose()?;
        let listing_id = self.listing_id.as_deref().map(|l| bounded("listing_id", l)).transpose()?;
        Ok(ValidTicket { category, urgency, summary, contact_id: self.contact_id, listing_id, assignee })
    }
}

/// `POST /api/v1/tickets/{id}`: a status change, an assignee, a note — any of them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateTicket {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The row an update leaves: status, assignee and notes (the caller stores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub status: Status,
    pub assignee: Option<String>,
    pub notes: Vec<Note>,
}

impl UpdateTicket {
    /// Applies the update to `current`. Assigning needs an assignee (given now or before); an
    /// invalid transition is a 422 naming it.
    pub fn apply(self, current: &Ticket, who: &str, now_ms: u64) -> Result<Updated, ApiError> {
        if self.status.is_none() && self.assignee.is_none() && self.note.is_none() {
            return Err(ApiError::malformed_body("send at least one of `status`, `assignee`, `note`"));
        }
        let next = match self.status.as_deref() {
            Some(raw) => Status::parse(raw)
                .ok_or_else(|| ApiError::malformed_body("`status` must be one of open, assigned, resolved"))?,
            // Naming an assignee on an open ticket assigns it.
            None if self.assignee.is_some() && current.status == Status::Open => Status::Assigned,
            None => current.status,
        };
        if next != current.status && !current.status.can_become(next) || self.status.is_some() && next == Status::Open {
            return Err(ApiError::invalid_transition(format!(
                "ticket is {}; it cannot become {}",
                current.status.as_str(),
                next.as_str()
            )));
        }
        if current.status == Status::Resolved && (self.assignee.is_some() || next != Status::Resolved) {
            return Err(ApiError::invalid_transition("ticket is resolved; it cannot change"));
        }
        let assignee =
            self.assignee.as_deref().map(|a| bounded("assignee", a)).transpose()?.or(current.assignee.clone());
        if next == Status::Assigned && assignee.is_none() {
            return Err(ApiError::invalid_transition(
                "ticket is open; it cannot become assigned without an `assignee`",
            ));
        }
        let mut notes = current.notes.clone();
        if let Some(text) = self.note.as_deref() {
            notes.push(Note { who: who.to_owned(), text: bounded("note", text)?, at: now_ms });
        }
        Ok(Updated { status: next, assignee, notes })
    }
}

fn bounded(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::malformed_body(format!("`{field}` must be 1 to {MAX_TEXT_CHARS} characters")));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(status: Status, assignee: Option<&str>) -> Ticket {
        Ticket {
            id: "tkt_1".into(),
            contact_id: None,
            conversation_id: None,
            message_id: None,
            listing_id: None,
            category: Category::Heating,
            urgency: TicketUrgency::Emergency,
            status,
            assignee: assignee.map(str::to_owned),
            summary: "boiler".into(),
            notes: Vec::new(),
            media: Vec::new(),
            escalation_id: None,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn update(status: Option<&str>, assignee: Option<&str>, note: Option<&str>) -> UpdateTicket {
        UpdateTicket { status: status.map(Into::into), assignee: assignee.map(Into::into), note: note.map(Into::into) }
    }

    #[test]
    fn open_assigned_resolved_with_notes() {
        let open = ticket(Status::Open, None);
        let assigned =
            update(Some("assigned"), Some("Pipe Pros"), Some("booked for 9am")).apply(&open, "staff", 5).unwrap();
        assert_eq!(assigned.status, Status::Assigned);
        assert_eq!(assigned.assignee.as_deref(), Some("Pipe Pros"));
        assert_eq!(assigned.notes, vec![Note { who: "staff".into(), text: "booked for 9am".into(), at: 5 }]);
        let now = ticket(Status::Assigned, Some("Pipe Pros"));
        assert_eq!(update(Some("resolved"), None, None).apply(&now, "staff", 6).unwrap().status, Status::Resolved);
        // An assignee alone assigns an open ticket.
        assert_eq!(update(None, Some("Sparks Ltd"), None).apply(&open, "staff", 7).unwrap().status, Status::Assigned);
    }

    #[test]
    fn invalid_transitions_are_named() {
        let resolved = ticket(Status::Resolved, Some("Pipe Pros"));
        let err = update(Some("assigned"), None, None).apply(&resolved, "staff", 1).unwrap_err();
        assert_eq!((err.status, err.code), (422, "invalid_transition"));
        assert_eq!(err.message, "ticket is resolved; it cannot become assigned");
        let err = update(Some("open"), None, None).apply(&ticket(Status::Assigned, Some("x")), "s", 1).unwrap_err();
        assert_eq!(err.message, "ticket is assigned; it cannot become open");
        let err = update(Some("assigned"), None, None).apply(&ticket(Status::Open, None), "s", 1).unwrap_err();
        assert!(err.message.contains("without an `assignee`"), "{}", err.message);
        assert_eq!(update(None, None, None).apply(&resolved, "s", 1).unwrap_err().status, 400);
        assert_eq!(update(Some("closed"), None, None).apply(&resolved, "s", 1).unwrap_err().status, 400);
        // A note on a resolved ticket is still welcome.
        assert!(update(None, None, Some("invoice paid")).apply(&resolved, "s", 1).is_ok());
    }

    #[test]
    fn staff_tickets_are_validated() {
        let ok = CreateTicket {
            category: "plumbing".into(),
            urgency: "routine".into(),
            summary: " dripping tap ".into(),
            contact_id: None,
            listing_id: None,
            assignee: None,
        };
        assert_eq!(ok.clone().validate().unwrap().summary, "dripping tap");
        assert_eq!(CreateTicket { category: "roof".into(), ..ok.clone() }.validate().unwrap_err().status, 400);
        assert_eq!(CreateTicket { urgency: "soon".into(), ..ok.clone() }.validate().unwrap_err().status, 400);
        assert_eq!(CreateTicket { summary: "  ".into(), ..ok }.validate().unwrap_err().status, 400);
    }
}
