//! Contact details typed into a message: e-mail addresses and phone numbers, scanned on the
//! raw text (they contain the punctuation the tokenizer splits on).

use crate::phone::PhoneE164;

/// (byte start, byte end, lower-cased address) of the first e-mail address.
pub(crate) fn email(raw: &str) -> Option<(usize, usize, String)> {
    let bytes = raw.as_bytes();
    let local_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    for (at, _) in raw.match_indices('@') {
        let mut start = at;
        while start > 0 && local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && domain_char(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        while start < at && bytes[start] == b'.' {
            start += 1;
        }
        let domain = &raw[at + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2);
        if start < at && tld_ok {
            return Some((start, end, raw[start..end].to_ascii_lowercase()));
        }
    }
    None
}

/// (byte start, byte end, value) of the first phone number: E.164 when it carries a country
/// code (`+44 7700 900123`, `0044…`), else its digits as typed (`408-985-7933` → `4089857933`).
pub(crate) fn phone(raw: &str) -> Option<(usize, usize, String)> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let starts =
            b.is_ascii_digit() || ((b == b'+' || b == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        // Not inside a word or a longer number ("A1", "1,500", "12/03").
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b',' | b'/' | b':' | b'$' | b'.'));
        if !(starts && boundary) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit() || matches!(bytes[end], b' ' | b'-' | b'.' | b'(' | b')'))
        {
            end += 1;
        }
        while end > i && !bytes[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let run = &raw[i..end];
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        let next_is_word = bytes.get(end).is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b':' | b','));
        let dotted_date = !run.contains(' ') && run.matches('.').count() == 2 && !run.contains('-');
        if (7..=15).contains(&digits.len()) && !next_is_word && !dotted_date {
            let cleaned: String = run.chars().filter(|c| !matches!(c, '(' | ')')).collect();
            let value = match PhoneE164::parse(&cleaned) {
                Ok(e164) => e164.as_str().to_owned(),
                Err(_) if run.starts_with('+') || run.starts_with("00") => {
                    i = end;
                    continue;
                }
                Err(_) => digits,
            };
            return Some((i, end, value));
        }
        i = end.max(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_emails() {
        assert_eq!(email("mail me at Ana.Lima@Example.COM."), Some((11, 31, "ana.lima@example.com".into())));
        assert_eq!(email("me@localhost"), None);
        assert_eq!(email("@@@"), None);
        assert_eq!(email("a@b.c"), None);
    }

    #[test]
    fn finds_phones() {
        assert_eq!(phone("call me on +44 7700 900123 thanks").map(|p| p.2), Some("+447700900123".into()));
        assert_eq!(phone("it's 0044 7700 900123").map(|p| p.2), Some("+447700900123".into()));
        assert_eq!(phone("408-985-7933").map(|p| p.2), Some("4089857933".into()));
        assert_eq!(phone("(415) 555-0100").map(|p| p.2), Some("4155550100".into()));
        for none in ["2 bedrooms 1 bath", "$1,500 a month", "12.03.2027", "at 15:30", "1546 Maurice Lane", "+", "+0"] {
            assert_eq!(phone(none), None, "{none}");
        }
    }
}
