//! What a tenant sends to fill a knowledge base, validated before anything is stored: FAQ
//! imports (JSON or CSV), documents (inline or by URL), and the content hash that makes
//! re-ingesting a no-op. Every error names the problem, for a 400 the caller can act on.

use super::text::Format;
use serde::Deserialize;

/// FAQs per import call: one call stays one short series of D1 statements.
pub const MAX_FAQS: usize = 1000;
pub const MAX_QUESTION_CHARS: usize = 1_000;
pub const MAX_ANSWER_CHARS: usize = 10_000;
pub const MAX_NAME_CHARS: usize = 64;
/// An inline document's content, and a fetched page's body.
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;

/// Path words of the API that can therefore not be knowledge base names.
const RESERVED_NAMES: &[&str] = &["faqs", "documents", "search", "unanswered", "jobs"];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqImport {
    #[serde(default)]
    pub kb: String,
    #[serde(default)]
    pub faqs: Vec<Faq>,
}

/// A knowledge base name: 1–64 letters, digits, `-` or `_`, not one of the API's path words.
pub fn check_kb_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("`kb` (the knowledge base's name) is required".into());
    }
    if name.len() > MAX_NAME_CHARS || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(format!("`kb` must be 1–{MAX_NAME_CHARS} letters, digits, '-' or '_'"));
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(format!("`kb` cannot be `{name}`: it is a path of the API"));
    }
    Ok(())
}

/// `{"kb", "faqs": [...]}`, checked.
pub fn faqs_from_json(body: &[u8]) -> Result<FaqImport, String> {
    let import: FaqImport = serde_json::from_slice(body)
        .map_err(|e| format!(r#"expected {{"kb": "<name>", "faqs": [{{"question", "answer", "category"?}}]}}: {e}"#))?;
    check_faqs(import)
}

/// CSV with a header row naming `question`, `answer` and optionally `category` (any order;
/// other columns ignored), RFC 4180 quoting; `kb` from the query string.
pub fn faqs_from_csv(kb: &str, body: &str) -> Result<FaqImport, String> {
    let rows = parse_csv(body)?;
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or("the CSV is empty: expected a header row question,answer[,category]")?;
    let column =
        |name: &str| header.iter().position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(name));
    let (Some(q), Some(a)) = (column("question"), column("answer")) else {
        return Err("the CSV's header row must name `question` and `answer` columns".into());
    };
    let c = column("category");
    let mut faqs = Vec::new();
    for (i, row) in rows.enumerate() {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            return Err(format!("CSV row {}: {} fields, the header has {}", i + 2, row.len(), header.len()));
        }
        faqs.push(Faq {
            question: row[q].clone(),
            answer: row[a].clone(),
            category: c.map(|c| row[c].clone()).filter(|s| !s.trim().is_empty()),
        });
    }
    check_faqs(FaqImport { kb: kb.to_owned(), faqs })
}

/// An import trimmed and checked (name, count, lengths).
pub fn check_faqs(mut import: FaqImport) -> Result<FaqImport, String> {
    check_kb_name(&import.kb)?;
    if import.faqs.is_empty() {
        return Err("`faqs` is empty: nothing to import".into());
    }
    if import.faqs.len() > MAX_FAQS {
        return Err(format!("{} FAQs in one call: at most {MAX_FAQS}", import.faqs.len()));
    }
    for (i, faq) in import.faqs.iter_mut().enumerate() {
        faq.question = faq.question.trim().to_owned();
        faq.answer = faq.answer.trim().to_owned();
        faq.category = faq.category.take().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        let at = |what: &str| format!("faqs[{i}]: {what}");
        if faq.question.is_empty() || faq.answer.is_empty() {
            return Err(at("`question` and `answer` must not be empty"));
        }
        if faq.question.chars().count() > MAX_QUESTION_CHARS || faq.answer.chars().count() > MAX_ANSWER_CHARS {
            return Err(at(&format!(
                "`question` is limited to {MAX_QUESTION_CHARS} characters, `answer` to {MAX_ANSWER_CHARS}"
            )));
        }
        if faq.category.as_ref().is_some_and(|c| c.chars().count() > MAX_NAME_CHARS) {
            return Err(at(&format!("`category` is limited to {MAX_NAME_CHARS} characters")));
        }
    }
    Ok(import)
}

/// Records of RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a quoted field
/// may hold commas, newlines and `""` for a quote.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(parse_csv_lines(text)?.into_iter().map(|(_, row)| row).collect())
}

/// [`parse_csv`] with the line each record starts on (from 1), for errors that name a row even
/// when a quoted field before it spans lines.
pub fn parse_csv_lines(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut rows = Vec::new();
    let mut row_line = 1;
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut quoted_field = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !quoted_field => {
                quoted_field = true;
                let start = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            line += usize::from(ch == '\n');
                            field.push(ch);
                        }
                        None => return Err(format!("CSV line {start}: a quoted field is never closed")),
                    }
                }
                if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                    return Err(format!("CSV line {line}: text after a closing quote"));
                }
            }
            '"' => return Err(format!("CSV line {line}: a quote inside an unquoted field")),
            ',' => {
                row.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                quoted_field = false;
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || quoted_field || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

/// A document to ingest: inline content in a format, or a page to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentInput {
    Inline { kb: String, title: String, content: String, format: Format },
    Url { kb: String, url: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    #[serde(default)]
    kb: String,
    title: Option<String>,
    content: Option<String>,
    format: Option<Format>,
    url: Option<String>,
}

pub const DOCUMENT_SHAPE: &str = r#"{"kb", "title", "content", "format": "text"|"markdown"|"html"} or {"kb", "url"}"#;

pub fn document_from_json(body: &[u8]) -> Result<DocumentInput, String> {
    let body: DocumentBody = serde_json::from_slice(body).map_err(|e| format!("expected {DOCUMENT_SHAPE}: {e}"))?;
    check_kb_name(&body.kb)?;
    match (body.url, body.content) {
        (Some(url), None) if body.title.is_none() && body.format.is_none() => {
            Ok(DocumentInput::Url { kb: body.kb, url: url.trim().to_owned() })
        }
        (None, Some(content)) => {
            let title = body.title.map(|t| t.trim().to_owned()).unwrap_or_default();
            if title.is_empty() || title.chars().count() > MAX_QUESTION_CHARS {
                return Err(format!("`title` is required, at most {MAX_QUESTION_CHARS} characters"));
            }
            if content.trim().is_empty() {
                return Err("`content` is empty".into());
            }
            if content.len() > MAX_DOCUMENT_BYTES {
                return Err(format!("`content` is larger than {MAX_DOCUMENT_BYTES} bytes"));
            }
            Ok(DocumentInput::Inline { kb: body.kb, title, content, format: body.format.unwrap_or(Format::Text) })
        }
        _ => Err(format!("expected either `content` (with `title` and `format`) or `url`: {DOCUMENT_SHAPE}")),
    }
}

/// Hex SHA-256 of a document's content.
pub fn content_hash(content: &str) -> String {
    crate::auth::sha256_hex(content.as_bytes())
}

/// An FAQ's hash: its question and answer as stored (trimmed). The seed's generator
/// (`scripts/seed_kb.mjs`) computes the same, so importing a seeded FAQ again is a duplicate.
pub fn faq_hash(question: &str, answer: &str) -> String {
    content_hash(&format!("{}\n\n{}", question.trim(), answer.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_faqs_are_trimmed_and_checked() {
        let ok =
            faqs_from_json(br#"{"kb":"faq","faqs":[{"question":" Pets? ","answer":"Yes.","category":" "}]}"#).unwrap();
        assert_eq!(ok.faqs[0], Faq { question: "Pets?".into(), answer: "Yes.".into(), category: None });
        for (body, needle) in [
            (r#"{"faqs":[{"question":"q","answer":"a"}]}"#, "`kb`"),
            (r#"{"kb":"faq","faqs":[]}"#, "empty"),
            (r#"{"kb":"faq"}"#, "empty"),
            (r#"{"kb":"bad name!","faqs":[{"question":"q","answer":"a"}]}"#, "letters"),
            (r#"{"kb":"search","faqs":[{"question":"q","answer":"a"}]}"#, "path"),
            (r#"{"kb":"faq","faqs":[{"question":"q","answer":"  "}]}"#, "faqs[0]"),
            (r#"{"kb":"faq","faqs":[{"question":"q"}]}"#, "answer"),
            (r#"{"kb":"faq","faqs":[{"question":"q","answer":"a","extra":1}]}"#, "extra"),
            ("not json", "expected"),
        ] {
            let err = faqs_from_json(body.as_bytes()).unwrap_err();
            assert!(err.contains(needle), "{body}: {err}");
        }
        let many = (0..=MAX_FAQS).map(|i| format!(r#"{{"question":"q{i}","answer":"a"}}"#)).collect::<Vec<_>>();
        let body = format!(r#"{{"kb":"faq","faqs":[{}]}}"#, many.join(","));
        assert!(faqs_from_json(body.as_bytes()).unwrap_err().contains("at most 1000"));
    }

    #[test]
    fn csv_handles_quotes_commas_newlines_and_any_column_order() {
        let csv = "category,question,answer\r\nfees,\"How much, exactly?\",\"Five weeks' rent.\nSee \"\"Fees\"\".\"\r\n,Pets?,Yes\n\n";
        let import = faqs_from_csv("faq", csv).unwrap();
        assert_eq!(import.faqs.len(), 2);
        assert_eq!(import.faqs[0].question, "How much, exactly?");
        assert_eq!(import.faqs[0].answer, "Five weeks' rent.\nSee \"Fees\".");
        assert_eq!(import.faqs[0].category.as_deref(), Some("fees"));
        assert_eq!(import.faqs[1].category, None);
    }

    #[test]
    fn malformed_csv_names_the_problem() {
        for (csv, needle) in [
            ("", "empty"),
            ("q,a\nx,y", "`question` and `answer`"),
            ("question,answer\n\"open,never closed", "never closed"),
            ("question,answer\nx\"y,z", "quote inside"),
            ("question,answer\n\"x\"y,z", "after a closing quote"),
            ("question,answer\none,two,three", "row 2: 3 fields"),
            ("question,answer\n", "empty"),
        ] {
            let err = faqs_from_csv("faq", csv).unwrap_err();
            assert!(err.contains(needle), "{csv:?}: {err}");
        }
    }

    #[test]
    fn documents_are_inline_or_url_never_both() {
        let inline =
            document_from_json(br#"{"kb":"docs","title":"Guide","content":"Hi","format":"markdown"}"#).unwrap();
        assert!(matches!(inline, DocumentInput::Inline { format: Format::Markdown, .. }));
        let url = document_from_json(br#"{"kb":"docs","url":" https://x.example/ "}"#).unwrap();
        assert_eq!(url, DocumentInput::Url { kb: "docs".into(), url: "https://x.example/".into() });
        for bad in [
            r#"{"kb":"docs","url":"https://x.example","content":"x"}"#,
            r#"{"kb":"docs","content":"x"}"#,
            r#"{"kb":"docs","title":"t","content":" "}"#,
            r#"{"kb":"docs","title":"t","content":"x","format":"pdf"}"#,
            r#"{"title":"t","content":"x"}"#,
        ] {
            assert!(document_from_json(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn hashes_ignore_surrounding_whitespace_only() {
        assert_eq!(faq_hash(" Pets? ", "Yes.\n"), faq_hash("Pets?", "Yes."));
        assert_ne!(faq_hash("Pets?", "Yes."), faq_hash("Pets?", "No."));
        assert_eq!(content_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
