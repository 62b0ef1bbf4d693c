//! Documents to plain text in sections (a heading path and its text): Markdown with its markup
//! removed, HTML with its tags stripped (scripts, styles and navigation dropped, entities
//! decoded). HTML headings become Markdown headings first, so both formats section alike.
//! Deliberately small — no HTML5 parser: a page's readable text and headings are all chunking
//! needs, and a full parser would weigh more than the rest of the Worker.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The format a fetched page's `Content-Type` declares; `None` for what is not text.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match mime.as_str() {
            "text/html" | "application/xhtml+xml" => Some(Format::Html),
            "text/markdown" | "text/x-markdown" => Some(Format::Markdown),
            "text/plain" | "" => Some(Format::Text),
            _ => None,
        }
    }
}

/// A run of text under one heading path ("Fees › Deposits"); `None` before the first heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Option<String>,
    /// Paragraphs separated by blank lines; whitespace within a paragraph collapsed.
    pub text: String,
}

/// `content` in `format` as sections of plain text.
pub fn sections(format: Format, content: &str) -> Vec<Section> {
    match format {
        Format::Text => vec![Section { heading: None, text: paragraphs(content.lines()) }]
            .into_iter()
            .filter(|s| !s.text.is_empty())
            .collect(),
        Format::Markdown => markdown_sections(content, true),
        Format::Html => markdown_sections(&html_to_markdown(content), false),
    }
}

/// The page's `<title>`, decoded, if it has a non-empty one.
pub fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = decode_entities(&html[start..end]).split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// Elements whose content is never readable text (or is site furniture, not the page's content).
const SKIPPED: &[&str] = &["script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "select"];
/// Elements that break a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "hr",
    "form",
    "figure",
    "figcaption",
    "address",
    "td",
    "th",
];

/// HTML to Markdown-ish text: headings as `#` lines, list items as `- ` lines, blocks as
/// paragraphs, everything else as its text.
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A stray `<` with no tag after it is text.
            out.push_str(&decode_entities(rest));
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') {
            rest = skip_element(rest, &name);
            continue;
        }
        match name.as_str() {
            h if h.len() == 2 && h.starts_with('h') && matches!(h.as_bytes()[1], b'1'..=b'6') => {
                out.push_str("\n\n");
                if !closing {
                    out.push_str(&"#".repeat(usize::from(h.as_bytes()[1] - b'0')));
                    out.push(' ');
                }
            }
            "li" if !closing => out.push_str("\n- "),
            "li" => {}
            "br" | "td" => out.push('\n'),
            b if BLOCKS.contains(&b) => out.push_str("\n\n"),
            _ => {}
        }
    }
    if !rest.contains('<') {
        out.push_str(&decode_entities(rest));
    }
    out
}

/// What follows the end of element `name` whose start tag was just read (case-insensitive;
/// an unclosed one runs to the end of the document).
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let lower = rest.to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
        None => "",
    }
}

/// Decodes the named entities pages commonly use and every numeric one.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..].find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..=semi];
            entity(name).map(|c| (c, semi + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "pound" => '£',
        "euro" => '€',
        "copy" => '©',
        "middot" => '·',
        "bull" => '•',
        _ => return None,
    })
}

/// Sections of Markdown: ATX (`## x`) and setext headings start sections, nested by level into
/// a path. `strip_inline` removes links, emphasis and code marks (HTML's text has none to strip).
fn markdown_sections(markdown: &str, strip_inline: bool) -> Vec<Section> {
    let mut out = Vec::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut body: Vec<String> = Vec::new();
    let flush = |path: &[(usize, String)], body: &mut Vec<String>, out: &mut Vec<Section>| {
        let text = paragraphs(body.iter().map(String::as_str));
        body.clear();
        if !text.is_empty() {
            let heading =
                (!path.is_empty()).then(|| path.iter().map(|(_, h)| h.as_str()).collect::<Vec<_>>().join(" › "));
            out.push(Section { heading, text });
        }
    };
    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let setext = lines.get(i + 1).map(|l| l.trim()).filter(|next| {
            !line.is_empty() && next.len() >= 2 && (next.bytes().all(|b| b == b'=') || next.bytes().all(|b| b == b'-'))
        });
        let heading = if let Some(marks) = setext {
            i += 1;
            Some((if marks.starts_with('=') { 1 } else { 2 }, line.to_owned()))
        } else {
            atx_heading(line)
        };
        match heading {
            Some((level, text)) => {
                flush(&path, &mut body, &mut out);
                let text = if strip_inline { inline_text(&text) } else { text };
                path.retain(|(l, _)| *l < level);
                if !text.trim().is_empty() {
                    path.push((level, text.trim().to_owned()));
                }
            }
            None if line.starts_with("```") || line.starts_with("~~~") => {}
            None if is_table_rule(line) => {}
            None => body.push(if strip_inline { inline_text(line) } else { line.to_owned() }),
        }
        i += 1;
    }
    flush(&path, &mut body, &mut out);
    out
}

fn atx_heading(line: &str) -> Option<(usize, String)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let text = line.get(level..)?;
    ((1..=6).contains(&level) && (text.is_empty() || text.starts_with(' ')))
        .then(|| (level, text.trim().trim_end_matches('#').trim().to_owned()))
}

fn is_table_rule(line: &str) -> bool {
    line.contains('-') && line.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' '))
}

/// One Markdown line's text: `![alt](src)` → alt, `[text](href)` → text, emphasis, code and
/// quote marks and table pipes removed; list markers kept as `- `.
fn inline_text(line: &str) -> String {
    let line = line.trim_start_matches('>').trim_start();
    let line = match line.strip_prefix("* ").or_else(|| line.strip_prefix("+ ")) {
        Some(item) => format!("- {item}"),
        None => line.to_owned(),
    };
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let link_start = if c == '!' && chars.get(i + 1) == Some(&'[') { Some(i + 1) } else { (c == '[').then_some(i) };
        if let Some(open) = link_start {
            if let Some((text, end)) = link(&chars, open) {
                out.push_str(&text);
                i = end;
                continue;
            }
        }
        let emphasis = matches!(c, '*' | '`' | '~') || (c == '_' && word_edge(&chars, i));
        match c {
            _ if emphasis => {}
            '|' => out.push(' '),
            _ => out.push(c),
        }
        i += 1;
    }
    // "- " list markers start with a kept '-'; a leading "*" item was rewritten above.
    out
}

/// `[text](target)` starting at `open`: the text and the index after `)`.
fn link(chars: &[char], open: usize) -> Option<(String, usize)> {
    let close = open + chars[open..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 1 + chars[close + 1..].iter().position(|&c| c == ')')?;
    Some((chars[open + 1..close].iter().collect(), end + 1))
}

/// An underscore at a word's edge is emphasis; inside a word (snake_case) it is text.
fn word_edge(chars: &[char], i: usize) -> bool {
    let before = i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
    let after = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
    !(before && after)
}

/// Lines joined into paragraphs (blank lines separate them), whitespace collapsed; list items
/// stay on their own lines.
fn paragraphs<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() || line == "-" {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(if line.starts_with("- ") { '\n' } else { ' ' });
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_drops_scripts_styles_navigation_and_comments_and_decodes_entities() {
        let html = r#"<!doctype html><html><head><title>Fees &amp; deposits</title><style>p{color:red}</style></head>
            <body><nav><a href="/">Home</a></nav><script>var x = "<p>not text</p>";</script>
            <h1>Fees</h1><p>Holding deposit:&nbsp;one week&#39;s rent &ndash; refundable.</p><!-- hidden -->
            <h2>Pets</h2><ul><li>Cats</li><li>Small dogs</li></ul><p>Price &pound;5 &#x263A; &bogus; 3 &lt; 4</p>
            <SCRIPT type="x">alert(1)</SCRIPT></body></html>"#;
        assert_eq!(html_title(html).as_deref(), Some("Fees & deposits"));
        let s = sections(Format::Html, html);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].heading.as_deref(), Some("Fees"));
        assert_eq!(s[0].text, "Holding deposit: one week's rent – refundable.");
        assert_eq!(s[1].heading.as_deref(), Some("Fees › Pets"));
        assert_eq!(s[1].text, "- Cats\n- Small dogs\n\nPrice £5 ☺ &bogus; 3 < 4");
        let all = format!("{s:?}");
        for gone in ["not text", "alert", "Home", "color", "hidden"] {
            assert!(!all.contains(gone), "{gone} leaked: {all}");
        }
    }

    #[test]
    fn markdown_loses_its_markup_and_keeps_its_headings() {
        let md = "Intro **bold** and `code`.\n\n# Guide\n\n## Parking\nSee [the map](https://x.example/map) \
                  ![a car](car.png), snake_case _stays_.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nOther\n=====\n> quoted";
        let s = sections(Format::Markdown, md);
        assert_eq!(s[0], Section { heading: None, text: "Intro bold and code.".into() });
        assert_eq!(s[1].heading.as_deref(), Some("Guide › Parking"));
        assert_eq!(s[1].text, "See the map a car, snake_case stays.\n\na b 1 2");
        assert_eq!(s[2], Section { heading: Some("Other".into()), text: "quoted".into() });
    }

    #[test]
    fn plain_text_is_only_whitespace_normalised() {
        let s = sections(Format::Text, "# not a heading\n  two   spaces\n\n\nnext");
        assert_eq!(s, vec![Section { heading: None, text: "# not a heading two spaces\n\nnext".into() }]);
        assert!(sections(Format::Text, " \n ").is_empty());
    }

    #[test]
    fn content_types_pick_the_format() {
        assert_eq!(Format::from_content_type("text/html; charset=utf-8"), Some(Format::Html));
        assert_eq!(Format::from_content_type("text/markdown"), Some(Format::Markdown));
        assert_eq!(Format::from_content_type("text/plain"), Some(Format::Text));
        assert_eq!(Format::from_content_type("image/png"), None);
    }
}
