//! CSV imports: listings (`POST /api/v1/listings/import`) and FAQs (`POST /api/v1/kb/faqs`).

use crate::kb::ingest::{faqs_from_csv, faqs_from_json, parse_csv_lines};
use crate::listings::csv::from_csv;

pub const DICT: &[&str] = &[
    ",",
    "\"",
    "\"\"",
    "\r\n",
    "\r",
    "\n",
    "\u{feff}",
    "reference,kind,type,price\n",
    "question,answer,category\n",
    "£1,450",
    "1e400",
    "-5",
    "rent",
    "sale",
    "flat",
    "2026-03-01",
    ";",
    "{\"min_nights\":",
];

/// A CSV body (UTF-8, as the routes insist). Records written back with every field quoted
/// read the same; a listings import names each bad row by a line it has and never imports a
/// reference twice; FAQs come out trimmed and non-empty.
pub fn csv_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(rows) = parse_csv_lines(text) {
        assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "record lines increase");
        let written: String = rows
            .iter()
            .map(|(_, row)| format!("{}\n", row.iter().map(|f| quoted(f)).collect::<Vec<_>>().join(",")))
            .collect();
        let again: Vec<Vec<String>> =
            parse_csv_lines(&written).expect("our own CSV parses").into_iter().map(|(_, r)| r).collect();
        let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
        assert_eq!(again, rows, "rows → CSV → rows");
    }
    if let Ok(import) = from_csv(text) {
        let lines = text.split(['\n', '\r']).count();
        assert!(import.errors.iter().all(|e| e.line >= 2 && e.line <= lines), "a bad row names a line of the file");
        let mut references: Vec<&str> = import.listings.iter().map(|(_, l)| l.reference.as_str()).collect();
        references.sort_unstable();
        assert!(references.windows(2).all(|w| w[0] != w[1]), "a reference imported twice");
    }
    if let Ok(import) = faqs_from_csv("faq", text) {
        assert!(import
            .faqs
            .iter()
            .all(|f| !f.question.is_empty() && f.question == f.question.trim() && !f.answer.is_empty()));
    }
    let _ = faqs_from_json(data);
}

fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}
