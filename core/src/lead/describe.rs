//! Field values in words, shared by the score's explanation and the history summary so the team
//! and the brain read a fact the same way ("2 beds", "budget up to 1,500").

use crate::brain::understand::Slot;
use serde_json::Value;

/// A short noun phrase for one field: only what the value says, nothing inferred.
pub(super) fn describe(slot: Slot, value: &Value) -> String {
    let text = plain(value);
    match (slot, value.as_bool()) {
        (Slot::Pets, Some(true)) => "has pets".into(),
        (Slot::Pets, Some(false)) => "no pets".into(),
        (Slot::Furnished, Some(true)) => "furnished".into(),
        (Slot::Furnished, Some(false)) => "unfurnished".into(),
        (Slot::Beds, _) if value.as_f64() == Some(0.0) => "studio".into(),
        (Slot::Beds, _) => counted(value, "bed", "beds"),
        (Slot::Baths, _) => counted(value, "bath", "baths"),
        (Slot::PartySize, _) => counted(value, "guest", "guests"),
        (Slot::Name, _) => format!("name {text}"),
        (Slot::Email, _) => format!("email {text}"),
        (Slot::Phone, _) => format!("phone {text}"),
        (Slot::Area, _) => format!("area {text}"),
        (Slot::Property, _) => format!("property {text}"),
        (Slot::BudgetMax, _) => format!("budget up to {text}"),
        (Slot::MoveIn, _) => format!("moving in {text}"),
        (Slot::CheckIn, _) => format!("arriving {text}"),
        (Slot::CheckOut, _) => format!("leaving {text}"),
        // Booking requests are not lead fields (see `QUALIFICATION_SLOTS`); shown bare if asked.
        (Slot::Date | Slot::Time | Slot::Provider, _) | (Slot::Pets | Slot::Furnished, None) => text,
    }
}

/// What a field is called when it is missing ("still to answer: pets, move-in date").
pub(super) fn field_label(slot: Slot) -> &'static str {
    match slot {
        Slot::Name => "name",
        Slot::Email => "email",
        Slot::Phone => "phone",
        Slot::Beds => "bedrooms",
        Slot::Baths => "bathrooms",
        Slot::Area => "area",
        Slot::Property => "property",
        Slot::BudgetMax => "budget",
        Slot::MoveIn => "move-in date",
        Slot::Pets => "pets",
        Slot::Furnished => "furnishing",
        Slot::CheckIn => "check-in date",
        Slot::CheckOut => "check-out date",
        Slot::PartySize => "number of guests",
        Slot::Date => "day",
        Slot::Time => "time",
        Slot::Provider => "who with",
    }
}

fn counted(value: &Value, one: &str, many: &str) -> String {
    let unit = if value.as_f64() == Some(1.0) { one } else { many };
    format!("{} {unit}", plain(value))
}

/// Text as is, whole numbers with thousands separators, anything else as JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.as_i64().map_or_else(|| n.to_string(), thousands),
        other => other.to_string(),
    }
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn says_values_the_way_a_person_would() {
        assert_eq!(describe(Slot::BudgetMax, &json!(1500)), "budget up to 1,500");
        assert_eq!(describe(Slot::BudgetMax, &json!(1_250_000)), "budget up to 1,250,000");
        assert_eq!(describe(Slot::BudgetMax, &json!(950.5)), "budget up to 950.5");
        assert_eq!(describe(Slot::Beds, &json!(2)), "2 beds");
        assert_eq!(describe(Slot::Beds, &json!(1)), "1 bed");
        assert_eq!(describe(Slot::Beds, &json!(0)), "studio");
        assert_eq!(describe(Slot::PartySize, &json!(1)), "1 guest");
        assert_eq!(describe(Slot::Pets, &json!(false)), "no pets");
        assert_eq!(describe(Slot::Furnished, &json!(true)), "furnished");
        assert_eq!(describe(Slot::MoveIn, &json!("2026-12-01")), "moving in 2026-12-01");
        assert_eq!(describe(Slot::Area, &json!(" Clifton ")), "area Clifton");
    }

    #[test]
    fn unexpected_shapes_are_shown_rather_than_guessed() {
        assert_eq!(describe(Slot::Pets, &json!("a cat")), "a cat");
        assert_eq!(describe(Slot::Beds, &json!("two")), "two beds");
        assert_eq!(thousands(-1234), "-1,234");
    }
}
