//! The ledger's rules on the in-memory backend: what each delivery of an event may write, and
//! what it reads back. The D1 backend runs the same steps in SQL (miniflare-tests).

use super::memory::MemoryStore;
use super::{usage_month, NewIds, ReplyToStore, StoreError, TurnStore, Written};
use crate::brain::{rules::RulesBrain, Brain, Reply};
use crate::conversation::Continuity;
use crate::effects::{after_turn, TurnIds};
use crate::inbound::{ledger_answer, reply_time, InboundTurn, TenantContext};
use crate::jobs::Job;
use crate::llm::Usage;
use crate::phone::PhoneE164;
use crate::webhook::{Claim, CLAIM_STALE_AFTER_MS};
use futures::executor::block_on;

const T0: u64 = 1_800_000_000_000;
const HOUR: u64 = 60 * 60 * 1000;
const ANA: &str = "+447700900123";
const BEN: &str = "+447700900456";

fn tenant(id: &str) -> TenantContext {
    let settings = serde_json::from_value(serde_json::json!({
        "on_call": [{"name": "Sam", "phone": "+447700900999"}]
    }))
    .unwrap();
    TenantContext {
        paused: false,
        tenant_id: id.into(),
        business_name: "Maple & Pine".into(),
        settings,
        local_time: crate::tenant::tests::at(1, 11, 0),
    }
}

/// An OpenPhone text (its reply goes through the outbox, so deliveries are written too).
fn text(event: &str, from: &str, body: &str, at: u64) -> InboundTurn {
    let phone = PhoneE164::parse(from).unwrap();
    InboundTurn::from_openphone(event, &format!("AC_{event}"), phone, body, tenant("ten_demo"), at)
}

/// Ids for one request; `tag` names it in assertions.
fn ids(tag: &str) -> NewIds {
    NewIds {
        claim: format!("clm_{tag}"),
        escalation: format!("esc_{tag}"),
        contact: format!("con_{tag}"),
        conversation: format!("cnv_{tag}"),
        inbound: format!("msg_{tag}_in"),
        reply: format!("msg_{tag}_out"),
    }
}

/// What the ConversationDO asks the store to write for `turn`: the rules brain's reply and
/// the jobs planned with this request's ids.
struct Answer {
    reply: Reply,
    ledger: String,
    jobs: Vec<Job>,
    at: u64,
}

fn answer(turn: &InboundTurn, ids: &NewIds) -> Answer {
    let fresh = Continuity { returning_contact: false, new_conversation: true };
    let reply = RulesBrain.respond(&turn.turn(fresh, None, None));
    let planned = TurnIds {
        contact: &ids.contact,
        conversation: &ids.conversation,
        inbound: &ids.inbound,
        reply: reply.text.as_ref().map(|_| ids.reply.as_str()),
        escalation: reply.escalation.as_ref().map(|_| ids.escalation.as_str()),
    };
    let jobs = after_turn(turn, &reply, &planned, "Ana", false);
    Answer {
        ledger: ledger_answer(reply.text.as_deref(), None),
        jobs,
        at: reply_time(turn.received_at, turn.claim_time()),
        reply,
    }
}

impl Answer {
    fn to_store(&self) -> ReplyToStore<'_> {
        ReplyToStore {
            text: self.reply.text.as_deref(),
            at: self.at,
            ledger_answer: &self.ledger,
            escalation: self.reply.escalation.as_ref(),
            dialogue: None,
            told_name: None,
            unanswered: None,
            ticket: None,
            opted_out: false,
            interest: &[],
        }
    }
}

fn write_turn(store: &MemoryStore, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>, StoreError> {
    let a = answer(turn, ids);
    block_on(store.write_turn(turn, ids, &a.to_store(), &a.jobs))
}

fn store_inbound(store: &MemoryStore, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>, StoreError> {
    block_on(store.store_inbound(turn, ids))
}

fn store_reply(
    store: &MemoryStore,
    turn: &InboundTurn,
    ids: &NewIds,
    usage: Option<Usage>,
) -> Result<Option<Written>, StoreError> {
    let a = answer(turn, ids);
    let month = usage_month(turn);
    block_on(store.store_reply(turn, ids, &a.to_store(), &a.jobs, usage.as_ref().map(|u| (month.as_str(), u))))
}

fn owned(written: Result<Option<Written>, StoreError>) -> Written {
    let written = written.expect("stored").expect("the message is stored");
    assert_eq!(written.claim, Claim::Owned);
    written
}

fn done_response(store: &MemoryStore, turn: &InboundTurn) -> Option<String> {
    block_on(store.ledger_response(turn)).unwrap()
}

#[test]
fn a_first_delivery_claims_the_event_and_stores_the_whole_turn() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    let written = owned(write_turn(&store, &turn, &ids("a")));
    assert_eq!(
        (written.contact.id.as_str(), written.conversation.id.as_str(), written.inbound.id.as_str()),
        ("con_a", "cnv_a", "msg_a_in")
    );
    let reply = written.reply.expect("the reply is read back");
    assert_eq!((reply.id.as_str(), reply.status.as_str()), ("msg_a_out", "queued"));

    let t = store.tables();
    let event = &t.webhook_events[0];
    assert_eq!((event.status.as_str(), event.claim_id.as_str()), ("done", "clm_a"));
    assert_eq!(event.response, Some(ledger_answer(Some(&reply.body), None)));
    assert_eq!(event.turn, None, "the turn is kept only while processing");
    assert_eq!((t.contacts.len(), t.conversations.len(), t.messages.len()), (1, 1, 2));
    let keys: Vec<_> = t.job_intents.iter().map(|i| i.dedupe_key.as_str()).collect();
    assert_eq!(keys, ["msg_a_out", "lead:msg_a_in"]);
    assert_eq!(t.outbox.len(), 1);
    assert_eq!((t.outbox[0].dedupe_key.as_str(), t.outbox[0].status.as_str()), ("msg_a_out", "pending"));
    assert_eq!(done_response(&store, &turn), event.response);
}

#[test]
fn a_duplicate_after_done_gets_the_first_answer_and_writes_nothing() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    let first = owned(write_turn(&store, &turn, &ids("a")));
    let before = store.tables();

    let mut again = turn.retried(T0 + 5 * HOUR, false);
    again.attempt = 0;
    let dup = write_turn(&store, &again, &ids("b")).unwrap().unwrap();
    let response = ledger_answer(first.reply.as_ref().map(|r| r.body.as_str()), None);
    assert_eq!(dup.claim, Claim::Done { response });
    assert_eq!(dup.reply, None, "the first claim's reply is not this request's");
    assert_eq!(dup.inbound.id, "msg_a_in", "the stored message is read back");
    assert_eq!(store.tables(), before);
}

#[test]
fn a_duplicate_while_the_first_is_processing_is_in_flight_and_writes_nothing() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    owned(store_inbound(&store, &turn, &ids("a")));
    let before = store.tables();

    // Up to and including the stale time the first claim is presumed alive.
    for at in [T0 + 1, T0 + CLAIM_STALE_AFTER_MS] {
        let dup = write_turn(&store, &turn.retried(at, false), &ids("b")).unwrap().unwrap();
        assert_eq!(dup.claim, Claim::InFlight);
        assert_eq!(dup.reply, None);
        assert_eq!(store.tables(), before);
    }
    assert_eq!(done_response(&store, &turn), None);
}

#[test]
fn a_stale_claim_is_taken_over_at_the_retry_time_without_a_second_message() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    owned(store_inbound(&store, &turn, &ids("a")));

    let later = turn.retried(T0 + CLAIM_STALE_AFTER_MS + 1, false);
    let written = owned(write_turn(&store, &later, &ids("b")));
    assert_eq!(written.inbound.id, "msg_a_in", "the first attempt's message, not a copy");
    assert_eq!(written.inbound.created_at, T0, "the message keeps the time it arrived");
    assert_eq!(written.reply.map(|r| r.id), Some("msg_b_out".into()));

    let t = store.tables();
    let event = &t.webhook_events[0];
    assert_eq!((event.claim_id.as_str(), event.status.as_str()), ("clm_b", "done"));
    assert_eq!((event.received_at, event.attempts), (T0 + CLAIM_STALE_AFTER_MS + 1, 1));
    let inbound = t.messages.iter().filter(|m| m.message.direction == "inbound").count();
    assert_eq!((inbound, t.messages.len(), t.contacts.len(), t.conversations.len()), (1, 2, 1, 1));
    assert_eq!(t.job_intents.iter().map(|i| i.dedupe_key.as_str()).collect::<Vec<_>>(), ["msg_b_out", "lead:msg_a_in"]);
}

#[test]
fn a_failed_phase_two_leaves_the_turn_claimed_and_one_takeover_finishes_it() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    owned(store_inbound(&store, &turn, &ids("a")));
    let usage = Usage { input_tokens: 900, output_tokens: 100 };
    store.fail_next_write();
    assert!(store_reply(&store, &turn, &ids("a"), Some(usage)).is_err());

    let t = store.tables();
    let event = &t.webhook_events[0];
    assert_eq!((event.claim_id.as_str(), event.status.as_str()), ("clm_a", "processing"));
    assert_eq!(event.turn.as_deref(), Some(serde_json::to_string(&turn).unwrap().as_str()), "for the sweeper");
    assert_eq!(t.messages.len(), 1, "the message is kept");
    assert!(t.job_intents.is_empty() && t.outbox.is_empty());
    assert_eq!(block_on(store.month_usage("ten_demo", &usage_month(&turn))).unwrap(), 0, "nothing charged");

    // The queue's retry before the stale time waits; after it, it answers once.
    let early = write_turn(&store, &turn.retried(T0 + 2_000, false), &ids("b")).unwrap().unwrap();
    assert_eq!(early.claim, Claim::InFlight);
    let late = turn.retried(T0 + CLAIM_STALE_AFTER_MS + 2_000, true);
    let written = owned(write_turn(&store, &late, &ids("c")));
    assert_eq!(written.reply.map(|r| r.id), Some("msg_c_out".into()));
    let again = write_turn(&store, &late.retried(T0 + 10 * HOUR, true), &ids("d")).unwrap().unwrap();
    assert!(matches!(again.claim, Claim::Done { .. }));

    let t = store.tables();
    assert_eq!(t.messages.iter().filter(|m| m.message.direction == "inbound").count(), 1);
    let replies: Vec<_> = t.messages.iter().filter(|m| m.message.direction == "outbound").collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].message.id, "msg_c_out");
    assert_eq!(t.webhook_events[0].status, "done");
}

#[test]
fn a_request_whose_claim_was_taken_over_is_fenced() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Water is pouring through my ceiling!", T0);
    owned(store_inbound(&store, &turn, &ids("a")));
    // Request a stalls (a slow model) past the stale time; b takes the event over.
    let b = turn.retried(T0 + CLAIM_STALE_AFTER_MS + 1, false);
    owned(store_inbound(&store, &b, &ids("b")));
    let before = store.tables();

    let late = store_reply(&store, &turn, &ids("a"), None).unwrap().unwrap();
    assert_eq!(late.claim, Claim::InFlight, "b's claim, still processing");
    assert_eq!((late.reply, late.escalation_id), (None, None));
    assert_eq!(store.tables(), before, "a writes nothing");

    let finished = owned(write_turn(&store, &b, &ids("b")));
    let after_b = store.tables();
    let late = store_reply(&store, &turn, &ids("a"), None).unwrap().unwrap();
    let response = ledger_answer(finished.reply.as_ref().map(|r| r.body.as_str()), None);
    assert_eq!(late.claim, Claim::Done { response }, "a reads b's answer");
    assert_eq!((late.reply, late.escalation_id), (None, None));
    assert_eq!(store.tables(), after_b, "and still writes nothing");

    let t = store.tables();
    assert_eq!(t.messages.iter().filter(|m| m.message.direction == "outbound").count(), 1);
    assert_eq!(t.escalations.len(), 1);
    assert_eq!(t.escalations[0].id, "esc_b");
    // b's effects only (its lead update names the message a stored, which is the truth).
    assert!(t.job_intents.iter().all(|i| i.dedupe_key != "msg_a_out" && !i.dedupe_key.starts_with("esc_a")));
    assert!(t.job_intents.iter().any(|i| i.dedupe_key == "msg_b_out"));
    assert!(t.outbox.iter().all(|o| !o.dedupe_key.starts_with("esc_a") && o.dedupe_key != "msg_a_out"));
}

#[test]
fn a_failed_event_is_taken_over_and_its_effects_are_written_once() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Water is pouring through my ceiling!", T0);
    let first = owned(write_turn(&store, &turn, &ids("a")));
    let escalation = store.tables().escalations[0].clone();
    assert_eq!(first.escalation_id.as_deref(), Some("esc_a"));
    assert_eq!((escalation.priority.as_str(), escalation.paged_at), ("critical", Some(T0)));
    let pages = store.tables().outbox.len();
    assert!(pages >= 2, "the page and the reply");

    // The sweeper gave up on it (`failed`): a later delivery may claim it at once.
    store.edit(|t| t.webhook_events[0].status = "failed".into());
    let again = owned(write_turn(&store, &turn.retried(T0 + 1, false), &ids("b")));
    assert_eq!(again.escalation_id, None, "one escalation per message and reason");
    let t = store.tables();
    assert_eq!(t.escalations.len(), 1);
    assert_eq!(t.messages.iter().filter(|m| m.message.direction == "inbound").count(), 1);
    assert!(t.job_intents.iter().any(|i| i.dedupe_key == "lead:msg_a_in"));
    assert_eq!(t.job_intents.iter().filter(|i| i.dedupe_key.starts_with("lead:")).count(), 1);
}

#[test]
fn two_contacts_never_share_rows() {
    let store = MemoryStore::new();
    let ana = owned(write_turn(&store, &text("EV1", ANA, "Hi, is the flat free?", T0), &ids("a")));
    let ben = owned(write_turn(&store, &text("EV2", BEN, "Hi, is the flat free?", T0), &ids("b")));
    assert_ne!(ana.contact.id, ben.contact.id);
    assert_ne!(ana.conversation.id, ben.conversation.id);
    assert_eq!(ana.contact.phone.as_deref(), Some(ANA));
    assert_eq!(ben.contact.phone.as_deref(), Some(BEN));
    let t = store.tables();
    for m in &t.messages {
        let owner = if m.message.contact_id == ana.contact.id { &ana } else { &ben };
        assert_eq!(m.message.conversation_id, owner.conversation.id);
    }
    let lead = |who: &Written| {
        t.job_intents.iter().find_map(|i| match &i.job {
            Job::UpdateLead { contact_id, message, .. } if message.message_id == who.inbound.id => {
                Some(contact_id.clone())
            }
            _ => None,
        })
    };
    assert_eq!(lead(&ana), Some(ana.contact.id.clone()));
    assert_eq!(lead(&ben), Some(ben.contact.id.clone()));

    // The same provider event id at another tenant is another event.
    let mut other = text("EV1", ANA, "Hi", T0);
    other.tenant_id = "ten_other".into();
    let theirs = owned(write_turn(&store, &other, &ids("c")));
    assert_eq!(theirs.contact.id, "con_c");
}

#[test]
fn a_conversation_continues_within_24_hours_and_a_new_one_opens_after() {
    let store = MemoryStore::new();
    assert_eq!(block_on(store.load_known(&text("EV0", ANA, "", T0))).unwrap(), Default::default());
    let first = owned(write_turn(&store, &text("EV1", ANA, "Hi", T0), &ids("a")));
    let same = owned(write_turn(&store, &text("EV2", ANA, "Still there?", T0 + HOUR), &ids("b")));
    assert_eq!(same.conversation.id, first.conversation.id);
    assert_eq!(same.contact.id, first.contact.id, "the contact is upserted by its number");
    let last = same.reply.map_or(T0 + HOUR, |r| r.created_at);
    let next_day = owned(write_turn(&store, &text("EV3", ANA, "Back again", last + 24 * HOUR + 1), &ids("c")));
    assert_eq!(next_day.conversation.id, "cnv_c");
    let t = store.tables();
    let status =
        |id: &str| t.conversations.iter().find(|v| v.conversation.id == id).unwrap().conversation.status.clone();
    assert_eq!((status("cnv_a").as_str(), status("cnv_c").as_str()), ("closed", "open"));

    let known = block_on(store.load_known(&text("EV4", ANA, "", last + 24 * HOUR + 2))).unwrap();
    assert_eq!(known.contact.map(|c| c.id), Some(first.contact.id));
    assert_eq!(known.conversation.map(|v| v.id), Some("cnv_c".into()));
    assert!(known.history.is_some());
}

#[test]
fn llm_tokens_are_charged_with_the_stored_reply() {
    let store = MemoryStore::new();
    let turn = text("EV1", ANA, "Do you have any two-bed flats?", T0);
    owned(store_inbound(&store, &turn, &ids("a")));
    let usage = Usage { input_tokens: 900, output_tokens: 100 };
    owned(store_reply(&store, &turn, &ids("a"), Some(usage)));
    let month = usage_month(&turn);
    assert_eq!(month, "2026-11");
    assert_eq!(block_on(store.month_usage("ten_demo", &month)).unwrap(), 1_000);
    assert_eq!(block_on(store.month_usage("ten_other", &month)).unwrap(), 0);
    assert_eq!(store.tables().llm_usage[0].calls, 1);
}
