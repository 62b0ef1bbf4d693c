//! Phone numbers in E.164, the one form contacts are stored and matched in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An E.164 number: `+` then 8 to 15 digits (ITU-T E.164 caps numbers at 15 digits; 8 is the
/// shortest real international number with a country code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneE164(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPhone;

impl fmt::Display for InvalidPhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an E.164 phone number (expected + and 8 to 15 digits)")
    }
}

impl PhoneE164 {
    /// Accepts common punctuation (`+44 (0)7700-900 123` is not accepted: the trunk `(0)` is
    /// ambiguous) and the `00` international prefix; rejects anything without a country code.
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let trimmed = raw.trim();
        let rest = if let Some(rest) = trimmed.strip_prefix('+') {
            rest
        } else if let Some(rest) = trimmed.strip_prefix("00") {
            rest
        } else {
            return Err(InvalidPhone);
        };
        let mut digits = String::with_capacity(16);
        digits.push('+');
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' => {}
                _ => return Err(InvalidPhone),
            }
        }
        let count = digits.len() - 1;
        if !(8..=15).contains(&count) || digits.as_bytes()[1] == b'0' {
            return Err(InvalidPhone);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneE164 {
    type Error = InvalidPhone;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneE164> for String {
    fn from(value: PhoneE164) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_punctuation_and_international_prefix() {
        assert_eq!(PhoneE164::parse("+44 7700-900.123").unwrap().as_str(), "+447700900123");
        assert_eq!(PhoneE164::parse("00447700900123").unwrap().as_str(), "+447700900123");
        assert_eq!(PhoneE164::parse(" +14155550100 ").unwrap().as_str(), "+14155550100");
    }

    #[test]
    fn rejects_numbers_without_country_code_or_of_wrong_length() {
        for bad in [
            "07700900123",
            "+1234567",
            "+1234567890123456",
            "+44abc",
            "",
            "+",
            "+0447700900123",
            "whatsapp:+14155550100",
        ] {
            assert_eq!(PhoneE164::parse(bad), Err(InvalidPhone), "{bad:?}");
        }
    }
}
