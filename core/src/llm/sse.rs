//! An incremental Server-Sent Events parser (the WHATWG `text/event-stream` rules), so the Worker
//! can hand over the HTTP body chunk by chunk as it arrives — split anywhere, even inside a UTF-8
//! character or between a CR and its LF.

/// One dispatched event: its `event:` name (if any) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// The bytes of a UTF-8 character cut by the end of the last chunk.
    partial_char: Vec<u8>,
    /// The current, unterminated line.
    line: String,
    /// The last chunk ended with CR: a LF opening the next one belongs to the same line break.
    after_cr: bool,
    started: bool,
    event: Option<String>,
    data: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the next piece of the body; returns the events it completes.
    pub fn feed(&mut self, chunk: impl AsRef<[u8]>) -> Vec<SseEvent> {
        let text = self.decode(chunk.as_ref());
        let mut events = Vec::new();
        self.read(&text, &mut events);
        events
    }

    /// The body has ended: completes a last event the server did not close with a blank line
    /// (the standard drops it; some OpenAI-compatible servers end that way, so we keep it).
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if !self.partial_char.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.partial_char)).into_owned();
            self.read(&rest, &mut events);
        }
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.field(&line, &mut events);
        }
        self.dispatch(&mut events);
        *self = Self::default();
        events
    }

    /// Decodes what is complete of `chunk`, keeping a cut character for the next chunk and
    /// replacing invalid bytes (as a browser's `EventSource` does).
    fn decode(&mut self, chunk: &[u8]) -> String {
        let mut bytes = std::mem::take(&mut self.partial_char);
        bytes.extend_from_slice(chunk);
        let mut text = String::with_capacity(bytes.len());
        let mut rest = bytes.as_slice();
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[bad..];
                        }
                        None => {
                            self.partial_char = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        text
    }

    fn read(&mut self, mut text: &str, events: &mut Vec<SseEvent>) {
        if !self.started && !text.is_empty() {
            self.started = true;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if self.after_cr && !text.is_empty() {
            self.after_cr = false;
            text = text.strip_prefix('\n').unwrap_or(text);
        }
        while let Some(end) = text.find(['\r', '\n']) {
            self.line.push_str(&text[..end]);
            let line = std::mem::take(&mut self.line);
            self.field(&line, events);
            let crlf = text[end..].starts_with("\r\n");
            if text[end..].starts_with('\r') && end + 1 == text.len() {
                self.after_cr = true;
            }
            text = &text[end + if crlf { 2 } else { 1 }..];
        }
        self.line.push_str(text);
    }

    fn field(&mut self, line: &str, events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            return self.dispatch(events);
        }
        if line.starts_with(':') {
            return; // a comment (keep-alive)
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match name {
            "event" => self.event = (!value.is_empty()).then(|| value.to_owned()),
            "data" => {
                let data = self.data.get_or_insert_with(String::new);
                data.push_str(value);
                data.push('\n');
            }
            _ => {} // id, retry and unknown fields do not matter to a one-shot response
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if let Some(mut data) = self.data.take() {
            data.pop(); // the `\n` after the last line
            events.push(SseEvent { event, data });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(str::to_owned), data: data.to_owned() }
    }

    fn whole(body: &[u8]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out = p.feed(body);
        out.extend(p.finish());
        out
    }

    fn byte_by_byte(body: &[u8]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out: Vec<SseEvent> = body.iter().flat_map(|b| p.feed([*b])).collect();
        out.extend(p.finish());
        out
    }

    #[test]
    fn events_names_multi_line_data_and_comments() {
        let body = ": keep-alive\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\ndata: line one\ndata:line two\ndata\n\n\
                    id: 7\nretry: 10\ndata: last\n\n";
        let expected =
            vec![ev(Some("ping"), "{\"type\": \"ping\"}"), ev(None, "line one\nline two\n"), ev(None, "last")];
        assert_eq!(whole(body.as_bytes()), expected);
        assert_eq!(byte_by_byte(body.as_bytes()), expected);
    }

    #[test]
    fn crlf_and_lone_cr_line_ends_even_when_split_between_cr_and_lf() {
        let body = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r";
        let expected = vec![ev(Some("a"), "1"), ev(Some("b"), "2")];
        assert_eq!(whole(body.as_bytes()), expected);
        assert_eq!(byte_by_byte(body.as_bytes()), expected);
        let mut p = SseParser::new();
        assert!(p.feed("data: x\r").is_empty());
        assert_eq!(p.feed("\n\r"), vec![ev(None, "x")], "CR|LF across chunks is one line end");
        assert_eq!(p.feed("\ndata: y\n\n"), vec![ev(None, "y")]);
    }

    #[test]
    fn utf8_characters_cut_between_chunks_survive_and_a_bom_is_dropped() {
        let body = "\u{feff}data: Olá, café ☕ 👋\n\n".as_bytes();
        assert_eq!(byte_by_byte(body), vec![ev(None, "Olá, café ☕ 👋")]);
        assert_eq!(whole(b"data: \xff ok\n\n"), vec![ev(None, "\u{fffd} ok")], "invalid bytes are replaced");
    }

    #[test]
    fn finish_completes_an_unterminated_last_event_and_drops_events_without_data() {
        assert_eq!(whole(b"data: [DONE]"), vec![ev(None, "[DONE]")]);
        assert_eq!(whole(b"event: lonely\n\n: comment only\n\n"), vec![]);
        let mut p = SseParser::new();
        assert!(p.feed("data: {\"a\":").is_empty());
        assert_eq!(p.feed("1}\n\n"), vec![ev(None, "{\"a\":1}")]);
        assert!(p.finish().is_empty());
    }
}
