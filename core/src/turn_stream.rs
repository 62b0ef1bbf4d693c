//! A turn answered while it is written: the `ConversationDO` streams the reply's text as the
//! brain produces it (an LLM's tokens), then the turn's outcome, as JSON lines. A phone call
//! speaks each sentence as soon as it is whole instead of waiting for the whole reply.

use crate::inbound::TurnOutcome;
use serde::{Deserialize, Serialize};

/// One line of a streamed turn: `{"text":"…"}` pieces of the reply (or one `{"whole":"…"}`, a
/// reply known at once, as the rules brain writes it), then one `{"outcome":…}` (or
/// `{"error":"…"}` when the turn could not be answered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnLine {
    Text(String),
    Whole(String),
    Outcome(TurnOutcome),
    Error(String),
}

impl TurnLine {
    pub fn encode(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).unwrap_or_else(|_| br#"{"error":"unencodable line"}"#.to_vec());
        line.push(b'\n');
        line
    }
}

/// Lines out of a body that arrives in chunks cut anywhere (even inside a UTF-8 character).
#[derive(Debug, Default)]
pub struct LineReader {
    buf: Vec<u8>,
}

impl LineReader {
    /// The lines `chunk` completes; an unreadable line is an `Err` naming it.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Result<TurnLine, String>> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            let line = &line[..line.len() - 1];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            out.push(serde_json::from_slice(line).map_err(|e| format!("unreadable turn line: {e}")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cut_anywhere_come_out_whole() {
        let outcome =
            TurnOutcome { reply: Some("Yes — £1,450.".into()), reply_id: Some("msg_1".into()), events: vec![] };
        let body: Vec<u8> =
            [TurnLine::Text("Yes — ".into()), TurnLine::Whole("£1,450.".into()), TurnLine::Outcome(outcome.clone())]
                .iter()
                .flat_map(TurnLine::encode)
                .collect();
        let mut reader = LineReader::default();
        let lines: Vec<TurnLine> = body.chunks(3).flat_map(|c| reader.feed(c)).map(Result::unwrap).collect();
        assert_eq!(
            lines,
            vec![TurnLine::Text("Yes — ".into()), TurnLine::Whole("£1,450.".into()), TurnLine::Outcome(outcome)]
        );
    }

    #[test]
    fn a_bad_line_is_named_and_the_next_still_read() {
        let mut reader = LineReader::default();
        let lines = reader.feed(b"not json\n\n{\"error\":\"storage: down\"}\n");
        assert!(lines[0].as_ref().unwrap_err().starts_with("unreadable turn line"));
        assert_eq!(lines[1], Ok(TurnLine::Error("storage: down".into())));
        assert_eq!(lines.len(), 2);
    }
}
