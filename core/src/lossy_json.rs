//! Provider JSON made readable whole, as a lossy decoder reads text.
//!
//! JavaScript strings are UTF-16 and may hold half of a surrogate pair (a message cut in the
//! middle of an emoji); `JSON.stringify` writes it as a lone `\ud83d` escape. serde_json
//! refuses such a string, and with it the whole body: a provider's event would be refused on
//! every retry, its message lost. It also reads invalid UTF-8 in a field it skips but refuses
//! it in a field it keeps, so two readers of one body (a tolerant route, a strict parse)
//! disagreed. Webhook bodies are read through [`readable`]: invalid UTF-8 and lone surrogate
//! escapes become U+FFFD. Signatures are still checked over the raw bytes.

use std::borrow::Cow;

/// `raw` with invalid UTF-8 and lone surrogate escapes replaced by U+FFFD; borrowed when it
/// has neither (the usual case).
pub fn readable(raw: &[u8]) -> Cow<'_, [u8]> {
    match String::from_utf8_lossy(raw) {
        Cow::Borrowed(_) => lone_surrogates_replaced(raw),
        Cow::Owned(text) => Cow::Owned(lone_surrogates_replaced(text.as_bytes()).into_owned()),
    }
}

/// `raw` with every `\uD800`–`\uDFFF` escape that is not half of a valid pair replaced by
/// `\uFFFD`; borrowed as is when there is none (the usual case). Only escapes inside strings
/// are touched (`\\ud800` is a backslash and text).
pub fn lone_surrogates_replaced(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.windows(3).any(|w| w[0] == b'\\' && w[1] == b'u' && matches!(w[2], b'd' | b'D')) {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut in_string = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if !in_string {
            in_string = b == b'"';
            out.push(b);
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                out.push(b);
                i += 1;
            }
            b'\\' => match escaped_unit(raw, i) {
                Some(0xd800..=0xdbff)
                    if escaped_unit(raw, i + 6).is_some_and(|low| (0xdc00..=0xdfff).contains(&low)) =>
                {
                    out.extend_from_slice(&raw[i..i + 12]);
                    i += 12;
                }
                Some(0xd800..=0xdfff) => {
                    out.extend_from_slice(b"\\ufffd");
                    i += 6;
                }
                // Any other escape: it and the character after the backslash, as they are.
                _ => {
                    let end = (i + 2).min(raw.len());
                    out.extend_from_slice(&raw[i..end]);
                    i = end;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`.
fn escaped_unit(raw: &[u8], at: usize) -> Option<u16> {
    let escape = raw.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str) -> Option<String> {
        serde_json::from_slice::<serde_json::Value>(&lone_surrogates_replaced(raw.as_bytes()))
            .ok()
            .map(|v| v["t"].as_str().unwrap_or_default().to_owned())
    }

    #[test]
    fn a_lone_half_of_a_pair_reads_as_a_replacement_character() {
        assert!(serde_json::from_str::<serde_json::Value>(r#"{"t":"cut \ud83d"}"#).is_err(), "why this exists");
        assert_eq!(read(r#"{"t":"cut \ud83d"}"#).as_deref(), Some("cut \u{fffd}"));
        assert_eq!(read(r#"{"t":"\uDE00 then \ud83d\ude00"}"#).as_deref(), Some("\u{fffd} then \u{1f600}"));
        assert_eq!(read(r#"{"t":"\ud83d\ud83d\ude00"}"#).as_deref(), Some("\u{fffd}\u{1f600}"));
    }

    #[test]
    fn invalid_utf8_reads_as_replacement_characters() {
        let raw = b"{\"t\":\"caf\xe9 \\ud800\",\"k\xff\":1}";
        let value: serde_json::Value = serde_json::from_slice(&readable(raw)).unwrap();
        assert_eq!(value, serde_json::json!({ "t": "caf\u{fffd} \u{fffd}", "k\u{fffd}": 1 }));
    }

    #[test]
    fn everything_else_is_left_alone() {
        let plain = br#"{"t":"caf\u00e9 \ud83d\ude00 \\ud800 \"\ud800"}"#;
        let replaced = lone_surrogates_replaced(plain);
        assert_eq!(read(std::str::from_utf8(&replaced).unwrap()).as_deref(), Some("café 😀 \\ud800 \"\u{fffd}"));
        assert!(matches!(lone_surrogates_replaced(br#"{"t":"caf\u00e9"}"#), Cow::Borrowed(_)));
        assert_eq!(lone_surrogates_replaced(br#"{"t":"\ud83d\ude00"}"#).as_ref(), br#"{"t":"\ud83d\ude00"}"#);
        assert_eq!(lone_surrogates_replaced(b"\\ud800 outside a string").as_ref(), b"\\ud800 outside a string");
    }
}
