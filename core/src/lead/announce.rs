//! What a lead update tells the team: the `lead.updated` live event, and — when the lead has
//! just become high-value — the escalation to raise and its `escalation.raised` event.

use super::LeadUpdate;
use crate::brain::EscalationRequest;
use crate::escalation::Reason;
use crate::events::{EventKind, NewEvent};
use serde_json::json;

/// The hand-over for a lead that crossed the high-value threshold, quoting its explanation.
pub fn high_value_escalation(update: &LeadUpdate) -> Option<EscalationRequest> {
    update.became_high_value.then(|| EscalationRequest {
        reason: Reason::HighValueLead,
        summary: format!("High-value lead: {}", update.score.explain()),
        detail: json!({ "score": update.score.value, "band": update.score.band, "items": update.score.items })
            .to_string(),
    })
}

/// Where the update happened: the lead's contact and the conversation of the message.
pub struct Subject<'a> {
    pub tenant_id: &'a str,
    pub contact_id: &'a str,
    pub conversation_id: &'a str,
    pub message_id: &'a str,
    pub at: u64,
}

/// `lead.updated`, then `escalation.raised` if `raised` (the escalation's id and request).
pub fn events(subject: &Subject<'_>, update: &LeadUpdate, raised: Option<(&str, &EscalationRequest)>) -> Vec<NewEvent> {
    let event = |kind, data| NewEvent { kind, tenant_id: subject.tenant_id.to_owned(), at: subject.at, data };
    let mut out = vec![event(
        EventKind::LeadUpdated,
        json!({ "lead": { "contact_id": subject.contact_id, "status": update.lead.status, "score": update.score.value,
                          "band": update.score.band, "explanation": update.score.explain() } }),
    )];
    if let Some((id, request)) = raised {
        out.push(event(
            EventKind::EscalationRaised,
            json!({ "escalation": { "id": id, "reason": request.reason, "priority": request.reason.priority(),
                                    "summary": request.summary, "message_id": subject.message_id },
                    "contact": { "id": subject.contact_id }, "conversation": { "id": subject.conversation_id } }),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::{CivilDate, Intent, Slot, SlotValue, Urgency};
    use crate::lead::{apply, default_questions, LeadMessage};

    #[test]
    fn a_lead_crossing_the_threshold_is_announced_with_its_escalation() {
        let slots = [
            (Slot::Beds, json!(2), "2 bed"),
            (Slot::Area, json!("Clifton"), "Clifton"),
            (Slot::BudgetMax, json!(1500), "up to 1500"),
            (Slot::MoveIn, json!("2026-12-01"), "1 December"),
        ];
        let message = LeadMessage {
            message_id: "msg_1".into(),
            at: 1,
            intent: Intent::BookViewing,
            urgency: Urgency::Normal,
            slots: slots.iter().map(|(s, v, t)| (*s, SlotValue { value: v.clone(), text: (*t).into() })).collect(),
            body: "2 bed in Clifton up to 1500 from 1 December, can I view it?".into(),
            returning: false,
            today: CivilDate { year: 2026, month: 11, day: 23 },
            escalated: false,
        };
        let update =
            apply(None, &message, Some("letting_agent"), &default_questions(Some("letting_agent")), 60, &[]).unwrap();
        let request = high_value_escalation(&update).expect("crossed 60");
        assert_eq!(request.reason, Reason::HighValueLead);
        assert!(request.summary.starts_with("High-value lead: "), "{}", request.summary);
        let subject = Subject {
            tenant_id: "ten_demo",
            contact_id: "con_1",
            conversation_id: "cnv_1",
            message_id: "msg_1",
            at: 5,
        };
        let both = events(&subject, &update, Some(("esc_1", &request)));
        assert_eq!(
            both.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [EventKind::LeadUpdated, EventKind::EscalationRaised]
        );
        assert_eq!(both[0].data["lead"]["score"], update.score.value);
        assert_eq!(both[1].data["escalation"]["reason"], "high_value_lead");
        assert_eq!(events(&subject, &update, None).len(), 1);
    }
}
