//! The reply of a call's turn as it is said: each phrase goes out as soon as it is whole
//! (`relay_stream`), the caller's wait is timed, and once they interrupt nothing more is sent.

use crate::platform::time::wall_clock_ms;
use frontdesk_core::brain::understand::Language;
use frontdesk_core::channel::twilio::relay::{heard_part, language_message};
use frontdesk_core::channel::twilio::relay_stream::{text_messages, TokenWriter};
use frontdesk_core::voice::speech::{self, SpokenStream};
use frontdesk_core::voice::VoiceSettings;
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
    /// The language tag the call was switched to before this reply.
    pub switched: Option<String>,
    pub first_token_at: Option<u64>,
    pub last_token_at: u64,
}

/// How the turn is said: the tenant's voice settings, the reply's language, and the `language`
/// message to send before the first token when the call switches to it.
pub struct Voice<'a> {
    pub settings: &'a VoiceSettings,
    pub language: Language,
    pub switch: Option<String>,
}

pub struct Speaker<'a> {
    ws: &'a WebSocket,
    speaking: &'a RefCell<Speaking>,
    voice: Voice<'a>,
    stream: SpokenStream,
    writer: TokenWriter,
    said: Vec<String>,
    /// The brain's text came in pieces (a streamed reply).
    streamed: bool,
    /// The final token has gone (a whole reply's).
    ended: bool,
    first_token_at: Option<u64>,
}

impl<'a> Speaker<'a> {
    pub fn new(ws: &'a WebSocket, speaking: &'a RefCell<Speaking>, voice: Voice<'a>) -> Self {
        *speaking.borrow_mut() = Speaking::Live;
        let stream = SpokenStream::keeping_together(voice.settings.pronunciations.iter().map(|p| p.say.as_str()));
        Self {
            ws,
            speaking,
            voice,
            stream,
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

    /// Whether the reply has been (or is being) said: the outcome's copy is then not said again.
    pub fn has_spoken(&self) -> bool {
        self.streamed || self.ended
    }

    /// A reply that came whole: its final token is marked `last` itself.
    pub fn whole(&mut self, reply: &str) {
        let said = speech::say(reply, self.voice.settings, self.voice.language);
        for message in text_messages(&said) {
            self.send(&message);
        }
        self.said.push(said);
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
        // The call now speaks the language it was switched to, if anything was said in it.
        let switched = self.first_token_at.and(self.voice.switch.take());
        Said { text, heard, switched, first_token_at: self.first_token_at, last_token_at: wall_clock_ms() }
    }

    fn interrupted(&self) -> bool {
        matches!(*self.speaking.borrow(), Speaking::Interrupted(_))
    }

    fn say(&mut self, phrases: Vec<String>) {
        for phrase in phrases {
            if self.interrupted() {
                return;
            }
            let phrase = speech::phrase(&phrase, self.voice.settings, self.voice.language);
            for message in self.writer.phrase(&phrase) {
                self.send(&message);
            }
            self.said.push(phrase);
        }
    }

    fn send(&mut self, message: &str) {
        if self.first_token_at.is_none() {
            if let Some(tag) = &self.voice.switch {
                self.send_raw(&language_message(tag));
            }
        }
        self.send_raw(message);
        self.first_token_at.get_or_insert_with(wall_clock_ms);
    }

    fn send_raw(&self, message: &str) {
        // A socket Twilio closed takes nothing more; the turn is still stored.
        if let Err(e) = self.ws.send_with_str(message) {
            worker::console_warn!("a relay message was not sent: {e}");
        }
    }
}
