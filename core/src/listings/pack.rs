//! An info pack: the listings a contact discussed, sent to them as one message — compact for a
//! text (each listing's summary, street and reference), a short letter for an email. One
//! composition behind the conversation's act, the LLM's `send_info_pack` tool and
//! `POST /api/v1/contacts/{id}/info-pack`.

use super::summary::{capitalised, title_case};
use super::{as_of, street, summary, InterestLevel, Listing, Medium};
use crate::brain::understand::CivilDate;

/// Listings in one pack: a text of three stays within three SMS segments.
pub const PACK_LISTINGS: usize = 3;
/// The most of a listing's description an email quotes.
const DESCRIPTION_CHARS: usize = 400;

/// How the pack travels: a text (SMS or WhatsApp) or an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackMedium {
    Text,
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack {
    /// For an email; a text has none.
    pub subject: Option<String>,
    pub body: String,
}

/// The pack of `listings` (at most [`PACK_LISTINGS`], in the order given) from `business`,
/// written on the business's local date `today`.
pub fn compose(business: &str, listings: &[Listing], medium: PackMedium, today: CivilDate) -> Pack {
    let shown = &listings[..listings.len().min(PACK_LISTINGS)];
    let line = |l: &Listing| {
        let place = street(&l.address).map(|s| format!(", {}", title_case(&s))).unwrap_or_default();
        format!("{}: {}{place}.", l.reference, capitalised(&summary(&as_of(l, today), Medium::Text)))
    };
    match medium {
        PackMedium::Text => {
            let mut body = format!("{business} — the details you asked for:");
            for l in shown {
                body.push('\n');
                body.push_str(&line(l));
            }
            body.push_str("\nReply with a reference to book a viewing.");
            Pack { subject: None, body }
        }
        PackMedium::Email => {
            let mut body = "Hello,\n\nHere are the details of the properties we discussed.\n".to_owned();
            for l in shown {
                body.push('\n');
                body.push_str(&line(l));
                if !l.features.is_empty() {
                    let features: Vec<String> = l.features.iter().map(|f| f.replace('_', " ")).collect();
                    body.push_str(&format!("\nFeatures: {}.", features.join(", ")));
                }
                let description = l.description.trim();
                if !description.is_empty() {
                    body.push('\n');
                    body.push_str(&crate::llm::prompt::clip(description, DESCRIPTION_CHARS));
                }
                body.push('\n');
            }
            body.push_str(&format!("\nReply to this email, quoting a reference, to arrange a viewing.\n\n{business}"));
            let subject = if shown.len() == 1 {
                format!("{business}: {}", shown[0].reference)
            } else {
                format!("{business}: the properties we discussed")
            };
            Pack { subject: Some(subject), body }
        }
    }
}

/// The listings a conversation discussed, from the contact's interest (most recent first): the
/// ones they asked about or were shown, each once, at most [`PACK_LISTINGS`].
pub fn discussed<'a>(interest: impl IntoIterator<Item = (&'a str, InterestLevel)>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (id, level) in interest {
        if matches!(level, InterestLevel::Asked | InterestLevel::Sent) && !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
        if ids.len() == PACK_LISTINGS {
            break;
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::from_json;
    use serde_json::json;

    fn listing(reference: &str, extra: serde_json::Value) -> Listing {
        let mut body = json!({"reference": reference, "kind": "rent", "type": "flat", "beds": 2, "baths": 1,
                              "price": 1450, "area": "Clifton", "address": "21 Elm Road, Bristol",
                              "features": ["parking", "pets_allowed"], "description": "Bright flat by the park."});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        from_json(body.to_string().as_bytes()).unwrap()
    }

    fn today() -> CivilDate {
        CivilDate { year: 2026, month: 11, day: 30 }
    }

    #[test]
    fn a_date_already_past_is_available_now_and_a_later_one_is_said() {
        let soon = listing("MP-1", json!({"available_from": "2027-01-15"}));
        let past = listing("MP-2", json!({"available_from": "2026-03-01"}));
        let body = compose("B", &[soon, past], PackMedium::Text, today()).body;
        assert!(
            body.contains("MP-1: A two-bedroom flat in Clifton at £1,450 a month, available from 15 January"),
            "{body}"
        );
        assert!(body.contains("MP-2: A two-bedroom flat in Clifton at £1,450 a month, available now"), "{body}");
    }

    #[test]
    fn a_text_pack_names_each_listing_by_summary_street_and_reference_without_the_house_number() {
        let two = [listing("MP-1", json!({})), listing("MP-2", json!({"address": "4 Quay Street", "beds": 1}))];
        let pack = compose("Maple & Pine", &two, PackMedium::Text, today());
        assert_eq!(pack.subject, None);
        assert_eq!(
            pack.body,
            "Maple & Pine — the details you asked for:\n\
             MP-1: A two-bedroom flat in Clifton at £1,450 a month, available now, Elm Road.\n\
             MP-2: A one-bedroom flat in Clifton at £1,450 a month, available now, Quay Street.\n\
             Reply with a reference to book a viewing."
        );
        assert!(!pack.body.contains("21 "), "no house number in a text");
    }

    #[test]
    fn an_email_pack_is_a_letter_with_features_and_description_and_a_subject() {
        let pack = compose("Maple & Pine", &[listing("MP-1", json!({}))], PackMedium::Email, today());
        assert_eq!(pack.subject.as_deref(), Some("Maple & Pine: MP-1"));
        assert!(pack.body.starts_with("Hello,"), "{}", pack.body);
        assert!(pack.body.contains("Features: parking, pets allowed."), "{}", pack.body);
        assert!(pack.body.contains("Bright flat by the park."));
        assert!(pack.body.ends_with("Maple & Pine"));
    }

    #[test]
    fn a_pack_holds_at_most_three_and_the_discussed_ones_are_asked_or_sent_once_each() {
        let four: Vec<Listing> = (1..=4).map(|i| listing(&format!("MP-{i}"), json!({}))).collect();
        assert!(!compose("B", &four, PackMedium::Text, today()).body.contains("MP-4"));
        let interest = [
            ("lst_a", InterestLevel::Booked),
            ("lst_b", InterestLevel::Sent),
            ("lst_b", InterestLevel::Asked),
            ("lst_c", InterestLevel::Asked),
            ("lst_d", InterestLevel::Viewed),
            ("lst_e", InterestLevel::Sent),
            ("lst_f", InterestLevel::Sent),
        ];
        assert_eq!(discussed(interest), ["lst_b", "lst_c", "lst_e"]);
    }
}
