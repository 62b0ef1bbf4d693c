//! The reply of a call's turn as it is said: each phrase goes out as soon as it is whole
//! (`relay_stream`), the caller's wait is timed, and once they interrupt nothing more is sent.

use crate::platform::time::wall_clock_ms;
use frontdesk_core::channel::twilio::relay::heard_part;
use frontdesk_core::channel::twilio::relay_stream::{text_messages, SpokenStream, TokenWriter};
use std::cell::RefCell;
use worker::WebSocket;

/// Whether a reply is being said right now (the `CallDO` is awake while it is).
#[derive(Debug, Default)]
pub enum Speaking {
    #[default]
    Idle,
    Live,
    /// The caller spoke over it, having heard this much.
    Interrupted(String),
}

/// What was said on a turn.
pub struct Said {
    pub text: String,
    /// What the caller heard of `text`, when they interrupted it.
    pub heard: Option<String>,
    pub first_token_at: Option<u64>,
    pub last_token_at: u64,
}

pub struct Speaker<'a> {
    ws: &'a WebSocket,
    speaking: &'a RefCell<Speaking>,
    stream: SpokenStream,
    writer: TokenWriter,
    said: Vec<String>,
    /// The brain's text came in pieces (a streamed reply): the outcome's copy is not said again.
    pub streamed: bool,
    /// The final token has gone (a whole reply's).
    ended: bool,
    first_token_at: Option<u64>,
}

impl<'a> Speaker<'a> {
    pub fn new(ws: &'a WebSocket, speaking: &'a RefCell<Speaking>) -> Self {
        *speaking.borrow_mut() = Speaking::Live;
        Self {
            ws,
            speaking,
            stream: SpokenStream::default(),
            writer: TokenWriter::default(),
            said: Vec::new(),
            streamed: false,
            ended: false,
            first_token_at: None,
        }
    }

    /// A piece of the reply as the brain writes it.
    pub fn piece(&mut self, piece: &str) {
        self.streamed = true;
        let phrases = self.stream.push(piece);
        self.say(phrases);
    }

    /// A reply that came whole: its final token is marked `last` itself.
    pub fn whole(&mut self, reply: &str) {
        let mut sentences = self.stream.push(reply);
        sentences.extend(self.stream.finish());
        let text = sentences.join(" ");
        for message in text_messages(&text) {
            self.send(&message);
        }
        self.said.extend(sentences);
        self.ended = true;
    }

    /// The reply has ended: the rest is said (unless the caller interrupted) and the speaker
    /// is idle again.
    pub fn finish(mut self) -> Said {
        if !self.interrupted() && !self.ended {
            let rest = self.stream.finish();
            self.say(rest);
            if let Some(last) = self.writer.finish() {
                self.send(&last);
            }
        }
        let text = self.said.join(" ");
        let heard = match std::mem::take(&mut *self.speaking.borrow_mut()) {
            Speaking::Interrupted(utterance) => Some(heard_part(&text, &utterance)),
            _ => None,
        };
        Said { text, heard, first_token_at: self.first_token_at, last_token_at: wall_clock_ms() }
    }

    fn interrupted(&self) -> bool {
        matches!(*self.speaking.borrow(), Speaking::Interrupted(_))
    }

    fn say(&mut self, phrases: Vec<String>) {
        for phrase in phrases {
            if self.interrupted() {
                return;
            }
            for message in self.writer.phrase(&phrase) {
                self.send(&message);
            }
            self.said.push(phrase);
        }
    }

    fn send(&mut self, message: &str) {
        // A socket Twilio closed takes nothing more; the turn is still stored.
        if let Err(e) = self.ws.send_with_str(message) {
            worker::console_warn!("a relay token was not sent: {e}");
        }
        self.first_token_at.get_or_insert_with(wall_clock_ms);
    }
}
