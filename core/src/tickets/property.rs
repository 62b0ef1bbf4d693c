//! The property a reported fault is at, and the landlord's alert about an emergency there.
//!
//! The glue finds the property (the listing the message names, the one the conversation is
//! about, or the stay the contact is in); this module decides what the landlord is sent. Only
//! emergencies alert a landlord at once: an urgent or routine fault is the agency's to arrange,
//! and a landlord paged at 3 a.m. about a dripping tap stops answering.

use super::{NewTicket, TicketUrgency};
use crate::escalation::{Notification, NotifyChannel};
use crate::listings::{Landlord, Listing};
use crate::phone::PhoneE164;
use serde::{Deserialize, Serialize};

/// The listing a ticket is about, with what its alert needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub listing_id: String,
    pub reference: String,
    pub address: String,
    pub landlord: Option<Landlord>,
}

impl Property {
    pub fn of(listing: &Listing) -> Self {
        Self {
            listing_id: listing.id.clone(),
            reference: listing.reference.clone(),
            address: listing.address.clone(),
            landlord: listing.landlord.clone(),
        }
    }
}

/// The landlord's alert about an emergency ticket, by SMS and by email as far as the listing
/// gives them a number and an address; nothing for a lesser urgency or a property without a
/// reachable landlord. Keyed on the escalation, so a retried turn alerts once.
pub fn landlord_alerts(
    ticket: &NewTicket,
    property: &Property,
    business_name: &str,
    contact_label: &str,
    escalation_id: &str,
) -> Vec<Notification> {
    let Some(landlord) = property.landlord.as_ref().filter(|_| ticket.urgency == TicketUrgency::Emergency) else {
        return Vec::new();
    };
    let subject = format!("Emergency at {}: {}", property.address, ticket.category.as_str());
    let body = format!(
        "{business_name}: {contact_label} reported an emergency at {} ({}): {}. Our on-call team is dealing \
         with it now; we will update you. Ref {escalation_id}",
        property.address, property.reference, ticket.summary
    );
    let mut out = Vec::new();
    // A number the listing holds in another form is not guessed at: the email still goes.
    if let Some(phone) = landlord.phone.as_deref().and_then(|p| PhoneE164::parse(p).ok()) {
        out.push(Notification {
            channel: NotifyChannel::Sms,
            to: phone.to_string(),
            subject: subject.clone(),
            body: body.clone(),
            dedupe_key: format!("{escalation_id}:landlord:sms:{phone}"),
        });
    }
    if let Some(email) = landlord.email.as_deref().map(str::trim).filter(|e| e.contains('@')) {
        let email = email.to_lowercase();
        out.push(Notification {
            channel: NotifyChannel::Email,
            dedupe_key: format!("{escalation_id}:landlord:email:{email}"),
            to: email,
            subject,
            body,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::Category;

    fn property(landlord: Option<Landlord>) -> Property {
        Property {
            listing_id: "lst_1".into(),
            reference: "MP-2026-014".into(),
            address: "Flat 2, 21 Elm Road, Clifton, Bristol".into(),
            landlord,
        }
    }

    fn ticket(urgency: TicketUrgency) -> NewTicket {
        NewTicket {
            category: Category::Heating,
            urgency,
            summary: "heating (emergency): \"The boiler's broken\"".into(),
            property: None,
        }
    }

    fn helen() -> Landlord {
        Landlord {
            name: "Helen Price".into(),
            phone: Some("+447700900312".into()),
            email: Some("Helen.Price@example.com".into()),
        }
    }

    #[test]
    fn an_emergency_alerts_the_landlord_by_sms_and_email_once_per_escalation() {
        let alerts =
            landlord_alerts(&ticket(TicketUrgency::Emergency), &property(Some(helen())), "Maple", "Dana", "esc_9");
        assert_eq!(alerts.len(), 2);
        assert_eq!((alerts[0].channel, alerts[0].to.as_str()), (NotifyChannel::Sms, "+447700900312"));
        assert_eq!(alerts[0].dedupe_key, "esc_9:landlord:sms:+447700900312");
        assert_eq!((alerts[1].channel, alerts[1].to.as_str()), (NotifyChannel::Email, "helen.price@example.com"));
        assert!(alerts[0].body.contains("Flat 2, 21 Elm Road"), "{}", alerts[0].body);
        assert!(alerts[0].body.contains("MP-2026-014") && alerts[0].body.contains("Ref esc_9"));
        assert!(alerts[0].body.contains("The boiler's broken"), "quotes the report");
    }

    #[test]
    fn lesser_faults_and_unreachable_landlords_alert_no_one() {
        for urgency in [TicketUrgency::Urgent, TicketUrgency::Routine] {
            assert!(landlord_alerts(&ticket(urgency), &property(Some(helen())), "M", "D", "esc_1").is_empty());
        }
        assert!(landlord_alerts(&ticket(TicketUrgency::Emergency), &property(None), "M", "D", "esc_1").is_empty());
        let unreachable = Landlord { name: "Ghost".into(), phone: Some("call the office".into()), email: None };
        assert!(
            landlord_alerts(&ticket(TicketUrgency::Emergency), &property(Some(unreachable)), "M", "D", "e").is_empty()
        );
    }
}
