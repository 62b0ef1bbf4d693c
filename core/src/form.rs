//! `application/x-www-form-urlencoded` bodies as ordered key/value pairs.
//!
//! Providers repeat keys (Twilio's `MessagingBinding.Address`), so a map would lose data that
//! the signature covers: keep every pair in arrival order.

/// A decoded form body. Lookups return the first value of a key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

/// The body is not valid form encoding: a broken `%` escape or bad UTF-8 once decoded.
/// Lenient decoders replace such bytes, which would verify a signature over text the sender
/// never sent; a real provider never produces them, so they are rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError;

impl Form {
    pub fn parse(body: &[u8]) -> Result<Self, FormError> {
        let pairs = body
            .split(|&b| b == b'&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (key, value) = match part.iter().position(|&b| b == b'=') {
                    Some(i) => (&part[..i], &part[i + 1..]),
                    None => (part, &b""[..]),
                };
                Ok((decode(key)?, decode(value)?))
            })
            .collect::<Result<_, FormError>>()?;
        Ok(Self { pairs })
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self { pairs: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of `key`, trimmed.
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded`: unreserved characters as they are,
/// everything else percent-encoded (space as `%20`, which every decoder accepts).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, key);
        out.push('=');
        encode_into(&mut out, value);
    }
    out
}

/// One value percent-encoded as [`encode`] does, e.g. for a path segment.
pub fn encode_component(text: &str) -> String {
    let mut out = String::new();
    encode_into(&mut out, text);
    out
}

fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

fn decode(raw: &[u8]) -> Result<String, FormError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or(FormError)?;
                let hex = std::str::from_utf8(hex).map_err(|_| FormError)?;
                bytes.push(u8::from_str_radix(hex, 16).map_err(|_| FormError)?);
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| FormError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_repeated_keys_and_decodes_plus_and_percent() {
        let form = Form::parse(b"A=1&B=x+y&A=2&C=%2B44").unwrap();
        assert_eq!(form.get("A"), Some("1"));
        assert_eq!(form.get("B"), Some("x y"));
        assert_eq!(form.get("C"), Some("+44"));
        assert_eq!(form.pairs().len(), 4);
    }

    #[test]
    fn encoding_round_trips_through_parse() {
        let pairs = [("To", "+447700900999"), ("Body", "Gas leak at 14 Elm Rd & it's urgent: 100% \u{1F525}")];
        let encoded = encode(&pairs);
        assert!(encoded.starts_with("To=%2B447700900999&Body=Gas%20leak"), "{encoded}");
        let parsed = Form::parse(encoded.as_bytes()).unwrap();
        assert_eq!(parsed, Form::from_pairs(pairs));
    }

    #[test]
    fn rejects_invalid_utf8_and_broken_escapes() {
        for bad in [&b"Body=%FF%FE"[..], b"%%%", b"Body=50%", b"Body=%4", b"Body=%zz", b"Body=\xff"] {
            assert_eq!(Form::parse(bad), Err(FormError), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn decodes_what_browsers_and_twilio_encode() {
        let form = Form::parse(b"Body=It%27s+50%25+%26+more+%F0%9F%8F%A0&Flag&=empty").unwrap();
        assert_eq!(form.get("Body"), Some("It's 50% & more \u{1F3E0}"));
        assert_eq!(form.get("Flag"), Some(""));
        assert_eq!(form.get(""), Some("empty"));
    }
}
