//! A contact's one timeline across channels: messages, calls, bookings, tickets, escalations
//! and the lead, oldest first. Each kind is read by the Worker (newest [`PER_KIND`] of each);
//! here they are merged and cut to the newest [`MAX_ITEMS`].

use serde::Serialize;
use serde_json::Value;

pub const PER_KIND: u32 = 200;
pub const MAX_ITEMS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Message,
    Call,
    Booking,
    Ticket,
    Escalation,
    Lead,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub kind: Kind,
    pub at: u64,
    #[serde(flatten)]
    pub data: Value,
}

/// Oldest first (ties: by kind, then id, so the order is stable), the newest [`MAX_ITEMS`].
pub fn merge(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_by_key(|item| {
        let id = item.data.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        (item.at, item.kind, id)
    });
    let excess = items.len().saturating_sub(MAX_ITEMS);
    items.drain(..excess);
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_of_every_kind_interleave_by_time_and_keep_the_newest() {
        let item = |kind, at, id: &str| Item { kind, at, data: json!({ "id": id }) };
        let merged = merge(vec![
            item(Kind::Call, 30, "cal_1"),
            item(Kind::Message, 10, "msg_1"),
            item(Kind::Booking, 20, "bkg_1"),
        ]);
        assert_eq!(merged.iter().map(|i| i.at).collect::<Vec<_>>(), vec![10, 20, 30]);
        let json = serde_json::to_value(&merged[0]).unwrap();
        assert_eq!(json, json!({ "kind": "message", "at": 10, "id": "msg_1" }));
        let many: Vec<Item> = (0..(MAX_ITEMS as u64 + 10)).map(|i| item(Kind::Message, i, "m")).collect();
        let kept = merge(many);
        assert_eq!(kept.len(), MAX_ITEMS);
        assert_eq!(kept[0].at, 10, "the oldest are dropped");
    }
}
