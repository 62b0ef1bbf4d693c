//! What escaped output must look like: the checks behind the TwiML and HTML targets.

pub const DICT: &[&str] = &[
    "<",
    ">",
    "&",
    "\"",
    "'",
    "&amp;",
    "&lt;",
    "</Message>",
    "<Redirect>",
    "\"/><Hangup/><x a=\"",
    "<script>",
    "]]>",
    "<!--",
    "\u{7}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{85}",
];

/// A character XML 1.0 allows in a document (§2.2), escaped or not.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
}

/// What an escaping writer keeps of `text`: every character a document may hold.
pub fn kept(text: &str) -> String {
    text.chars().filter(|&c| xml_char(c)).collect()
}

/// The five predefined entities decoded; `None` for any other `&` (an injected entity, or a
/// bare ampersand the writer forgot).
pub fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let (entity, c) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&apos;", '\'')]
            .into_iter()
            .find(|(e, _)| after.starts_with(e))?;
        out.push(c);
        rest = &after[entity.len()..];
    }
    out.push_str(rest);
    Some(out)
}

/// An element or an attribute of a checked document, in document order.
#[derive(Debug, PartialEq, Eq)]
pub enum Node {
    /// The text inside an element, decoded.
    Text { element: String, text: String },
    /// An attribute value, decoded.
    Attribute { element: String, name: String, value: String },
}

/// Checks that `doc` is a well-formed XML document as the TwiML writers make them (the XML
/// declaration, then one root element; elements, attributes in double quotes and text, no
/// comments or CDATA) and returns its texts and attribute values decoded. `Err` says what is
/// wrong.
pub fn xml(doc: &str) -> Result<Vec<Node>, String> {
    if let Some(bad) = doc.chars().find(|&c| !xml_char(c)) {
        return Err(format!("character U+{:04X} is not allowed in XML", bad as u32));
    }
    let mut rest = doc.strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#).ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut nodes = Vec::new();
    let mut roots = 0;
    while !rest.is_empty() {
        let open = rest.find('<').unwrap_or(rest.len());
        let raw_text = &rest[..open];
        if !raw_text.is_empty() {
            let element = stack.last().ok_or_else(|| format!("text outside the root: {raw_text:?}"))?;
            if raw_text.contains('>') {
                return Err(format!("raw `>` in text: {raw_text:?}"));
            }
            let text = unescape(raw_text).ok_or_else(|| format!("bad entity in text {raw_text:?}"))?;
            nodes.push(Node::Text { element: element.clone(), text });
        }
        rest = &rest[open..];
        if rest.is_empty() {
            break;
        }
        let close = rest.find('>').ok_or("a tag is never closed")?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name => continue,
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(tag) => (tag, true),
            None => (tag, false),
        };
        let name_end = tag.find(' ').unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(format!("bad element name in <{tag}>"));
        }
        if stack.is_empty() {
            roots += 1;
            if roots > 1 {
                return Err(format!("a second root element <{name}>"));
            }
        }
        let mut attrs = &tag[name_end..];
        while let Some(after_space) = attrs.strip_prefix(' ') {
            let eq = after_space.find("=\"").ok_or_else(|| format!("attribute without a quoted value in <{tag}>"))?;
            let attr = &after_space[..eq];
            if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad attribute name {attr:?} in <{name}>"));
            }
            let value_and_rest = &after_space[eq + 2..];
            let end = value_and_rest.find('"').ok_or_else(|| format!("unterminated value of {attr} in <{name}>"))?;
            let raw = &value_and_rest[..end];
            if raw.contains('<') {
                return Err(format!("raw `<` in {attr} of <{name}>"));
            }
            let value = unescape(raw).ok_or_else(|| format!("bad entity in {attr} of <{name}>: {raw:?}"))?;
            nodes.push(Node::Attribute { element: name.to_owned(), name: attr.to_owned(), value });
            attrs = &value_and_rest[end + 1..];
        }
        if !attrs.is_empty() {
            return Err(format!("junk {attrs:?} in <{name}>"));
        }
        if !empty {
            stack.push(name.to_owned());
        }
    }
    match (stack.last(), roots) {
        (None, 1) => Ok(nodes),
        (Some(open), _) => Err(format!("<{open}> is never closed")),
        (None, _) => Err("no root element".into()),
    }
}

/// The markup characters of an HTML page: escaping works when a page made from hostile
/// values has exactly as many as one made from the same values with markup removed.
pub fn markup_counts(html: &str) -> [usize; 4] {
    ['<', '>', '"', '\''].map(|m| html.matches(m).count())
}

/// `value` with every character that could be markup removed.
pub fn defused(value: &str) -> String {
    value.chars().filter(|c| !matches!(c, '<' | '>' | '"' | '\'' | '&')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_refuses_what_a_broken_writer_would_produce() {
        let head = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
        let ok = format!(r#"{head}<Response><Message action="a?b=1&amp;c=2">Tom &amp; Jerry</Message></Response>"#);
        assert_eq!(
            xml(&ok).unwrap(),
            vec![
                Node::Attribute { element: "Message".into(), name: "action".into(), value: "a?b=1&c=2".into() },
                Node::Text { element: "Message".into(), text: "Tom & Jerry".into() },
            ]
        );
        for bad in [
            format!("{head}<Response><Message>a</Message><Redirect>x</Redirect></Response><Response/>"),
            format!("{head}<Response><Message>a & b</Message></Response>"),
            format!("{head}<Response><Message>a</Response></Message>"),
            format!(r#"{head}<Response><Message a="x"y">z</Message></Response>"#),
            format!("{head}<Response><Message>\u{fffe}</Message></Response>"),
            format!("{head}<Response><Message>\u{1}</Message></Response>"),
            format!("{head}<Response>"),
        ] {
            assert!(xml(&bad).is_err(), "{bad}");
        }
    }
}
