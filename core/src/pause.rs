//! A paused tenant (`tenants.status = 'paused'`, `POST /api/v1/tenant/pause`): its webhooks
//! are still verified, stored and answered, but by one fixed holding reply instead of the
//! brain's answer, and every message becomes a task for the team (an escalation, which the
//! console shows live and Slack hears of) so nothing waits unseen. No LLM is called, no
//! listing searched, nothing booked. An emergency still pages on-call as always: pausing the
//! AI must not silence a flood.

use crate::brain::{EscalationRequest, Reply};
use crate::escalation::Reason;
use crate::inbound::InboundTurn;
use serde_json::json;

/// The words every message to a paused front desk gets.
pub fn holding_text(business_name: &str) -> String {
    format!(
        "Thanks for contacting {business_name}. We can't reply automatically right now; a member of the team will get back to you as soon as possible."
    )
}

/// The reply of a paused tenant's turn, given what the rules brain understood of the message
/// (`understood`: its reading is kept for the lead and to recognise an emergency; its words
/// and plans are not used).
pub fn holding_reply(turn: &InboundTurn, understood: Reply) -> Reply {
    let emergency = understood.escalation.filter(|e| e.reason == Reason::Emergency);
    let escalation = emergency.unwrap_or_else(|| EscalationRequest {
        reason: Reason::FollowUp,
        summary: format!("Front desk paused: {} wrote and got the holding reply; answer them yourself.", turn.from),
        detail: json!({ "paused": true, "quote": turn.body }).to_string(),
    });
    Reply {
        text: Some(holding_text(&turn.business_name)),
        escalation: Some(escalation),
        dialogue: None,
        unanswered: None,
        ticket: None,
        ..understood
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::rules::RulesBrain;
    use crate::brain::Brain;
    use crate::conversation::Continuity;
    use crate::inbound::TenantContext;

    fn hold(body: &str) -> Reply {
        let tenant = TenantContext {
            paused: true,
            tenant_id: "ten_demo".into(),
            business_name: "Maple & Pine".into(),
            settings: Default::default(),
            local_time: crate::tenant::tests::at(0, 10, 0),
        };
        let turn = InboundTurn::from_chat("vis_1", "c1", body, tenant, 1);
        let continuity = Continuity { returning_contact: false, new_conversation: true };
        let understood = RulesBrain.respond(&turn.turn(continuity, None, None));
        holding_reply(&turn, understood)
    }

    #[test]
    fn every_message_gets_the_holding_reply_and_becomes_a_task() {
        let reply = hold("Is the flat on Elm Road still available? Can I view it Saturday?");
        assert_eq!(reply.text.as_deref(), Some(holding_text("Maple & Pine").as_str()));
        let escalation = reply.escalation.expect("a task for the team");
        assert_eq!(escalation.reason, Reason::FollowUp);
        assert!(escalation.summary.starts_with("Front desk paused"), "{}", escalation.summary);
        assert!(escalation.detail.contains("Elm Road"));
        assert!(reply.ticket.is_none() && reply.unanswered.is_none());
    }

    #[test]
    fn an_emergency_still_pages_as_one() {
        let reply = hold("Water is pouring through the ceiling, flood in the kitchen!");
        assert_eq!(reply.escalation.expect("escalated").reason, Reason::Emergency);
        assert_eq!(reply.text.as_deref(), Some(holding_text("Maple & Pine").as_str()));
    }
}
