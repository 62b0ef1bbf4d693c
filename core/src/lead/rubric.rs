//! The scoring rubric per kind of business: which intents and facts earn how many points.
//!
//! Points are chosen so that a lead who asked for the thing the business sells *and* gave what
//! is needed to act on it reaches hot (70): a renter with a viewing request, a budget and a move
//! in date; a guest with a booking request, near dates, a party size and a name; a client with
//! an appointment request, a day and a name. Asking alone stays warm or cold.

use crate::brain::understand::{Intent, Slot};

/// The tenant templates grouped by what a lead wants from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Business {
    /// `letting_agent`: people renting, buying or selling homes.
    Letting,
    /// `vacation_rental`, `hotel`: guests booking nights.
    Stay,
    /// `clinic_salon`: clients booking appointments.
    Appointments,
    /// No template (or one this module does not know): any booking interest and contact details.
    Other,
}

impl Business {
    pub(super) fn from_template(template: Option<&str>) -> Self {
        match template.map(str::trim) {
            Some("letting_agent") => Business::Letting,
            Some("vacation_rental" | "hotel") => Business::Stay,
            Some("clinic_salon") => Business::Appointments,
            _ => Business::Other,
        }
    }
}

/// Points for something the contact asked for. Rules that share a `key` count once: the first
/// listed that the contact showed wins, so tables list the strongest first.
pub(super) struct IntentRule {
    pub key: &'static str,
    pub intent: Intent,
    pub label: &'static str,
    pub points: i16,
}

/// Points for a known field; rules sharing a `key` count once, as for [`IntentRule`].
pub(super) struct FieldRule {
    pub key: &'static str,
    pub slot: Slot,
    pub points: Points,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Points {
    Flat(i16),
    /// A date field: sooner means a decision sooner. A date already past earns `later`: the
    /// lead has gone stale.
    BySoonness {
        within_30_days: i16,
        within_90_days: i16,
        later: i16,
    },
}

pub(super) struct Rubric {
    pub intents: &'static [IntentRule],
    pub fields: &'static [FieldRule],
    /// The contact named a day or time they want.
    pub proposed_time: i16,
    /// A message about buying or booking said it was urgent.
    pub urgent: i16,
    /// They have been in touch before.
    pub returning: i16,
}

const fn ask(key: &'static str, intent: Intent, label: &'static str, points: i16) -> IntentRule {
    IntentRule { key, intent, label, points }
}

const fn field(key: &'static str, slot: Slot, points: i16) -> FieldRule {
    FieldRule { key, slot, points: Points::Flat(points) }
}

const fn dated(key: &'static str, slot: Slot, within_30_days: i16, within_90_days: i16, later: i16) -> FieldRule {
    FieldRule { key, slot, points: Points::BySoonness { within_30_days, within_90_days, later } }
}

const LETTING: Rubric = Rubric {
    intents: &[
        ask("interest", Intent::PropertyEnquiryRent, "wants to rent", 25),
        ask("interest", Intent::PropertyEnquiryBuy, "wants to buy", 25),
        ask("interest", Intent::ValuationRequest, "wants a valuation", 25),
        ask("interest", Intent::AvailabilitySearch, "asked what is available", 15),
        ask("interest", Intent::PricingInfo, "asked about prices", 10),
        ask("viewing", Intent::BookViewing, "asked for a viewing", 25),
    ],
    fields: &[
        field("budget", Slot::BudgetMax, 10),
        dated("move_in", Slot::MoveIn, 15, 10, 5),
        field("area", Slot::Area, 5),
        field("beds", Slot::Beds, 5),
        field("property", Slot::Property, 5),
        field("name", Slot::Name, 5),
        field("reachable", Slot::Email, 5),
        field("reachable", Slot::Phone, 5),
    ],
    proposed_time: 5,
    urgent: 5,
    returning: 5,
};

const STAY: Rubric = Rubric {
    intents: &[
        ask("booking", Intent::BookStay, "wants to book a stay", 30),
        ask("booking", Intent::AvailabilitySearch, "asked about availability", 20),
        ask("pricing", Intent::PricingInfo, "asked about prices", 10),
    ],
    fields: &[
        dated("check_in", Slot::CheckIn, 15, 10, 5),
        field("check_out", Slot::CheckOut, 10),
        field("party_size", Slot::PartySize, 10),
        field("name", Slot::Name, 5),
        field("reachable", Slot::Email, 10),
        field("reachable", Slot::Phone, 10),
    ],
    proposed_time: 0,
    urgent: 5,
    returning: 10,
};

const APPOINTMENTS: Rubric = Rubric {
    intents: &[
        ask("booking", Intent::BookAppointment, "wants an appointment", 40),
        ask("booking", Intent::AvailabilitySearch, "asked about availability", 25),
        ask("pricing", Intent::PricingInfo, "asked about prices", 10),
    ],
    fields: &[field("name", Slot::Name, 10), field("reachable", Slot::Email, 10), field("reachable", Slot::Phone, 10)],
    proposed_time: 20,
    urgent: 5,
    returning: 15,
};

const OTHER: Rubric = Rubric {
    intents: &[
        ask("booking", Intent::BookAppointment, "wants an appointment", 35),
        ask("booking", Intent::BookStay, "wants to book a stay", 35),
        ask("booking", Intent::BookViewing, "asked for a viewing", 35),
        ask("interest", Intent::PropertyEnquiryRent, "wants to rent", 20),
        ask("interest", Intent::PropertyEnquiryBuy, "wants to buy", 20),
        ask("interest", Intent::ValuationRequest, "wants a valuation", 20),
        ask("interest", Intent::AvailabilitySearch, "asked about availability", 20),
        ask("pricing", Intent::PricingInfo, "asked about prices", 10),
    ],
    fields: &[field("name", Slot::Name, 10), field("reachable", Slot::Email, 10), field("reachable", Slot::Phone, 10)],
    proposed_time: 15,
    urgent: 5,
    returning: 10,
};

impl Rubric {
    pub(super) fn of(business: Business) -> &'static Rubric {
        match business {
            Business::Letting => &LETTING,
            Business::Stay => &STAY,
            Business::Appointments => &APPOINTMENTS,
            Business::Other => &OTHER,
        }
    }

    /// The most this rubric can give (before the 100 cap), counting each key once.
    #[cfg(test)]
    fn ceiling(&self) -> i16 {
        fn best<'a>(rules: impl Iterator<Item = (&'a str, i16)>) -> i16 {
            let mut by_key: Vec<(&str, i16)> = Vec::new();
            for (key, points) in rules {
                match by_key.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, p)) => *p = (*p).max(points),
                    None => by_key.push((key, points)),
                }
            }
            by_key.iter().map(|(_, p)| p).sum()
        }
        let field_points = |rule: &FieldRule| match rule.points {
            Points::Flat(p) => p,
            Points::BySoonness { within_30_days, .. } => within_30_days,
        };
        best(self.intents.iter().map(|r| (r.key, r.points)))
            + best(self.fields.iter().map(|r| (r.key, field_points(r))))
            + self.proposed_time
            + self.urgent
            + self.returning
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::fields::is_qualification_slot;

    #[test]
    fn every_settings_template_has_its_own_rubric() {
        for template in crate::tenant::TEMPLATES {
            assert_ne!(Business::from_template(Some(template)), Business::Other, "{template}");
        }
        assert_eq!(Business::from_template(Some("car_wash")), Business::Other);
        assert_eq!(Business::from_template(None), Business::Other);
    }

    #[test]
    fn every_business_can_reach_hot_and_only_scores_lead_fields() {
        for business in [Business::Letting, Business::Stay, Business::Appointments, Business::Other] {
            let rubric = Rubric::of(business);
            assert!(rubric.ceiling() >= 90, "{business:?} tops out at {}", rubric.ceiling());
            assert!(rubric.fields.iter().all(|r| is_qualification_slot(r.slot)), "{business:?}");
            assert!(rubric.intents.iter().all(|r| r.points > 0), "{business:?}");
        }
    }
}
