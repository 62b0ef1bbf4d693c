//! The tool loop as a pure state machine. The Worker sends each request, hands the answer back
//! chunk by chunk and gets the next step: another request (the model called tools, which ran
//! here), the final reply, or a failure it may retry or fall back from. Nothing here waits,
//! so the loop is tested byte for byte on the host.
//!
//! ```text
//! let (mut session, mut request) = Session::new(&settings, &key, &turn, &context, &history);
//! let last = loop {
//!     let response = fetch(&request, settings.timeout_ms).await;   // the glue's only I/O
//!     session.begin(response.status);
//!     for chunk in response.body { publish(session.feed(chunk)) }   // text deltas, as they come
//!     match session.end() {
//!         Next::Request(next) => request = next,
//!         last => break last,   // or resend `request` once on a retryable failure
//!     }
//! };
//! let outcome = session.conclude(last);   // reply, escalation, lead, usage
//! ```

use super::config::{LlmSettings, Provider};
use super::outcome::{self, LlmBrainOutcome};
use super::prompt::{messages, system_prompt, PromptContext, Role};
use super::round::{Message, Prompt, StreamError, ToolResult, Usage};
use super::sse::SseParser;
use super::tools::{definitions, run_tool, Action, ToolDef};
use super::{anthropic, openai};
use crate::brain::Turn;
use crate::http::{classify_failure, HttpRequest, SendOutcome};

/// Model rounds per turn: an answer, and up to two more after tool calls. A caller is waiting.
pub const MAX_ROUNDS: u8 = 3;
/// `max_tokens` when the budget is nearly spent ([`PromptContext::brief`]).
const BRIEF_MAX_TOKENS: u32 = 150;
/// Enough of an error body to name the problem.
const ERROR_BODY_BYTES: usize = 4096;

/// What the Worker does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Send this and feed its answer to the session.
    Request(HttpRequest),
    Done(LlmOutcome),
    /// No answer. `retryable` (429, 5xx, overloaded, a cut stream): resending the same request may
    /// work — the session is ready for it. Otherwise (other 4xx, an empty answer) fall back.
    Failed {
        retryable: bool,
        detail: String,
    },
}

/// The model's answer to the turn.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmOutcome {
    /// The reply to send, never empty.
    pub text: String,
    /// What the tool calls asked for, in call order.
    pub actions: Vec<Action>,
    pub usage: Usage,
    pub stop: Stop,
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    EndTurn,
    /// It hit `max_tokens`: the text may end mid-sentence.
    MaxTokens,
    /// It still wanted tools after [`MAX_ROUNDS`]; the text is the last it wrote.
    MaxRounds,
}

enum Decoder {
    Anthropic(anthropic::Decoder),
    OpenAi(openai::Decoder),
}

/// The answer being read.
struct Reading {
    sse: SseParser,
    decoder: Decoder,
    /// A non-2xx status, with the start of its body.
    refused: Option<(u16, Vec<u8>)>,
}

pub struct Session {
    settings: LlmSettings,
    api_key: String,
    max_tokens: u32,
    system: String,
    tools: Vec<ToolDef>,
    turn: Turn,
    messages: Vec<Message>,
    round: u8,
    usage: Usage,
    actions: Vec<Action>,
    /// The latest text written before a tool call, kept in case no later round writes any.
    earlier_text: Option<String>,
    reading: Reading,
}

impl Session {
    /// A session for one turn and its first request. `api_key` is the secret that
    /// `settings.api_key` names, resolved by the Worker; `history` is the conversation before
    /// this message, oldest first.
    pub fn new(
        settings: &LlmSettings,
        api_key: &str,
        turn: &Turn,
        context: &PromptContext,
        history: &[(Role, String)],
    ) -> (Session, HttpRequest) {
        let max_tokens = if context.brief { settings.max_tokens.min(BRIEF_MAX_TOKENS) } else { settings.max_tokens };
        let session = Session {
            settings: settings.clone(),
            api_key: api_key.to_owned(),
            max_tokens,
            system: system_prompt(turn, context),
            tools: definitions(),
            turn: turn.clone(),
            messages: messages(turn, history),
            round: 1,
            usage: Usage::default(),
            actions: Vec::new(),
            earlier_text: None,
            reading: fresh(settings.provider),
        };
        let request = session.request();
        (session, request)
    }

    /// The answer to the last request has arrived with this HTTP status (also before a resend).
    pub fn begin(&mut self, status: u16) {
        self.reading = fresh(self.settings.provider);
        if !(200..300).contains(&status) {
            self.reading.refused = Some((status, Vec::new()));
        }
    }

    /// The next piece of the body, cut anywhere; returns the reply text it adds, for a live view.
    pub fn feed(&mut self, chunk: impl AsRef<[u8]>) -> Vec<String> {
        let Reading { sse, decoder, refused } = &mut self.reading;
        if let Some((_, body)) = refused {
            let room = ERROR_BODY_BYTES.saturating_sub(body.len());
            body.extend(chunk.as_ref().iter().take(room));
            return Vec::new();
        }
        sse.feed(chunk).iter().filter_map(|event| decoder.event(event)).collect()
    }

    /// The body has ended: runs any tool calls and says what comes next.
    pub fn end(&mut self) -> Next {
        let reading = std::mem::replace(&mut self.reading, fresh(self.settings.provider));
        let Reading { mut sse, mut decoder, refused } = reading;
        if let Some((status, body)) = refused {
            return self.refused(status, &body);
        }
        for event in sse.finish() {
            decoder.event(&event);
        }
        self.usage += decoder.usage();
        let round = match decoder.finish() {
            Ok(round) => round,
            Err(StreamError { retryable, detail }) => return Next::Failed { retryable, detail },
        };
        let text = round.text.trim().to_owned();
        if round.calls.is_empty() {
            let stop = if round.truncated { Stop::MaxTokens } else { Stop::EndTurn };
            return self.done(Some(text).filter(|t| !t.is_empty()), stop);
        }
        let results = round
            .calls
            .iter()
            .map(|call| {
                let outcome = run_tool(&self.turn, call);
                self.actions.extend(outcome.action);
                ToolResult { call_id: call.id.clone(), content: outcome.result_json, is_error: outcome.is_error }
            })
            .collect();
        if !text.is_empty() {
            self.earlier_text = Some(text);
        }
        self.messages.push(Message::ToolUse { text: round.text, calls: round.calls });
        self.messages.push(Message::ToolResults(results));
        if self.round >= MAX_ROUNDS {
            return self.done(None, Stop::MaxRounds);
        }
        self.round += 1;
        Next::Request(self.request())
    }

    /// A whole answer at once: [`Self::begin`], [`Self::feed`] and [`Self::end`].
    pub fn on_response(&mut self, status: u16, body: impl AsRef<[u8]>) -> Next {
        self.begin(status);
        self.feed(body);
        self.end()
    }

    /// Tokens spent so far, failed rounds included: what the tenant's budget is charged.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// The turn's answer from the session's last step: the model's reply, or — when it failed or
    /// was abandoned (a timeout) — the rules brain's, with an `ai_failure` escalation.
    pub fn conclude(self, last: Next) -> LlmBrainOutcome {
        match last {
            Next::Done(answer) => outcome::answered(&self.turn, answer),
            Next::Failed { detail, .. } => outcome::failed(&self.turn, self.actions, self.usage, &detail),
            Next::Request(_) => outcome::failed(&self.turn, self.actions, self.usage, "abandoned mid-session"),
        }
    }

    fn request(&self) -> HttpRequest {
        let prompt = Prompt {
            model: &self.settings.model,
            max_tokens: self.max_tokens,
            system: &self.system,
            messages: &self.messages,
            tools: &self.tools,
        };
        let base = self.settings.base_url();
        match self.settings.provider {
            Provider::Anthropic => anthropic::request(base, &self.api_key, &prompt),
            Provider::OpenAi => openai::request(base, &self.api_key, &prompt),
        }
    }

    fn done(&mut self, text: Option<String>, stop: Stop) -> Next {
        match text.or_else(|| self.earlier_text.take()) {
            Some(text) => {
                Next::Done(LlmOutcome { text, actions: std::mem::take(&mut self.actions), usage: self.usage, stop })
            }
            None => Next::Failed { retryable: false, detail: format!("{} gave an empty answer", self.provider()) },
        }
    }

    /// A non-2xx answer. Both providers send `{"error": {"type", "message"}}` (Anthropic inside
    /// `{"type": "error", …}`); rate limits and server errors (Anthropic's 529 overload
    /// included) may pass, other client errors will not.
    fn refused(&self, status: u16, body: &[u8]) -> Next {
        let body = String::from_utf8_lossy(body);
        let error = serde_json::from_str::<serde_json::Value>(&body).ok().map(|v| v["error"].clone());
        let detail = match error.as_ref().and_then(|e| Some((e["type"].as_str()?, e["message"].as_str()?))) {
            Some((kind, message)) => format!("{} {status} {kind}: {message}", self.provider()),
            None => format!("{} {status}", self.provider()),
        };
        let retryable = matches!(classify_failure(status, String::new()), SendOutcome::Retry(_));
        Next::Failed { retryable, detail }
    }

    fn provider(&self) -> &'static str {
        self.settings.provider.as_str()
    }
}

fn fresh(provider: Provider) -> Reading {
    let decoder = match provider {
        Provider::Anthropic => Decoder::Anthropic(anthropic::Decoder::default()),
        Provider::OpenAi => Decoder::OpenAi(openai::Decoder::default()),
    };
    Reading { sse: SseParser::new(), decoder, refused: None }
}

impl Decoder {
    fn event(&mut self, event: &super::sse::SseEvent) -> Option<String> {
        match self {
            Decoder::Anthropic(d) => d.event(event),
            Decoder::OpenAi(d) => d.event(event),
        }
    }

    fn usage(&self) -> Usage {
        match self {
            Decoder::Anthropic(d) => d.usage(),
            Decoder::OpenAi(d) => d.usage(),
        }
    }

    fn finish(self) -> Result<super::round::Round, StreamError> {
        match self {
            Decoder::Anthropic(d) => d.finish(),
            Decoder::OpenAi(d) => d.finish(),
        }
    }
}
