//! Unusual activity the owner is told about, once per clock hour: a flood of outbound texts
//! (a loop, a stolen key) or a burst of new contacts from one number range (a bot or a spam
//! run). The Worker counts the last hour's rows; these decide.

use std::collections::BTreeMap;

/// Outbound SMS and WhatsApp messages in one hour that alert the owner.
pub const OUTBOUND_PER_HOUR: u64 = 100;
/// New contacts in one hour sharing a number prefix that alert the owner.
pub const PREFIX_BURST: usize = 20;
/// How many leading digits (country code included) make a prefix.
pub const PREFIX_DIGITS: usize = 7;
pub const WINDOW_MS: u64 = 60 * 60 * 1000;

/// One thing worth telling the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusual {
    OutboundBurst { sent: u64 },
    ContactBurst { prefix: String, contacts: usize },
}

/// The clock hour an alert belongs to (`usage_alerts.period`).
pub fn hour(now_ms: u64) -> String {
    (now_ms / WINDOW_MS).to_string()
}

/// What in the last hour's outbound count and new contacts' phones is unusual.
pub fn unusual(outbound_last_hour: u64, new_contact_phones: &[&str]) -> Vec<Unusual> {
    let mut found = Vec::new();
    if outbound_last_hour >= OUTBOUND_PER_HOUR {
        found.push(Unusual::OutboundBurst { sent: outbound_last_hour });
    }
    let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
    for phone in new_contact_phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() > PREFIX_DIGITS {
            *prefixes.entry(digits[..PREFIX_DIGITS].to_owned()).or_default() += 1;
        }
    }
    found.extend(
        prefixes
            .into_iter()
            .filter(|(_, n)| *n >= PREFIX_BURST)
            .map(|(prefix, contacts)| Unusual::ContactBurst { prefix, contacts }),
    );
    found
}

impl Unusual {
    /// What it is, for `usage_alerts.kind`: one alert per kind (and prefix) per clock hour.
    pub fn kind(&self) -> String {
        match self {
            Unusual::OutboundBurst { .. } => "outbound_burst".to_owned(),
            Unusual::ContactBurst { prefix, .. } => format!("contact_burst:{prefix}"),
        }
    }

    /// The outbox key of the alert to `to`.
    pub fn key(&self, now_ms: u64, to: &str) -> String {
        format!("activity:{}:{}:{to}", hour(now_ms), self.kind())
    }

    /// The `audit_log.action` recording it.
    pub fn action(&self) -> &'static str {
        match self {
            Unusual::OutboundBurst { .. } => "usage.outbound_burst",
            Unusual::ContactBurst { .. } => "usage.contact_burst",
        }
    }

    pub fn email(&self, business: &str) -> (String, String) {
        match self {
            Unusual::OutboundBurst { sent } => (
                format!("{business}: unusual activity — {sent} texts sent in an hour"),
                format!(
                    "Your front desk sent {sent} SMS and WhatsApp messages in the last hour (we alert at \
                     {OUTBOUND_PER_HOUR}). If you did not start a campaign, check your API keys and integrations.\n"
                ),
            ),
            Unusual::ContactBurst { prefix, contacts } => (
                format!("{business}: unusual activity — {contacts} new contacts from +{prefix}…"),
                format!(
                    "{contacts} new contacts with numbers starting +{prefix} wrote in the last hour (we alert at \
                     {PREFIX_BURST}). This can be a spam run; their messages were stored and answered as usual.\n"
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("+{prefix}{i:04}")).collect()
    }

    #[test]
    fn a_hundred_texts_in_an_hour_is_unusual_and_ninety_nine_is_not() {
        assert_eq!(unusual(99, &[]), vec![]);
        assert_eq!(unusual(100, &[]), vec![Unusual::OutboundBurst { sent: 100 }]);
    }

    #[test]
    fn twenty_new_contacts_sharing_seven_digits_is_unusual() {
        let burst = phones("4477009", 20);
        let refs: Vec<&str> = burst.iter().map(String::as_str).collect();
        assert_eq!(unusual(0, &refs), vec![Unusual::ContactBurst { prefix: "4477009".into(), contacts: 20 }]);
        assert_eq!(unusual(0, &refs[..19]), vec![], "19 is not a burst");
        // Twenty spread over two prefixes is not a burst either.
        let mut mixed = phones("4477009", 10);
        mixed.extend(phones("4477008", 10));
        let refs: Vec<&str> = mixed.iter().map(String::as_str).collect();
        assert_eq!(unusual(0, &refs), vec![]);
        // Short or odd numbers are skipped, not panicked on.
        assert_eq!(unusual(0, &["+44", "", "not a number", "+4477"]), vec![]);
    }

    #[test]
    fn alerts_are_keyed_per_clock_hour() {
        let u = Unusual::OutboundBurst { sent: 120 };
        assert_eq!(u.key(WINDOW_MS * 5 + 1, "o@x"), u.key(WINDOW_MS * 6 - 1, "o@x"));
        assert_ne!(u.key(WINDOW_MS * 5, "o@x"), u.key(WINDOW_MS * 6, "o@x"));
        let (subject, text) = Unusual::ContactBurst { prefix: "4477009".into(), contacts: 21 }.email("Maple");
        assert!(subject.contains("21 new contacts from +4477009"), "{subject}");
        assert!(text.contains("stored and answered"));
    }
}
