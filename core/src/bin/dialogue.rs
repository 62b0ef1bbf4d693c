//! `dialogue`: SGD dialogues (JSON lines, one user turn per line) replayed through the rules
//! brain in memory, as `brain::simulate::Chat` runs them — the quick look before the webhook
//! benchmark. Homes_* dialogues talk to the demo letting agent, Hotels_* to the demo holiday
//! let (their seeded settings); other services are skipped. Prints one JSON line per reply:
//! `{"dialogue","turn","user","user_acts","slots","reply"}` for `bench/score_dialogue.py`.
//!
//! usage: dialogue SPLIT_JSONL... > replies.jsonl

use frontdesk_core::brain::simulate::Chat;
use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::tenant::{LocalTime, Settings};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, Write};

#[derive(Deserialize)]
struct Line {
    dialogue_id: String,
    turn: u32,
    service: String,
    utterance: String,
    #[serde(default)]
    user_acts: Vec<String>,
    #[serde(default)]
    slots: Vec<serde_json::Value>,
}

/// The demo tenants' settings as `seed/dev.sql` has them (the parts the brain reads).
fn demo(service: &str) -> Option<Settings> {
    let settings = match service.split('_').next()? {
        "Homes" => json!({
            "hours": {"mon":["09:00","18:00"],"tue":["09:00","18:00"],"wed":["09:00","18:00"],"thu":["09:00","18:00"],
                      "fri":["09:00","17:30"],"sat":["10:00","14:00"]},
            "next_step": "Reply with the property you are interested in and a good time for a viewing, and we will confirm it.",
            "address": "14 Elm Road, Bristol BS1 4QA", "template": "letting_agent"}),
        "Hotels" => json!({
            "hours": {"mon":["08:00","20:00"],"tue":["08:00","20:00"],"wed":["08:00","20:00"],"thu":["08:00","20:00"],
                      "fri":["08:00","20:00"],"sat":["09:00","17:00"],"sun":["09:00","17:00"]},
            "next_step": "Tell us your dates and party size and we will check availability.",
            "template": "vacation_rental"}),
        _ => return None,
    };
    serde_json::from_value(settings).ok()
}

fn main() -> io::Result<()> {
    let mut dialogues: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    for path in std::env::args().skip(1) {
        for line in io::BufReader::new(std::fs::File::open(&path)?).lines() {
            let line: Line = serde_json::from_str(&line?).map_err(io::Error::other)?;
            dialogues.entry(format!("{path}:{}", line.dialogue_id)).or_default().push(line);
        }
    }
    // A Monday at 10:00: open, so replies are the daytime ones.
    let at = LocalTime { date: CivilDate::new(2026, 11, 30).expect("a date"), minute_of_day: 600 };
    let mut out = BufWriter::new(io::stdout().lock());
    for (_, mut turns) in dialogues {
        turns.sort_by_key(|t| t.turn);
        let Some(settings) = turns.first().and_then(|t| demo(&t.service)) else { continue };
        let mut chat = Chat::new(settings, at);
        if turns.first().is_some_and(|t| t.service.starts_with("Hotels")) {
            chat.business_name = "Harbour View Holiday Lets".into();
        }
        for t in turns {
            let reply = chat.say(&t.utterance).text.unwrap_or_default();
            let line = json!({"dialogue": t.dialogue_id, "turn": t.turn, "user": t.utterance,
                              "user_acts": t.user_acts, "slots": t.slots, "reply": reply});
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
