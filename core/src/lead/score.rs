//! The lead score: 0–100, a band, and the rubric items that add up to it, each quoting the
//! contact's own words — so the team can see *why* a lead is hot and disagree with evidence.

use super::describe::describe;
use super::fields::LeadFields;
use super::rubric::{Business, Points, Rubric};
use super::signals::Signals;
use crate::brain::understand::{CivilDate, Intent, Slot};
use serde::{Deserialize, Serialize};

/// From here a lead is hot: asked for what the business sells and gave enough to act on it.
pub const HOT_MIN: u8 = 70;
/// From here a lead is warm: real interest, details still missing.
pub const WARM_MIN: u8 = 40;
/// High-value leads are escalated to a person (`Reason::HighValueLead`). Set above [`HOT_MIN`]
/// so the team is asked to step in only for hot leads that also left the details to act on (a
/// renter asking for a viewing with budget, near move-in, area and beds scores 85), not for
/// every hot chat the receptionist is already handling well (the same without area and beds: 75).
pub const DEFAULT_HIGH_VALUE_THRESHOLD: u8 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Hot,
    Warm,
    Cold,
}

impl Band {
    pub fn of(value: u8) -> Band {
        match value {
            v if v >= HOT_MIN => Band::Hot,
            v if v >= WARM_MIN => Band::Warm,
            _ => Band::Cold,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Hot => "hot",
            Band::Warm => "warm",
            Band::Cold => "cold",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Band::Hot => "Hot",
            Band::Warm => "Warm",
            Band::Cold => "Cold",
        }
    }
}

/// The key of the zero-point item naming the required questions a lead has not answered yet.
pub const MISSING_KEY: &str = "missing";

/// One reason the score is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricItem {
    /// Stable name for the rule (`interest`, `budget`, `opt_out`, …).
    pub key: String,
    pub label: String,
    pub points: i16,
    /// The contact's words it rests on; `None` only for facts the system knows itself (a returning
    /// contact, a field stored without words, such as a phone number taken from the channel).
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub value: u8,
    pub band: Band,
    /// Disqualifiers first, then what earned points, in rubric order.
    pub items: Vec<RubricItem>,
}

/// Scores a lead. Items sharing a rubric key count once; the total is capped at 100. An
/// opt-out or a wrong number anywhere in the lead's messages scores 0 whatever else was said:
/// a person who told us to stop must never be chased as a hot lead.
pub fn score(fields: &LeadFields, signals: &Signals) -> Score {
    let business = Business::from_template(signals.template.as_deref());
    let rubric = Rubric::of(business);
    let mut items: Vec<RubricItem> = Vec::new();
    let mut push = |key: &str, label: String, points: i16, evidence: Option<&str>| {
        if points != 0 && !items.iter().any(|i| i.key == key) {
            let evidence = evidence.map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned);
            items.push(RubricItem { key: key.into(), label, points, evidence });
        }
    };
    for rule in rubric.intents {
        if let Some(seen) = signals.first(rule.intent) {
            push(rule.key, rule.label.into(), rule.points, Some(&seen.quote));
        }
    }
    for rule in rubric.fields {
        if let Some(field) = fields.get(rule.slot) {
            let (label, points) = field_points(rule.slot, &field.value, rule.points, signals.today);
            push(rule.key, label, points, Some(&field.evidence));
        }
    }
    if let Some(when) = signals.latest_when() {
        push("proposed_time", "asked for a specific day or time".into(), rubric.proposed_time, Some(when));
    }
    if let Some(seen) = signals.first_urgent() {
        push("urgent", "says it is urgent".into(), rubric.urgent, Some(&seen.quote));
    }
    if signals.returning {
        push("returning", "returning contact".into(), rubric.returning, None);
    }
    for item in super::interest::items(&signals.interest, business) {
        push(&item.key, item.label, item.points, item.evidence.as_deref());
    }

    let disqualifiers: Vec<RubricItem> = [
        (Intent::OptOut, "opt_out", "opted out"),
        (Intent::WrongNumberSpam, "wrong_number_spam", "wrong number or spam"),
    ]
    .into_iter()
    .filter_map(|(intent, key, label)| {
        let seen = signals.latest(intent)?;
        Some(RubricItem { key: key.into(), label: label.into(), points: -100, evidence: Some(seen.quote.clone()) })
    })
    .collect();
    let total: i16 = items.iter().map(|i| i.points).sum();
    let value = if disqualifiers.is_empty() { total.clamp(0, 100) as u8 } else { 0 };
    Score { value, band: Band::of(value), items: disqualifiers.into_iter().chain(items).collect() }
}

/// The label and points of a known field; dated fields earn more the sooner they are.
fn field_points(slot: Slot, value: &serde_json::Value, points: Points, today: CivilDate) -> (String, i16) {
    let label = describe(slot, value);
    match points {
        Points::Flat(p) => (label, p),
        Points::BySoonness { within_30_days, within_90_days, later } => {
            let days = value.as_str().and_then(|s| s.parse::<CivilDate>().ok()).map(|d| d.to_days() - today.to_days());
            match days {
                Some(0..=30) => (format!("{label}, within 30 days"), within_30_days),
                Some(31..=90) => (format!("{label}, within 3 months"), within_90_days),
                Some(d) if d < 0 => (format!("{label}, already past"), later),
                _ => (label, later),
            }
        }
    }
}

impl Score {
    /// One paragraph for people: `Hot (80): wants to rent (“looking to rent a 2 bed”), …`.
    pub fn explain(&self) -> String {
        let head = format!("{} ({})", self.band.title(), self.value);
        let said = |item: &RubricItem| match &item.evidence {
            Some(words) => format!("{} (\u{201c}{}\u{201d})", item.label, one_line(words)),
            None => item.label.clone(),
        };
        let (against, good): (Vec<&RubricItem>, Vec<&RubricItem>) =
            self.items.iter().filter(|i| i.key != MISSING_KEY).partition(|i| i.points < 0);
        let good: Vec<String> = good.into_iter().map(said).collect();
        let against: Vec<String> = against.into_iter().map(said).collect();
        let scored = match (against.is_empty(), good.is_empty()) {
            (true, true) => format!("{head}: no sign yet of wanting to buy or book."),
            (true, false) => format!("{head}: {}.", good.join(", ")),
            (false, true) => format!("{head}: {}.", against.join(", ")),
            (false, false) => format!("{head}: {}, which outweighs: {}.", against.join(", "), good.join(", ")),
        };
        match self.items.iter().find(|i| i.key == MISSING_KEY) {
            Some(missing) => {
                let mut label = missing.label.chars();
                let first: String = label.next().into_iter().flat_map(char::to_uppercase).collect();
                format!("{scored} {first}{}.", label.as_str())
            }
            None => scored,
        }
    }
}

/// Whether a lead should be escalated to a person as high value (see
/// [`DEFAULT_HIGH_VALUE_THRESHOLD`]).
pub fn is_high_value(score: &Score, threshold: u8) -> bool {
    score.value >= threshold
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::{SlotValue, Urgency};
    use crate::lead::signals::SeenMessage;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 };

    fn said(intent: Intent, quote: &str) -> SeenMessage {
        SeenMessage { message_id: quote.into(), intent, urgency: Urgency::Normal, quote: quote.into(), when: None }
    }

    fn signals(template: &str, messages: Vec<SeenMessage>) -> Signals {
        Signals { messages, returning: false, template: Some(template.into()), today: TODAY, interest: Vec::new() }
    }

    fn fields(pairs: &[(Slot, Value, &str)]) -> LeadFields {
        let extracted: BTreeMap<Slot, SlotValue> =
            pairs.iter().map(|(s, v, t)| (*s, SlotValue { value: v.clone(), text: (*t).into() })).collect();
        let mut fields = LeadFields::default();
        fields.merge(&extracted, "msg_1", 1);
        fields
    }

    fn renter() -> LeadFields {
        fields(&[
            (Slot::Beds, json!(2), "2 bed"),
            (Slot::Area, json!("Clifton"), "Clifton"),
            (Slot::BudgetMax, json!(1500), "up to 1500 a month"),
            (Slot::MoveIn, json!("2026-12-01"), "from 1 December"),
        ])
    }

    fn keys(score: &Score) -> Vec<&str> {
        score.items.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn a_viewing_booked_and_listings_asked_about_score_and_are_explained() {
        use crate::lead::ListingSeen;
        use crate::listings::InterestLevel;
        let mut s = signals("letting_agent", vec![said(Intent::PropertyEnquiryRent, "looking to rent a 2 bed")]);
        let before = score(&LeadFields::default(), &s).value;
        s.interest = vec![
            ListingSeen { reference: "MP-2026-014".into(), level: InterestLevel::Asked },
            ListingSeen { reference: "MP-2026-014".into(), level: InterestLevel::Booked },
            ListingSeen { reference: "MP-2026-020".into(), level: InterestLevel::Asked },
        ];
        let after = score(&LeadFields::default(), &s);
        assert_eq!(after.value, before + 15 + 10);
        let explained = after.explain();
        assert!(explained.contains("booked a viewing of MP-2026-014 (\u{201c}MP-2026-014\u{201d})"), "{explained}");
        assert!(explained.contains("asked about 2 listings (\u{201c}MP-2026-014, MP-2026-020\u{201d})"), "{explained}");
        s.messages.push(said(Intent::OptOut, "STOP"));
        assert_eq!(score(&LeadFields::default(), &s).value, 0, "an opt-out still zeroes it");
    }

    #[test]
    fn a_renter_who_asks_for_a_viewing_is_hot_and_every_point_is_quoted() {
        let s = signals(
            "letting_agent",
            vec![
                said(Intent::PropertyEnquiryRent, "Hi, looking to rent a 2 bed in Clifton"),
                said(Intent::BookViewing, "Can I view it on Saturday?"),
            ],
        );
        let score = score(&renter(), &s);
        assert_eq!(keys(&score), ["interest", "viewing", "budget", "move_in", "area", "beds"]);
        assert_eq!((score.value, score.band), (85, Band::Hot));
        assert!(score.items.iter().all(|i| i.evidence.is_some()), "everything rests on their words");
        assert_eq!(
            score.explain(),
            "Hot (85): wants to rent (“Hi, looking to rent a 2 bed in Clifton”), asked for a viewing (“Can I view \
             it on Saturday?”), budget up to 1,500 (“up to 1500 a month”), moving in 2026-12-01, within 30 days \
             (“from 1 December”), area Clifton (“Clifton”), 2 beds (“2 bed”)."
        );
        assert!(is_high_value(&score, DEFAULT_HIGH_VALUE_THRESHOLD));
    }

    #[test]
    fn a_near_move_in_scores_more_than_a_distant_one() {
        let s = signals("letting_agent", vec![said(Intent::PropertyEnquiryRent, "looking to rent")]);
        let at = |date: &str| score(&fields(&[(Slot::MoveIn, json!(date), date)]), &s).value;
        assert!(at("2026-12-01") > at("2027-02-01"), "within 30 days beats within 3 months");
        assert!(at("2027-02-01") > at("2027-06-01"), "within 3 months beats half a year");
        assert_eq!(at("2026-10-01"), at("2027-06-01"), "a date already past is stale, not urgent");
    }

    #[test]
    fn asking_alone_is_not_hot_and_saying_nothing_is_cold() {
        let asked =
            score(&LeadFields::default(), &signals("letting_agent", vec![said(Intent::PricingInfo, "how much?")]));
        assert_eq!(asked.band, Band::Cold);
        let nothing = score(&LeadFields::default(), &signals("hotel", vec![said(Intent::Greeting, "hello")]));
        assert_eq!((nothing.value, nothing.items.len()), (0, 0));
        assert_eq!(nothing.explain(), "Cold (0): no sign yet of wanting to buy or book.");
    }

    #[test]
    fn rent_buy_and_valuation_count_once_and_so_do_email_and_phone() {
        let s = signals(
            "letting_agent",
            vec![said(Intent::PropertyEnquiryRent, "to rent"), said(Intent::PropertyEnquiryBuy, "or maybe buy")],
        );
        let f = fields(&[
            (Slot::Email, json!("ana@example.com"), "ana@example.com"),
            (Slot::Phone, json!("+447700900123"), "07700 900123"),
        ]);
        let score = score(&f, &s);
        assert_eq!(keys(&score), ["interest", "reachable"]);
        assert_eq!(score.value, 30);
    }

    #[test]
    fn a_field_known_without_words_is_credited_but_not_quoted() {
        let s = signals("clinic_salon", vec![]);
        let phone_from_the_channel = fields(&[(Slot::Phone, json!("+447700900123"), "")]);
        let score = score(&phone_from_the_channel, &s);
        assert_eq!((score.items[0].key.as_str(), score.items[0].evidence.as_deref()), ("reachable", None));
        assert_eq!(score.explain(), "Cold (10): phone +447700900123.");
    }

    #[test]
    fn a_guest_with_near_dates_party_and_name_is_hot() {
        let s = signals("vacation_rental", vec![said(Intent::BookStay, "I'd like to book the cottage")]);
        let f = fields(&[
            (Slot::CheckIn, json!("2026-12-12"), "12th"),
            (Slot::CheckOut, json!("2026-12-14"), "14th December"),
            (Slot::PartySize, json!(4), "4 of us"),
            (Slot::Name, json!("Ana"), "Ana"),
        ]);
        let score = score(&f, &s);
        assert_eq!((score.value, score.band), (70, Band::Hot), "{}", score.explain());
        assert!(score.explain().contains("arriving 2026-12-12, within 30 days (“12th”)"));
    }

    #[test]
    fn a_salon_client_naming_a_time_is_hot_and_returning_clients_score_more() {
        let mut booking = said(Intent::BookAppointment, "Can I book a cut Friday at 3?");
        booking.when = Some("Friday at 3".into());
        let mut s = signals("clinic_salon", vec![booking]);
        let f = fields(&[(Slot::Name, json!("Ana"), "it's Ana")]);
        assert_eq!(score(&f, &s).value, 70);
        s.returning = true;
        let returning = score(&f, &s);
        assert_eq!(returning.value, 85);
        let item = returning.items.iter().find(|i| i.key == "returning").unwrap();
        assert_eq!(item.evidence, None, "a system fact is not attributed to the contact");
    }

    #[test]
    fn urgency_adds_points_and_the_total_is_capped_at_100() {
        let mut urgent = said(Intent::PropertyEnquiryRent, "need a flat asap, urgent");
        urgent.urgency = Urgency::High;
        let mut viewing = said(Intent::BookViewing, "view Saturday 10am?");
        viewing.when = Some("Saturday 10am".into());
        let mut s = signals("letting_agent", vec![urgent, viewing]);
        s.returning = true;
        let mut f = renter();
        f.merge(
            &[
                (Slot::Name, SlotValue { value: json!("Ana"), text: "Ana".into() }),
                (Slot::Phone, SlotValue { value: json!("+447700900123"), text: "07700900123".into() }),
                (Slot::Property, SlotValue { value: json!("12 Elm Road"), text: "12 Elm Road".into() }),
            ]
            .into_iter()
            .collect(),
            "msg_2",
            2,
        );
        let score = score(&f, &s);
        assert!(score.items.iter().map(|i| i.points).sum::<i16>() > 100);
        assert_eq!((score.value, score.band), (100, Band::Hot));
        assert!(keys(&score).contains(&"urgent"));
    }

    #[test]
    fn an_opt_out_or_wrong_number_zeroes_the_score_and_says_why() {
        let s =
            signals("letting_agent", vec![said(Intent::BookViewing, "book a viewing"), said(Intent::OptOut, "STOP")]);
        let score = score(&renter(), &s);
        assert_eq!((score.value, score.band), (0, Band::Cold));
        assert_eq!(score.items[0].key, "opt_out");
        assert!(score.explain().starts_with("Cold (0): opted out (“STOP”), which outweighs: asked for a viewing"));
        let spam = score_of(vec![said(Intent::WrongNumberSpam, "wrong number sorry")]);
        assert_eq!(
            (spam.value, spam.explain().as_str()),
            (0, "Cold (0): wrong number or spam (“wrong number sorry”).")
        );
    }

    fn score_of(messages: Vec<SeenMessage>) -> Score {
        score(&LeadFields::default(), &signals("hotel", messages))
    }

    #[test]
    fn bands_and_high_value_follow_the_documented_thresholds() {
        assert_eq!([Band::of(100), Band::of(70), Band::of(69), Band::of(40), Band::of(39)], {
            use Band::*;
            [Hot, Hot, Warm, Warm, Cold]
        });
        let hot = Score { value: 79, band: Band::Hot, items: Vec::new() };
        assert!(!is_high_value(&hot, DEFAULT_HIGH_VALUE_THRESHOLD), "hot is not yet high value");
        assert!(is_high_value(&Score { value: 80, ..hot.clone() }, DEFAULT_HIGH_VALUE_THRESHOLD));
        let wire = serde_json::to_value(&hot).unwrap();
        assert_eq!(wire["band"], "hot");
        assert_eq!(serde_json::from_value::<Score>(wire).unwrap(), hot);
    }

    #[test]
    fn explanations_stay_on_one_line() {
        let score = score_of(vec![said(Intent::BookStay, "Hi!\n\nWe'd like to book\na room")]);
        assert!(score.explain().contains("(“Hi! We'd like to book a room”)"), "{}", score.explain());
    }
}
