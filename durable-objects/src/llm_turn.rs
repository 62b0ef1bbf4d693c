//! An LLM brain's turn (and the copilot's draft), as glue: the pure session (core `llm::Session`) decides every request
//! and reads every answer; this only sends them, streams the bodies in, bounds each round by the
//! tenant's timeout and retries a retryable failure once. Whatever happens it returns an
//! outcome — the rules brain's answer plus an `ai_failure` escalation when the model failed —
//! so the caller always has a reply to store.

use crate::platform::acts;
use crate::platform::d1::database;
use crate::platform::http::{self, Part};
use crate::platform::kb::{self, SearchQuery};
use crate::platform::time::wall_clock_ms;
use crate::protocol::LiveText;
use frontdesk_core::brain::act::Outcome;
use frontdesk_core::brain::Turn;
use frontdesk_core::http::HttpRequest;
use frontdesk_core::inbound::{Delivery, InboundTurn};
use frontdesk_core::llm::{
    budget_mode, BudgetMode, Found, Io, LlmBrainOutcome, LlmSettings, Next, PromptContext, Role, Session,
};
use std::time::Duration;
use worker::{Delay, Env};

/// Whose I/O the model's tool calls are: the tenant's knowledge, and on a conversation's turn
/// the contact whose message it answers (the acts are theirs). A copilot draft has no acts:
/// core refuses them to the model before they reach here.
struct ForWhom<'a> {
    tenant_id: &'a str,
    acts: Option<(&'a InboundTurn, Option<String>)>,
}

/// What the model's tool calls found, in order: knowledge searches (a failed one is an empty
/// list: the model is told nothing answers and says it will check with the team) and acts,
/// carried out by the rules brain's executor for the contact who wrote.
async fn resolve(env: &Env, whom: &mut ForWhom<'_>, turn: &Turn, steps: &[Io]) -> Vec<Found> {
    let Ok(db) = database(env) else { return Vec::new() };
    let mut found = Vec::with_capacity(steps.len());
    for step in steps {
        found.push(match step {
            Io::Search(text) => {
                let query = SearchQuery { text, kb: None, category: None, limit: SEARCH_RESULTS };
                Found::Passages(kb::search(env, &db, whom.tenant_id, &query).await.unwrap_or_else(|e| {
                    worker::console_error!("the model's knowledge search failed: {e}");
                    Vec::new()
                }))
            }
            Io::Act(act) => match &mut whom.acts {
                Some((inbound, contact)) => {
                    Found::Acted(Box::new(acts::carry_out(env, &db, inbound, contact, turn, act).await))
                }
                None => Found::Acted(Box::new(Outcome::Failed)),
            },
        });
    }
    found
}

/// Passages per search the model reads.
const SEARCH_RESULTS: usize = 5;

/// The pause before the one retry of a retryable failure (rate limit, overload).
const RETRY_AFTER_MS: u64 = 400;

/// The session and its first request, or — budget spent, no key — the rules brain's outcome.
fn open(
    env: &Env,
    settings: &LlmSettings,
    turn: &Turn,
    used_tokens: u64,
    history: &[(Role, String)],
    draft: bool,
) -> Result<(Session, HttpRequest), Box<LlmBrainOutcome>> {
    let mode = budget_mode(used_tokens, settings.monthly_token_budget);
    if mode == BudgetMode::Exhausted {
        return Err(Box::new(LlmBrainOutcome::rules(turn, BUDGET_SPENT)));
    }
    let key = settings.api_key_env().and_then(|name| env.secret(name).or_else(|_| env.var(name)).ok());
    let key = key.map(|k| k.to_string()).unwrap_or_default();
    let context = PromptContext { brief: mode == BudgetMode::Short, draft };
    let (session, request) = Session::new(settings, &key, turn, &context, history);
    if key.is_empty() {
        let detail = format!("the API key secret {:?} is not set", settings.api_key_env().unwrap_or_default());
        return Err(Box::new(session.conclude(Next::Failed { retryable: false, detail })));
    }
    Ok((session, request))
}

/// Why the rules brain answered when the month's tokens are used up.
pub const BUDGET_SPENT: &str = "the monthly token budget is spent";

/// The delivery's turn budget (`inbound.delivery`) bounds the whole turn on the model (every
/// round and the retry): past it the rules brain answers, so an inline webhook is answered well
/// inside the provider's timeout. Acts the model asks for are the contact's (`contact_id`, who
/// wrote `inbound`). With `live`, the reply's text also goes there as it streams in (a phone
/// call speaks it before the turn ends).
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    env: &Env,
    settings: &LlmSettings,
    turn: &Turn,
    used_tokens: u64,
    history: &[(Role, String)],
    inbound: &InboundTurn,
    contact_id: Option<&str>,
    live: Option<&LiveText>,
) -> LlmBrainOutcome {
    let (mut session, request) = match open(env, settings, turn, used_tokens, history, false) {
        Ok(opened) => opened,
        Err(outcome) => return *outcome,
    };
    let mut whom = ForWhom { tenant_id: &inbound.tenant_id, acts: Some((inbound, contact_id.map(str::to_owned))) };
    let budget_ms = inbound.delivery.turn_budget_ms();
    let last = run(env, settings, turn, (&mut session, request), budget_ms, &mut whom, live).await;
    let outcome = session.conclude(last);
    // The caller may have heard the start of the model's answer: the fallback's words follow.
    if let (Some(live), Some(_), Some(text)) = (live, &outcome.fallback, &outcome.reply.text) {
        live.text(" ");
        live.text(text);
    }
    outcome
}

/// The copilot's draft of a reply to `turn` (the contact's last message), for staff to edit
/// and send: the same prompt and model as the conversation, reading only (knowledge, hours),
/// within an inline turn's budget — a person is waiting for it. The rules brain drafts when the
/// model cannot (`fallback` says why).
pub async fn draft(
    env: &Env,
    settings: &LlmSettings,
    turn: &Turn,
    used_tokens: u64,
    history: &[(Role, String)],
    tenant_id: &str,
) -> LlmBrainOutcome {
    let (mut session, request) = match open(env, settings, turn, used_tokens, history, true) {
        Ok(opened) => opened,
        Err(outcome) => return *outcome,
    };
    let mut whom = ForWhom { tenant_id, acts: None };
    let budget_ms = Delivery::Inline.turn_budget_ms();
    let last = run(env, settings, turn, (&mut session, request), budget_ms, &mut whom, None).await;
    session.conclude(last)
}

/// The tool loop: each request sent and its answer streamed into the session, tool I/O
/// resolved, one retry of a retryable failure, the whole bounded by `budget_ms`.
async fn run(
    env: &Env,
    settings: &LlmSettings,
    turn: &Turn,
    (session, mut request): (&mut Session, HttpRequest),
    budget_ms: u64,
    whom: &mut ForWhom<'_>,
    live: Option<&LiveText>,
) -> Next {
    let deadline = wall_clock_ms().saturating_add(budget_ms);
    let mut retried = false;
    loop {
        let remaining = deadline.saturating_sub(wall_clock_ms());
        let round_limit = remaining.min(u64::from(settings.timeout_ms));
        if round_limit == 0 {
            break Next::Failed { retryable: false, detail: format!("the turn's {budget_ms} ms budget ran out") };
        }
        let round = http::stream(&request, |part| match part {
            Part::Status(status) => {
                // A new round's text is a new sentence of what the caller hears.
                live.inspect(|live| live.text(" "));
                session.begin(status);
            }
            Part::Chunk(chunk) => {
                for piece in session.feed(chunk) {
                    live.inspect(|live| live.text(&piece));
                }
            }
        });
        let next = match http::within(round, round_limit).await {
            Some(Ok(_)) => session.end(),
            Some(Err(e)) => Next::Failed { retryable: true, detail: format!("network: {e}") },
            // A caller is waiting: a model that is this slow is not retried.
            None => break Next::Failed { retryable: false, detail: format!("timed out after {round_limit} ms") },
        };
        let next = match next {
            Next::Io(steps) => session.resolved(resolve(env, whom, turn, &steps).await),
            other => other,
        };
        match next {
            Next::Request(next) => request = next,
            Next::Failed { retryable: true, .. } if !retried => {
                retried = true;
                Delay::from(Duration::from_millis(RETRY_AFTER_MS)).await;
            }
            last => break last,
        }
    }
}
