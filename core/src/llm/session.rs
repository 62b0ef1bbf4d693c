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
//!         Next::Io(steps) => ... session.resolved(found) ...   // searches and acts, by the glue
//!         last => break last,   // or resend `request` once on a retryable failure
//!     }
//! };
//! let outcome = session.conclude(last);   // reply, escalation, lead, usage
//! ```

use super::act_tools::{self, act_of, act_result};
use super::config::{LlmSettings, Provider};
use super::outcome::{self, LlmBrainOutcome};
use super::prompt::{messages, system_prompt, PromptContext, Role};
use super::round::{Message, Prompt, StreamDecoder, StreamError, ToolResult, Usage};
use super::sse::SseParser;
use super::tools::{
    definitions, run_tool, search_query, search_results, Action, ToolDef, ToolOutcome, GET_BUSINESS_HOURS,
    SEARCH_KNOWLEDGE,
};
use super::{anthropic, openai};
use crate::brain::act::{Act, Done, Outcome, MAX_ACTS};
use crate::brain::Turn;
use crate::http::{classify_failure, HttpRequest, SendOutcome};

/// Model rounds per turn: an answer, and up to two more after tool calls. A caller is waiting.
pub const MAX_ROUNDS: u8 = 3;
/// `max_tokens` when the budget is nearly spent ([`PromptContext::brief`]).
const BRIEF_MAX_TOKENS: u32 = 150;
/// What a draft for staff ([`PromptContext::draft`]) may use: reads. Staff act on the draft
/// themselves, so nothing is booked, escalated or saved on its behalf.
const DRAFT_TOOLS: [&str; 2] = [SEARCH_KNOWLEDGE, GET_BUSINESS_HOURS];

/// Enough of an error body to name the problem.
const ERROR_BODY_BYTES: usize = 4096;

/// What the Worker does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Send this and feed its answer to the session.
    Request(HttpRequest),
    Done(LlmOutcome),
    /// The model asked for I/O — knowledge searches, acts on the listings and the calendar:
    /// carry these out in order and give what each found to [`Session::resolved`], which says
    /// what comes next.
    Io(Vec<Io>),
    /// No answer. `retryable` (429, 5xx, overloaded, a cut stream): resending the same request may
    /// work — the session is ready for it. Otherwise (other 4xx, an empty answer) fall back.
    Failed {
        retryable: bool,
        detail: String,
    },
}

/// One piece of I/O a tool call needs from the glue.
#[derive(Debug, Clone, PartialEq)]
pub enum Io {
    /// A knowledge-base search for this query.
    Search(String),
    /// An act, carried out by the same executor as the rules brain's.
    Act(Act),
}

/// What one [`Io`] found, in the same order.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Passages(Vec<crate::kb::Passage>),
    Acted(Box<Outcome>),
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

/// The answer being read.
struct Reading {
    sse: SseParser,
    decoder: Box<dyn StreamDecoder>,
    /// A non-2xx status, with the start of its body.
    refused: Option<(u16, Vec<u8>)>,
}

pub struct Session {
    settings: LlmSettings,
    api_key: String,
    max_tokens: u32,
    system: String,
    tools: Vec<ToolDef>,
    /// A copilot draft: only [`DRAFT_TOOLS`] run.
    draft: bool,
    turn: Turn,
    messages: Vec<Message>,
    round: u8,
    usage: Usage,
    actions: Vec<Action>,
    /// The latest text written before a tool call, kept in case no later round writes any.
    earlier_text: Option<String>,
    reading: Reading,
    /// A round whose tool calls wait for I/O.
    pending: Option<Pending>,
    /// What the model's acts did this turn, in order.
    done: Done,
}

/// A round's calls with their results so far; `io` names the results still to fill.
struct Pending {
    text: String,
    calls: Vec<super::tools::ToolCall>,
    results: Vec<ToolResult>,
    io: Vec<(usize, Io)>,
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
            tools: definitions()
                .into_iter()
                .chain(act_tools::definitions())
                .filter(|tool| !context.draft || DRAFT_TOOLS.contains(&tool.name))
                .collect(),
            draft: context.draft,
            turn: turn.clone(),
            messages: messages(turn, history),
            round: 1,
            usage: Usage::default(),
            actions: Vec::new(),
            earlier_text: None,
            reading: fresh(settings.provider),
            pending: None,
            done: Done::default(),
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
        let mut io = Vec::new();
        // This message's acts so far, the rules' and the model's: a booking is made once.
        let mut done = Done(self.turn.acts.0.iter().chain(&self.done.0).cloned().collect());
        let results = round
            .calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                let outcome = if self.draft && !DRAFT_TOOLS.contains(&call.name.as_str()) {
                    ToolOutcome::error("not available in a draft: say the team will see to it")
                } else if call.name == SEARCH_KNOWLEDGE {
                    match search_query(call) {
                        Ok(query) => {
                            io.push((i, Io::Search(query)));
                            ToolOutcome { result_json: String::new(), is_error: false, action: None }
                        }
                        Err(refused) => refused,
                    }
                } else if act_tools::NAMES.contains(&call.name.as_str()) {
                    match act_of(&self.turn, &done, call) {
                        Ok(_) if io.len() >= MAX_ACTS => {
                            ToolOutcome::error("too many lookups at once: answer with what you have")
                        }
                        Ok(act) => {
                            // Seen by the next call of this round, so a second booking change
                            // is refused before the first's outcome is back.
                            done.0.push((act.clone(), Outcome::Failed));
                            io.push((i, Io::Act(act)));
                            ToolOutcome { result_json: String::new(), is_error: false, action: None }
                        }
                        Err(refused) => refused,
                    }
                } else {
                    run_tool(&self.turn, call)
                };
                self.actions.extend(outcome.action);
                ToolResult { call_id: call.id.clone(), content: outcome.result_json, is_error: outcome.is_error }
            })
            .collect();
        let pending = Pending { text: round.text, calls: round.calls, results, io };
        if pending.io.is_empty() {
            return self.next_round(pending);
        }
        let steps = pending.io.iter().map(|(_, step)| step.clone()).collect();
        self.pending = Some(pending);
        Next::Io(steps)
    }

    /// What each step of [`Next::Io`] found, in the same order: the model gets them as the
    /// calls' results, and the loop goes on. A step with no answer found nothing.
    pub fn resolved(&mut self, found: Vec<Found>) -> Next {
        let Some(mut pending) = self.pending.take() else {
            return Next::Failed { retryable: false, detail: "I/O results with no I/O pending".into() };
        };
        let mut found = found.into_iter();
        for (at, step) in std::mem::take(&mut pending.io) {
            let result = match (step, found.next()) {
                (Io::Search(_), Some(Found::Passages(passages))) => search_results(&passages),
                (Io::Search(_), _) => search_results(&[]),
                (Io::Act(act), answer) => {
                    let outcome = match answer {
                        Some(Found::Acted(outcome)) => *outcome,
                        _ => Outcome::Failed,
                    };
                    let result = act_result(&self.turn, &act, &outcome);
                    self.done.0.push((act, outcome));
                    result
                }
            };
            pending.results[at].content = result.result_json;
            pending.results[at].is_error = result.is_error;
        }
        self.next_round(pending)
    }

    fn next_round(&mut self, pending: Pending) -> Next {
        let Pending { text, calls, results, .. } = pending;
        let trimmed = text.trim().to_owned();
        if !trimmed.is_empty() {
            self.earlier_text = Some(trimmed);
        }
        self.messages.push(Message::ToolUse { text, calls });
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
    /// The model's acts join the turn's, so the reply — the model's or the fallback's — and
    /// the dialogue state know what was booked or sent.
    pub fn conclude(mut self, last: Next) -> LlmBrainOutcome {
        self.turn.acts.0.append(&mut self.done.0);
        match last {
            Next::Done(answer) => outcome::answered(&self.turn, answer),
            Next::Failed { detail, .. } => outcome::failed(&self.turn, self.actions, self.usage, &detail),
            Next::Request(_) | Next::Io(_) => {
                outcome::failed(&self.turn, self.actions, self.usage, "abandoned mid-session")
            }
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
    let decoder: Box<dyn StreamDecoder> = match provider {
        Provider::Anthropic => Box::<anthropic::Decoder>::default(),
        Provider::OpenAi => Box::<openai::Decoder>::default(),
    };
    Reading { sse: SseParser::new(), decoder, refused: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escalation::Reason;
    use crate::llm::config::tests::anthropic;
    use crate::llm::testing::{cuttings, turn};
    use serde_json::{json, Value};

    const ANTHROPIC_TOOL_USE: &str = include_str!("fixtures/anthropic_tool_use.sse");
    const ANTHROPIC_TEXT: &str = include_str!("fixtures/anthropic_text.sse");
    const OPENAI_TOOL_CALLS: &str = include_str!("fixtures/openai_tool_calls.sse");
    const OPENAI_TEXT: &str = include_str!("fixtures/openai_text.sse");
    const FINAL_TEXT: &str =
        "Help is on the way. If it is safe, turn the water off at the stopcock and keep clear of the ceiling.";

    fn openai() -> LlmSettings {
        LlmSettings { provider: Provider::OpenAi, model: "gpt-4o-mini".into(), ..anthropic() }
    }

    fn start(settings: &LlmSettings) -> (Session, HttpRequest) {
        Session::new(settings, "sk-test", &turn("Water is pouring through my ceiling!"), &PromptContext::default(), &[])
    }

    fn body(request: &HttpRequest) -> Value {
        serde_json::from_str(&request.body).unwrap()
    }

    /// Feeds one answer in the given pieces; returns the next step and the text deltas.
    fn answer(session: &mut Session, status: u16, pieces: &[&[u8]]) -> (Next, String) {
        session.begin(status);
        let deltas: String = pieces.iter().flat_map(|p| session.feed(p)).collect();
        (session.end(), deltas)
    }

    /// A minimal Anthropic stream: optional text, optional tool call.
    fn anthropic_stream(text: &str, tool: Option<(&str, &str)>) -> String {
        let mut s =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,\
                     \"output_tokens\":1}}}\n\n"
                .to_owned();
        if !text.is_empty() {
            let start =
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": text}});
            s += &format!("event: content_block_start\ndata: {start}\n\n");
            s += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";
        }
        if let Some((name, input)) = tool {
            let block = json!({"type": "tool_use", "id": "toolu_x", "name": name, "input": {}});
            let start = json!({"type": "content_block_start", "index": 1, "content_block": block});
            let delta = json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": input}});
            s += &format!("event: content_block_start\ndata: {start}\n\nevent: content_block_delta\ndata: {delta}\n\n");
            s += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n";
        }
        let stop = if tool.is_some() { "tool_use" } else { "end_turn" };
        s + &format!(
            "event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"{stop}\"}},\"usage\":{{\"output_tokens\":5}}}}\n\n\
             event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
        )
    }

    #[test]
    fn a_draft_only_reads_and_books_nothing() {
        let draft = PromptContext { draft: true, ..Default::default() };
        let (mut session, request) = Session::new(&anthropic(), "k", &turn("Can I view it tomorrow?"), &draft, &[]);
        let offered: Vec<String> =
            body(&request)["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().into()).collect();
        assert_eq!(offered, ["get_business_hours", "search_knowledge"]);
        assert!(body(&request)["system"].to_string().contains("# Drafting for staff"));
        for (tool, input) in [
            ("book", r#"{"kind":"viewing","start":"2026-11-24T11:30:00+00:00"}"#),
            ("escalate_to_human", r#"{"reason":"complaint","summary":"x"}"#),
        ] {
            let Next::Request(next) = session.on_response(200, anthropic_stream("", Some((tool, input)))) else {
                panic!("{tool}: no I/O, the model is told")
            };
            let sent = body(&next);
            let refused = &sent["messages"].as_array().unwrap().last().unwrap()["content"][0];
            assert_eq!(refused["is_error"], true, "{tool}");
        }
        let Next::Done(answer) = session.on_response(200, anthropic_stream("The team will confirm a time.", None))
        else {
            panic!()
        };
        assert!(answer.actions.is_empty(), "nothing escalated on the draft's behalf");
    }

    #[test]
    fn acts_go_out_as_io_steps_and_a_booking_reaches_the_reply_and_the_dialogue() {
        use crate::booking::{Booking, Kind};
        let mut t = turn("Can I view the flat on Elm Road tomorrow at 11:30?");
        t.dialogue.listing =
            Some(crate::dialogue::ListingRef { id: "lst_elm".into(), label: "the flat on Elm Road".into() });
        let (mut session, _) = Session::new(&anthropic(), "k", &t, &PromptContext::default(), &[]);
        let book = anthropic_stream("", Some(("book", r#"{"kind":"viewing","start":"2026-11-24T11:30:00+00:00"}"#)));
        let Next::Io(steps) = session.on_response(200, book) else { panic!() };
        let [Io::Act(Act::Book { kind: Kind::Viewing, listing_id: Some(listing), start_ms })] = steps.as_slice() else {
            panic!("{steps:?}")
        };
        assert_eq!(listing, "lst_elm", "the listing in focus");
        let booked = Booking::sample(
            "bkg_1",
            Kind::Viewing,
            "lst_elm",
            crate::booking::rfc3339(*start_ms, 0),
            crate::booking::rfc3339(start_ms + 1_800_000, 0),
        );
        let Next::Request(next) = session.resolved(vec![Found::Acted(Box::new(Outcome::Booked(booked)))]) else {
            panic!()
        };
        let result = body(&next)["messages"][2]["content"][0]["content"].as_str().unwrap().to_owned();
        assert!(result.contains("\"id\":\"bkg_1\"") && result.contains("Booked: your viewing"), "{result}");
        // Booking again in the same message is refused to the model, without any I/O.
        let again = anthropic_stream("", Some(("book", r#"{"kind":"viewing","start":"2026-11-24T15:00:00+00:00"}"#)));
        let Next::Request(next) = session.on_response(200, again) else { panic!() };
        let refused = &body(&next)["messages"][4]["content"][0];
        assert_eq!(refused["is_error"], true);
        let last = session.on_response(200, anthropic_stream("Booked for 11:30 tomorrow!", None));
        let outcome = session.conclude(last);
        let dialogue = outcome.reply.dialogue.expect("the acts left a booking to remember");
        assert_eq!(dialogue.booking.map(|b| b.id).as_deref(), Some("bkg_1"), "so 'cancel it' knows which");
    }

    #[test]
    fn a_knowledge_search_goes_out_as_a_step_and_its_passages_come_back_as_the_tool_result() {
        let (mut session, _) = start(&anthropic());
        let call = anthropic_stream("Let me check.", Some((SEARCH_KNOWLEDGE, "{\"query\": \"can I bring my dog\"}")));
        let (next, _) = answer(&mut session, 200, &[call.as_bytes()]);
        assert_eq!(next, Next::Io(vec![Io::Search("can I bring my dog".into())]));
        let Next::Request(second) =
            session.resolved(vec![Found::Passages(crate::brain::simulate::demo_faq()[1..2].to_vec())])
        else {
            panic!("the loop goes on after the search")
        };
        let sent = body(&second);
        let result = &sent["messages"][2]["content"][0];
        assert_eq!(result["type"], "tool_result");
        let content = result["content"].as_str().unwrap();
        assert!(content.contains("kbc_pets") && content.contains("small dog"), "{content}");
        let (done, _) =
            answer(&mut session, 200, &[anthropic_stream("Yes, small dogs by agreement.", None).as_bytes()]);
        assert!(matches!(done, Next::Done(ref o) if o.text == "Yes, small dogs by agreement."), "{done:?}");
        // A search that finds nothing tells the model to say it will check.
        let (mut empty, _) = start(&anthropic());
        answer(&mut empty, 200, &[call.as_bytes()]);
        let Next::Request(next) = empty.resolved(vec![Found::Passages(vec![])]) else { panic!() };
        assert!(body(&next)["messages"][2]["content"][0]["content"].as_str().unwrap().contains("check with the team"));
        // A call without a query is refused to the model, and no search is asked for.
        let (mut bad, _) = start(&anthropic());
        let no_query = anthropic_stream("", Some((SEARCH_KNOWLEDGE, "{}")));
        assert!(matches!(answer(&mut bad, 200, &[no_query.as_bytes()]).0, Next::Request(_)));
    }

    #[test]
    fn anthropic_tool_loop_escalates_then_answers_however_the_body_is_cut() {
        let cuts_tool = cuttings(ANTHROPIC_TOOL_USE.as_bytes());
        let cuts_text = cuttings(ANTHROPIC_TEXT.as_bytes());
        for (tool_pieces, text_pieces) in cuts_tool.iter().zip(&cuts_text) {
            let (mut session, first) = start(&anthropic());
            assert_eq!(first.url, "https://api.anthropic.com/v1/messages");
            let sent = body(&first);
            assert_eq!(sent["messages"], json!([{"role": "user", "content": "Water is pouring through my ceiling!"}]));
            assert!(sent["system"].as_str().unwrap().contains("Maple & Pine Lettings"));
            assert_eq!(sent["max_tokens"], 400);

            let (next, deltas) = answer(&mut session, 200, tool_pieces);
            assert_eq!(deltas, "I'm sorry — I'm alerting our on-call team now.");
            let Next::Request(second) = next else { panic!("{next:?}") };
            let sent = body(&second);
            assert_eq!(sent["messages"][1]["content"][1]["id"], "toolu_fake_0002");
            assert_eq!(sent["messages"][1]["content"][1]["input"]["reason"], "emergency");
            let result = &sent["messages"][2]["content"][0];
            assert_eq!(
                (result["type"].as_str(), result["tool_use_id"].as_str()),
                (Some("tool_result"), Some("toolu_fake_0002"))
            );
            assert_eq!(result["is_error"], false);
            assert_eq!(session.usage(), Usage { input_tokens: 812, output_tokens: 64 });

            let (next, deltas) = answer(&mut session, 200, text_pieces);
            assert_eq!(deltas, FINAL_TEXT);
            let Next::Done(outcome) = next else { panic!("{next:?}") };
            assert_eq!((outcome.text.as_str(), outcome.stop), (FINAL_TEXT, Stop::EndTurn));
            assert_eq!(outcome.usage, Usage { input_tokens: 812 + 905, output_tokens: 64 + 31 }, "summed over rounds");
            let [Action::Escalate(escalation)] = outcome.actions.as_slice() else { panic!("{:?}", outcome.actions) };
            assert_eq!(escalation.reason, Reason::Emergency);
        }
    }

    #[test]
    fn openai_tool_loop_escalates_then_answers() {
        let (mut session, first) = start(&openai());
        assert_eq!(first.url, "https://api.openai.com/v1/chat/completions");
        assert_eq!(body(&first)["messages"][0]["role"], "system");
        let Next::Request(second) = session.on_response(200, OPENAI_TOOL_CALLS) else { panic!() };
        let sent = body(&second);
        assert_eq!(sent["messages"][2]["tool_calls"][0]["id"], "call_fake_0005");
        assert_eq!(sent["messages"][3]["role"], "tool");
        assert_eq!(sent["messages"][3]["tool_call_id"], "call_fake_0005");
        let Next::Done(outcome) = session.on_response(200, OPENAI_TEXT.as_bytes()) else { panic!() };
        assert_eq!(outcome.text, FINAL_TEXT);
        assert_eq!(outcome.usage, Usage { input_tokens: 1717, output_tokens: 95 });
        assert_eq!(outcome.actions.len(), 1);
    }

    #[test]
    fn overloads_rate_limits_and_server_errors_may_be_retried_client_errors_not() {
        let overloaded = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        for (status, retryable) in
            [(529, true), (500, true), (503, true), (429, true), (401, false), (400, false), (404, false)]
        {
            let (mut session, _) = start(&anthropic());
            let Next::Failed { retryable: r, detail } = session.on_response(status, overloaded) else { panic!() };
            assert_eq!(r, retryable, "{status}");
            assert_eq!(detail, format!("anthropic {status} overloaded_error: Overloaded"));
        }
        let (mut session, _) = start(&openai());
        let Next::Failed { retryable, detail } = session.on_response(401, "<html>nope</html>") else { panic!() };
        assert_eq!((retryable, detail.as_str()), (false, "openai 401"));
        // The session is unchanged by a failure: resending the same request continues the turn.
        assert!(matches!(session.on_response(200, OPENAI_TOOL_CALLS), Next::Request(_)));
    }

    #[test]
    fn an_error_event_mid_stream_fails_retryably_and_its_tokens_still_count() {
        let (mut session, _) = start(&anthropic());
        let stream =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":300,\
                      \"output_tokens\":1}}}\n\nevent: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \
                      \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";
        let next = session.on_response(200, stream);
        assert_eq!(next, Next::Failed { retryable: true, detail: "anthropic overloaded_error: Overloaded".into() });
        assert_eq!(session.usage().input_tokens, 300);
    }

    #[test]
    fn stops_after_three_rounds_with_what_it_has() {
        let (mut session, _) = start(&anthropic());
        assert!(matches!(session.on_response(200, ANTHROPIC_TOOL_USE), Next::Request(_)));
        assert!(matches!(session.on_response(200, ANTHROPIC_TOOL_USE), Next::Request(_)));
        let Next::Done(outcome) = session.on_response(200, ANTHROPIC_TOOL_USE) else { panic!() };
        assert_eq!(
            (outcome.text.as_str(), outcome.stop),
            ("I'm sorry — I'm alerting our on-call team now.", Stop::MaxRounds)
        );
        assert_eq!(outcome.actions.len(), 3, "the last round's tools still ran");
        assert_eq!(outcome.usage.input_tokens, 3 * 812);

        let hours = anthropic_stream("", Some(("get_business_hours", "{}")));
        let (mut session, _) = start(&anthropic());
        for _ in 0..2 {
            assert!(matches!(session.on_response(200, &hours), Next::Request(_)));
        }
        let next = session.on_response(200, &hours);
        assert_eq!(next, Next::Failed { retryable: false, detail: "anthropic gave an empty answer".into() });
    }

    #[test]
    fn an_empty_answer_fails_and_text_said_before_a_tool_call_is_kept() {
        let (mut session, _) = start(&anthropic());
        assert!(matches!(
            session.on_response(200, anthropic_stream("  ", None)),
            Next::Failed { retryable: false, .. }
        ));

        let (mut session, _) = start(&anthropic());
        let first = anthropic_stream("We open at 9.", Some(("get_business_hours", "")));
        let Next::Request(second) = session.on_response(200, first) else { panic!() };
        assert_eq!(body(&second)["messages"][1]["content"][1]["input"], json!({}), "empty input JSON is `{{}}`");
        let Next::Done(outcome) = session.on_response(200, anthropic_stream("", None)) else { panic!() };
        assert_eq!(outcome.text, "We open at 9.");
    }

    #[test]
    fn a_nearly_spent_budget_asks_for_fewer_tokens_and_a_bad_tool_call_is_answered_not_fatal() {
        let t = turn("hi");
        let (_, request) =
            Session::new(&anthropic(), "k", &t, &PromptContext { brief: true, ..Default::default() }, &[]);
        assert_eq!(body(&request)["max_tokens"], 150);
        assert!(body(&request)["system"].as_str().unwrap().contains("Be especially brief"));
        let small = LlmSettings { max_tokens: 100, ..anthropic() };
        let (mut session, request) =
            Session::new(&small, "k", &t, &PromptContext { brief: true, ..Default::default() }, &[]);
        assert_eq!(body(&request)["max_tokens"], 100);

        let Next::Request(next) = session.on_response(200, anthropic_stream("", Some(("book_it", "{\"when\":"))))
        else {
            panic!()
        };
        let result = &body(&next)["messages"][2]["content"][0];
        assert_eq!(result["is_error"], true);
        assert!(result["content"].as_str().unwrap().contains("not valid JSON"), "{result}");
    }

    #[test]
    fn conclude_turns_the_last_step_into_the_turns_reply() {
        let (mut session, _) = start(&anthropic());
        session.on_response(200, ANTHROPIC_TOOL_USE);
        let last = session.on_response(200, ANTHROPIC_TEXT);
        let outcome = session.conclude(last);
        assert_eq!(outcome.reply.text.as_deref(), Some(FINAL_TEXT));
        assert_eq!(outcome.reply.escalation.as_ref().map(|e| e.reason), Some(Reason::Emergency));
        assert_eq!(outcome.reply.escalation.unwrap().summary, "Water pouring through the ceiling at 14 Elm Rd");
        assert_eq!((outcome.usage.total(), outcome.fallback), (1812, None));

        let (mut session, _) = start(&anthropic());
        let last = session.on_response(500, "");
        let outcome = session.conclude(last);
        assert_eq!(outcome.fallback.as_deref(), Some("anthropic 500"));
        assert!(outcome.reply.text.unwrap().contains("on-call team"), "the rules brain's emergency answer");
        assert_eq!(
            outcome.reply.escalation.unwrap().reason,
            Reason::Emergency,
            "not an ai_failure: the rules escalate"
        );

        let (session, _) = Session::new(&anthropic(), "k", &turn("hello"), &PromptContext::default(), &[]);
        let timed_out = Next::Failed { retryable: true, detail: "timed out after 8000 ms".into() };
        let outcome = session.conclude(timed_out);
        let escalation = outcome.reply.escalation.unwrap();
        assert_eq!(escalation.reason, Reason::AiFailure);
        assert!(escalation.detail.contains("timed out after 8000 ms"), "{}", escalation.detail);
    }
}
