//! A listing as a client sends it (JSON object, or a CSV row turned into one), checked field by
//! field: every bad field is named in one answer, so a 400 or an import error can be fixed in
//! one go.

use super::{Kind, Landlord, Listing, PricePeriod, PropertyType, Status};
use crate::booking::ListingRules;
use serde_json::{Map, Value};

const MAX_REFERENCE: usize = 40;
const MAX_TEXT: usize = 200;
const MAX_DESCRIPTION: usize = 4_000;
const MAX_FEATURES: usize = 30;
const MAX_ROOMS: u64 = 50;
const MAX_PRICE: f64 = 100_000_000.0;
/// Set by the server, shown by GET: accepted and ignored, so a GET body can be PUT back.
const READ_ONLY: &[&str] = &["id", "created_at", "updated_at", "summary"];
const FIELDS: &[&str] = &[
    "reference",
    "kind",
    "type",
    "beds",
    "baths",
    "price",
    "price_period",
    "area",
    "postcode",
    "address",
    "features",
    "available_from",
    "status",
    "description",
    "rules",
    "landlord",
];

/// Every problem found, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<String>);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

/// A new listing from a JSON object.
pub fn from_json(body: &[u8]) -> Result<Listing, Invalid> {
    from_fields(&object(body)?)
}

/// `existing` with the fields of a JSON object replaced (a PUT: fields not sent keep their
/// values; `null` clears an optional one), checked as a whole.
pub fn merge_json(existing: &Listing, body: &[u8]) -> Result<Listing, Invalid> {
    let mut fields = match serde_json::to_value(existing) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    fields.extend(object(body)?);
    let mut listing = from_fields(&fields)?;
    listing.id.clone_from(&existing.id);
    listing.created_at = existing.created_at;
    Ok(listing)
}

fn object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Invalid(vec!["expected a JSON object describing one listing".into()])),
        Err(e) => Err(Invalid(vec![format!("the body is not JSON: {e}")])),
    }
}

/// A listing from named fields (JSON values); `id` and the timestamps are left for the caller.
pub fn from_fields(fields: &Map<String, Value>) -> Result<Listing, Invalid> {
    let mut problems = Vec::new();
    for name in fields.keys() {
        if !FIELDS.contains(&name.as_str()) && !READ_ONLY.contains(&name.as_str()) {
            problems.push(format!("unknown field `{name}` (known: {})", FIELDS.join(", ")));
        }
    }
    let mut p = Fields { fields, problems };
    let reference = p.reference();
    let kind = p.choice("kind", "rent, sale or stay", Kind::parse);
    let property_type = p.choice("type", &type_names(), PropertyType::parse);
    let beds = p.count("beds");
    let baths = p.count("baths");
    let price = p.price();
    let price_period = p.optional_choice("price_period", "month, total or night", PricePeriod::parse);
    let area = p.text("area", true, MAX_TEXT);
    let postcode = p.postcode();
    let address = p.text("address", true, MAX_TEXT);
    let features = p.features();
    let available_from = p.date("available_from");
    let status = p.optional_choice("status", "available, let_agreed, under_offer, sold or withdrawn", Status::parse);
    let description = p.text("description", false, MAX_DESCRIPTION);
    let rules = p.rules();
    let landlord = p.landlord();
    let Fields { problems, .. } = p;
    match (reference, kind, property_type, beds, baths, price) {
        (Some(reference), Some(kind), Some(property_type), Some(beds), Some(baths), Some(price))
            if problems.is_empty() =>
        {
            Ok(Listing {
                id: String::new(),
                reference,
                kind,
                property_type,
                beds,
                baths,
                price,
                price_period: price_period.unwrap_or_else(|| kind.default_period()),
                area,
                postcode,
                address,
                features,
                available_from,
                status: status.unwrap_or(Status::Available),
                description,
                rules,
                landlord,
                created_at: 0,
                updated_at: 0,
            })
        }
        _ => Err(Invalid(problems)),
    }
}

fn type_names() -> String {
    PropertyType::ALL.map(|t| t.as_str()).join(", ")
}

struct Fields<'a> {
    fields: &'a Map<String, Value>,
    problems: Vec<String>,
}

impl<'a> Fields<'a> {
    /// The field's value, `None` when absent or null.
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }

    fn fail<T>(&mut self, problem: String) -> Option<T> {
        self.problems.push(problem);
        None
    }

    fn string(&mut self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.trim().to_owned()),
            _ => self.fail(format!("`{name}` must be a string")),
        }
    }

    fn required(&mut self, name: &str, what: &str) -> Option<String> {
        match self.string(name) {
            Some(s) if !s.is_empty() => Some(s),
            None if self.get(name).is_some() => None,
            _ => self.fail(format!("`{name}` is required: {what}")),
        }
    }

    fn reference(&mut self) -> Option<String> {
        let reference = self.required("reference", "the listing's own reference, e.g. MP-2026-014")?;
        let ok = reference.len() <= MAX_REFERENCE
            && reference.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/' | b'.'));
        if !ok {
            return self.fail(format!("`reference` must be 1–{MAX_REFERENCE} letters, digits, '-', '_', '/' or '.'"));
        }
        Some(reference.to_ascii_uppercase())
    }

    fn choice<T>(&mut self, name: &str, allowed: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.required(name, &format!("one of {allowed}"))?;
        parse(&raw).or_else(|| self.fail(format!("`{name}` must be one of {allowed}, not {raw:?}")))
    }

    fn optional_choice<T>(&mut self, name: &str, allowed: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.string(name).filter(|s| !s.is_empty())?;
        parse(&raw).or_else(|| self.fail(format!("`{name}` must be one of {allowed}, not {raw:?}")))
    }

    fn count(&mut self, name: &str) -> Option<u32> {
        let problem = format!("`{name}` must be a whole number from 0 to {MAX_ROOMS}");
        match self.get(name) {
            None => self.fail(format!("`{name}` is required: a whole number (0 for a studio's bedrooms)")),
            Some(v) => match v.as_u64().filter(|n| *n <= MAX_ROOMS) {
                Some(n) => Some(n as u32),
                None => self.fail(problem),
            },
        }
    }

    fn price(&mut self) -> Option<f64> {
        match self.get("price").map(Value::as_f64) {
            None => self.fail("`price` is required: pounds a month, the asking price, or pounds a night".into()),
            Some(Some(p)) if p > 0.0 && p <= MAX_PRICE && p.is_finite() => Some((p * 100.0).round() / 100.0),
            Some(_) => self.fail(format!("`price` must be a number above 0 and at most {MAX_PRICE}")),
        }
    }

    fn text(&mut self, name: &str, required: bool, max: usize) -> String {
        let value = if required { self.required(name, "a non-empty string") } else { self.string(name) };
        let value = value.unwrap_or_default();
        if value.chars().count() > max {
            self.problems.push(format!("`{name}` is limited to {max} characters"));
        }
        value
    }

    fn postcode(&mut self) -> String {
        let raw = self.string("postcode").unwrap_or_default();
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if compact.is_empty() {
            return compact;
        }
        // UK shape: an outward code of 2–4 characters, then an inward code of a digit and two letters.
        let inward_ok = compact.len() >= 5 && {
            let inward = &compact.as_bytes()[compact.len() - 3..];
            inward[0].is_ascii_digit() && inward[1].is_ascii_alphabetic() && inward[2].is_ascii_alphabetic()
        };
        if !inward_ok || compact.len() > 7 || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.problems.push(format!("`postcode` {raw:?} is not a UK postcode (e.g. BS8 1AB)"));
            return String::new();
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        format!("{outward} {inward}")
    }

    fn features(&mut self) -> Vec<String> {
        let Some(value) = self.get("features") else {
            return Vec::new();
        };
        let Some(items) = value.as_array().filter(|a| a.iter().all(Value::is_string)) else {
            self.problems.push("`features` must be an array of strings, e.g. [\"parking\", \"garden\"]".into());
            return Vec::new();
        };
        let mut features: Vec<String> = Vec::new();
        for item in items.iter().filter_map(Value::as_str) {
            let feature = item.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("_").replace('-', "_");
            let ok = !feature.is_empty()
                && feature.len() <= 40
                && feature.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                self.problems.push(format!("`features`: {item:?} must be 1–40 letters, digits or spaces"));
            } else if !features.contains(&feature) {
                features.push(feature);
            }
        }
        if features.len() > MAX_FEATURES {
            self.problems.push(format!("`features` is limited to {MAX_FEATURES}"));
        }
        features
    }

    fn date(&mut self, name: &str) -> Option<String> {
        let raw = self.string(name).filter(|s| !s.is_empty())?;
        if is_date(&raw) {
            Some(raw)
        } else {
            self.fail(format!("`{name}` must be a date as YYYY-MM-DD, not {raw:?}"))
        }
    }

    /// The listing's booking rules, checked by the booking engine's own validation so a rule it
    /// could not apply is refused here rather than stored; kept as the client wrote them.
    fn rules(&mut self) -> Option<Value> {
        let value = self.get("rules")?;
        // An object only: serde would also read a struct from an array, field by position.
        let parsed = match value {
            Value::Object(_) => serde_json::from_value::<ListingRules>(value.clone()).map_err(|e| e.to_string()),
            _ => Err("not an object".into()),
        };
        match parsed {
            Ok(rules) => {
                let before = self.problems.len();
                rules.validate(&mut self.problems, "`rules`");
                (self.problems.len() == before).then(|| value.clone())
            }
            Err(e) => self.fail(format!(
                "`rules` must be the listing's booking rules, e.g. {{\"min_nights\": 32, \"align_to_month\": true}}: {e}"
            )),
        }
    }

    fn landlord(&mut self) -> Option<Landlord> {
        let value = self.get("landlord")?.clone();
        match serde_json::from_value::<Landlord>(value) {
            Ok(l) if !l.name.trim().is_empty() => Some(l),
            _ => self
                .fail("`landlord` must be an object with a non-empty `name` and optional `phone` and `email`".into()),
        }
    }
}

/// A real calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (2000..=2100).contains(&y) && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({"reference": "mp-2026-014", "kind": "rent", "type": "flat", "beds": 2, "baths": 1, "price": 1450,
               "area": "Clifton", "postcode": "bs81ab", "address": "Flat 2, 21 Elm Road, Clifton, Bristol",
               "features": ["Parking", "pets allowed"], "available_from": "2026-03-01"})
    }

    #[test]
    fn a_valid_listing_is_normalised() {
        let l = from_json(valid().to_string().as_bytes()).unwrap();
        assert_eq!(l.reference, "MP-2026-014");
        assert_eq!(l.postcode, "BS8 1AB");
        assert_eq!(l.features, ["parking", "pets_allowed"]);
        assert_eq!(l.price_period, PricePeriod::Month);
        assert_eq!(l.status, Status::Available);
    }

    #[test]
    fn every_bad_field_is_named() {
        let body = json!({"reference": "a b", "kind": "lease", "type": "castle", "beds": -1, "baths": 1.5,
                          "price": 0, "area": "", "postcode": "XYZ", "address": "1 Road", "features": "parking",
                          "available_from": "2026-02-30", "status": "gone", "rules": [1], "bedrooms": 2});
        let err = from_json(body.to_string().as_bytes()).unwrap_err().to_string();
        for field in [
            "`reference`",
            "`kind`",
            "`type`",
            "`beds`",
            "`baths`",
            "`price`",
            "`area`",
            "`postcode`",
            "`features`",
            "`available_from`",
            "`status`",
            "`rules`",
            "`bedrooms`",
        ] {
            assert!(err.contains(field), "{field} not named in: {err}");
        }
    }

    #[test]
    fn rules_are_the_booking_engines() {
        let with = |rules: Value| {
            let mut body = valid();
            body["rules"] = rules;
            from_json(body.to_string().as_bytes())
        };
        let ok = with(json!({"min_nights": 32, "align_to_month": true})).unwrap();
        assert_eq!(ok.rules, Some(json!({"min_nights": 32, "align_to_month": true})));
        let unknown = with(json!({"min_night": 32})).unwrap_err().to_string();
        assert!(unknown.contains("`rules`") && unknown.contains("min_night"), "{unknown}");
        let crossed = with(json!({"min_nights": 10, "max_nights": 5})).unwrap_err().to_string();
        assert!(crossed.contains("`rules`.min_nights"), "{crossed}");
        assert!(with(json!({"blackouts": ["2026-13-01"]})).unwrap_err().to_string().contains("`rules`.blackouts"));
    }

    #[test]
    fn missing_required_fields_are_named() {
        let err = from_json(b"{}").unwrap_err().to_string();
        for field in ["reference", "kind", "type", "beds", "baths", "price", "area", "address"] {
            assert!(err.contains(&format!("`{field}` is required")), "{field}: {err}");
        }
        assert!(from_json(b"[1]").unwrap_err().to_string().contains("JSON object"));
    }

    #[test]
    fn merge_keeps_unsent_fields_and_clears_nulls() {
        let mut existing = from_json(valid().to_string().as_bytes()).unwrap();
        existing.id = "lst_x".into();
        existing.created_at = 5;
        let merged =
            merge_json(&existing, br#"{"price": 1395, "available_from": null, "summary": "ignored"}"#).unwrap();
        assert_eq!((merged.price, merged.available_from.as_deref()), (1395.0, None));
        assert_eq!((merged.id.as_str(), merged.created_at, merged.beds), ("lst_x", 5, 2));
        assert!(merge_json(&existing, br#"{"beds": "two"}"#).unwrap_err().to_string().contains("`beds`"));
    }

    #[test]
    fn dates_are_real() {
        assert!(is_date("2028-02-29") && is_date("2026-12-31"));
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "01/03/2026", "2026-03-00"] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
