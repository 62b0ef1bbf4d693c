//! `understand`: the rules brain's NLU over JSON lines, for evaluation and debugging.
//!
//! Reads one JSON object per stdin line — `{"utterance", "system_before"?, "tenant_template"?,
//! "today"?: "YYYY-MM-DD"}` — and prints one JSON line per input line:
//! `{"intent","slots","language","urgency","emergency"}`, or `{"error": "..."}` for a line
//! that cannot be read (the stream continues). Blank lines are echoed as errors too, so output
//! line N always answers input line N.
//!
//! `today` defaults to the machine's current UTC date (core has no clock; only this binary
//! reads one). Pass `today` explicitly for reproducible output.

use frontdesk_core::brain::understand::{understand, CivilDate, Input};
use serde::Deserialize;
use std::io::{self, BufRead, BufWriter, Write};

#[derive(Deserialize)]
struct Line {
    utterance: String,
    #[serde(default)]
    system_before: Option<String>,
    #[serde(default)]
    tenant_template: Option<String>,
    #[serde(default)]
    today: Option<String>,
}

fn utc_today() -> CivilDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CivilDate::from_days((secs / 86_400) as i64)
}

fn answer(line: &str, default_today: CivilDate) -> Result<String, String> {
    let parsed: Line = serde_json::from_str(line).map_err(|e| format!("invalid input line: {e}"))?;
    let today = match parsed.today.as_deref() {
        Some(s) => s.parse::<CivilDate>().map_err(|e| format!("invalid today {s:?}: {e}"))?,
        None => default_today,
    };
    let input = Input {
        utterance: &parsed.utterance,
        system_before: parsed.system_before.as_deref().filter(|s| !s.is_empty()),
        tenant_template: parsed.tenant_template.as_deref(),
        today,
    };
    serde_json::to_string(&understand(&input)).map_err(|e| format!("cannot encode: {e}"))
}

fn main() {
    let default_today = utc_today();
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let text = match line {
            Ok(l) => answer(&l, default_today),
            Err(e) => Err(format!("unreadable line: {e}")),
        };
        let printed = match text {
            Ok(json) => json,
            Err(error) => serde_json::json!({ "error": error }).to_string(),
        };
        if writeln!(out, "{printed}").is_err() {
            return; // stdout closed: nothing left to do
        }
    }
    let _ = out.flush();
}
