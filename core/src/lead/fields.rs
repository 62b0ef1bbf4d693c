//! Qualification fields: what a lead has told us, each with the words and the message it came from.
//!
//! Every message's extracted slots are merged in. A changed answer replaces the value but comes
//! back as a [`FieldChange`] that carries the old one, so the caller records the history —
//! nothing is overwritten silently, and the team can see that "1500" became "1800" and why.

use crate::brain::understand::{Slot, SlotValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The slots that describe the lead: who they are and what they want. `Date`, `Time` and
/// `Provider` are left out: they are a booking request ("Friday at 3 with Sam") that booking
/// consumes and that goes stale once booked, not a fact about the lead.
pub const QUALIFICATION_SLOTS: [Slot; 14] = [
    Slot::Name,
    Slot::Email,
    Slot::Phone,
    Slot::Beds,
    Slot::Baths,
    Slot::Area,
    Slot::Property,
    Slot::BudgetMax,
    Slot::MoveIn,
    Slot::Pets,
    Slot::Furnished,
    Slot::CheckIn,
    Slot::CheckOut,
    Slot::PartySize,
];

pub fn is_qualification_slot(slot: Slot) -> bool {
    QUALIFICATION_SLOTS.contains(&slot)
}

/// A slot's wire name (`budget_max`), as in JSON and tenant settings.
pub fn slot_name(slot: Slot) -> String {
    match serde_json::to_value(slot) {
        Ok(Value::String(name)) => name,
        _ => format!("{slot:?}"),
    }
}

/// One known fact about the lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Normalised as the understanding produced it: ISO date, number, boolean, E.164 or text.
    pub value: Value,
    /// The contact's own words it was read from, so the team can check it.
    pub evidence: String,
    pub message_id: String,
    /// When the message was received (ms since the epoch).
    pub at: u64,
}

/// A lead's qualification fields; JSON is an object keyed by slot name (`{"beds": {...}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeadFields(pub BTreeMap<Slot, Field>);

/// A field that was learnt or changed by a message; `old` is the value it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Slot,
    pub old: Option<Value>,
    pub new: Value,
    pub evidence: String,
    pub message_id: String,
    pub at: u64,
}

impl LeadFields {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the fields `other` knows and these do not (these win where both know one).
    pub fn fill_from(&mut self, other: &LeadFields) {
        for (slot, field) in &other.0 {
            self.0.entry(*slot).or_insert_with(|| field.clone());
        }
    }

    pub fn get(&self, slot: Slot) -> Option<&Field> {
        self.0.get(&slot)
    }

    pub fn knows(&self, slot: Slot) -> bool {
        self.0.contains_key(&slot)
    }

    /// Merges one message's extracted slots and returns what changed.
    ///
    /// The same value again is not a change and keeps its first evidence, so merging a message
    /// twice (a retried job) changes nothing. Text compares without case or surrounding spaces
    /// ("ana" after "Ana" is not news). `at` must be the message's own time: a message older
    /// than the value it would replace (a late redelivery) is ignored, so it cannot undo a
    /// newer answer. Non-qualification slots and null values are ignored.
    pub fn merge(&mut self, extracted: &BTreeMap<Slot, SlotValue>, message_id: &str, at: u64) -> Vec<FieldChange> {
        let mut changes = Vec::new();
        for (&slot, found) in extracted {
            if !is_qualification_slot(slot) || found.value.is_null() {
                continue;
            }
            let current = self.0.get(&slot);
            if current.is_some_and(|field| same(&field.value, &found.value) || field.at > at) {
                continue;
            }
            let old = current.map(|field| field.value.clone());
            let field =
                Field { value: found.value.clone(), evidence: found.text.clone(), message_id: message_id.into(), at };
            changes.push(FieldChange {
                field: slot,
                old,
                new: field.value.clone(),
                evidence: field.evidence.clone(),
                message_id: field.message_id.clone(),
                at,
            });
            self.0.insert(slot, field);
        }
        changes
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.trim().to_lowercase() == b.trim().to_lowercase(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slots(pairs: &[(Slot, Value, &str)]) -> BTreeMap<Slot, SlotValue> {
        pairs.iter().map(|(s, v, t)| (*s, SlotValue { value: v.clone(), text: (*t).into() })).collect()
    }

    #[test]
    fn learns_new_fields_with_their_words_and_ignores_booking_requests() {
        let mut fields = LeadFields::default();
        let changes = fields.merge(
            &slots(&[
                (Slot::Beds, json!(2), "2 bed"),
                (Slot::BudgetMax, json!(1500), "up to 1500 a month"),
                (Slot::Date, json!("2026-11-27"), "Friday"),
                (Slot::Time, json!("15:00"), "3pm"),
                (Slot::Baths, Value::Null, "lots of baths"),
            ]),
            "msg_1",
            1_000,
        );
        let learnt: Vec<_> = changes.iter().map(|c| (c.field, c.old.clone(), c.new.clone())).collect();
        assert_eq!(learnt, [(Slot::Beds, None, json!(2)), (Slot::BudgetMax, None, json!(1500))]);
        assert!(!fields.knows(Slot::Date) && !fields.knows(Slot::Time), "a viewing time is not a lead fact");
        assert!(!fields.knows(Slot::Baths), "an unreadable number is not a fact");
        let budget = fields.get(Slot::BudgetMax).unwrap();
        assert_eq!(
            (budget.evidence.as_str(), budget.message_id.as_str(), budget.at),
            ("up to 1500 a month", "msg_1", 1_000)
        );
    }

    #[test]
    fn a_changed_answer_is_applied_and_keeps_the_old_value_as_history() {
        let mut fields = LeadFields::default();
        fields.merge(&slots(&[(Slot::BudgetMax, json!(1500), "1500")]), "msg_1", 1_000);
        let changes = fields.merge(&slots(&[(Slot::BudgetMax, json!(1800), "actually 1800")]), "msg_2", 2_000);
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].old.clone(), changes[0].new.clone()), (Some(json!(1500)), json!(1800)));
        assert_eq!(changes[0].evidence, "actually 1800");
        assert_eq!(fields.get(Slot::BudgetMax).unwrap().value, json!(1800));
    }

    #[test]
    fn repeats_retries_and_late_redeliveries_change_nothing() {
        let mut fields = LeadFields::default();
        let first = slots(&[(Slot::Name, json!("Ana"), "I'm Ana"), (Slot::Area, json!("Clifton"), "Clifton")]);
        assert_eq!(fields.merge(&first, "msg_1", 1_000).len(), 2);
        assert!(fields.merge(&first, "msg_1", 1_000).is_empty(), "merging the same message twice is idempotent");

        let again = slots(&[(Slot::Name, json!("ana "), "ana here")]);
        assert!(fields.merge(&again, "msg_2", 2_000).is_empty(), "same name in other case is not news");
        assert_eq!(fields.get(Slot::Name).unwrap().evidence, "I'm Ana", "the original evidence is kept");

        fields.merge(&slots(&[(Slot::Area, json!("Redland"), "Redland instead")]), "msg_3", 3_000);
        assert!(fields.merge(&first, "msg_1", 1_000).is_empty(), "an old message cannot undo a newer answer");
        assert_eq!(fields.get(Slot::Area).unwrap().value, json!("Redland"));
    }

    #[test]
    fn serialises_as_an_object_keyed_by_slot_name() {
        let mut fields = LeadFields::default();
        fields.merge(&slots(&[(Slot::MoveIn, json!("2026-12-01"), "from 1 December")]), "msg_1", 5);
        let wire = serde_json::to_value(&fields).unwrap();
        assert_eq!(
            wire,
            json!({"move_in": {"value": "2026-12-01", "evidence": "from 1 December", "message_id": "msg_1", "at": 5}})
        );
        assert_eq!(serde_json::from_value::<LeadFields>(wire).unwrap(), fields);
        assert_eq!(slot_name(Slot::BudgetMax), "budget_max");
    }
}
