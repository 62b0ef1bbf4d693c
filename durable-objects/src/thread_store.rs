//! D1 for one thread: what it knows on first use, and each turn written exactly once — the
//! D1 backend of `frontdesk_core::store::TurnStore` (the in-memory one is `MemoryStore`, whose
//! host tests state the rules this SQL follows).
//!
//! A turn is one D1 batch (one transaction, one round trip): claim the provider event id in
//! `webhook_events`, upsert the contact, close a conversation idle past the window, open one if
//! none is open, store the inbound message and the reply, mark the event done with its answer,
//! and read it all back. Every write is guarded by "this request holds the claim", so a
//! duplicate that reaches D1 (another object instance during a redeploy, a lost DO memory)
//! writes nothing and reads the first answer. The inbound message is stored before any remote
//! call: the batch is the only one.

use crate::platform::d1::{args, statement, Arg};
use crate::platform::llm_usage;
use crate::platform::time::WorkerRandom;
use frontdesk_core::conversation::{reuse_cutoff, Known};
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::jobs::Job;
use frontdesk_core::llm::{Role, Usage};
use frontdesk_core::ports::Random;
use frontdesk_core::store::{KnownRow, NewIds, ReadBack, ReplyToStore, StoreError, TurnStore, Written};
use frontdesk_core::webhook::stale_before;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

/// The thread's storage in D1. Each call is one batch (one transaction); a failed call is a
/// [`StoreError`] carrying D1's message.
pub struct D1Store(D1Database);

impl D1Store {
    pub fn new(db: D1Database) -> Self {
        Self(db)
    }

    /// The conversation's messages before `before_id`, newest first (at most 40), as an LLM reads
    /// them: the contact's words and ours; notes and empty events are left out.
    pub async fn transcript(
        &self,
        tenant_id: &str,
        conversation_id: &str,
        before_id: &str,
    ) -> std::result::Result<Vec<(Role, String)>, StoreError> {
        #[derive(Deserialize)]
        struct Line {
            direction: String,
            body: Option<String>,
        }
        let rows: Vec<Line> = statement(
            &self.0,
            "SELECT direction, body FROM messages WHERE tenant_id = ?1 AND conversation_id = ?2 AND id != ?3 \
             AND body IS NOT NULL AND body != '' ORDER BY created_at DESC, id DESC LIMIT 40",
            &[Arg::Text(tenant_id), Arg::Text(conversation_id), Arg::Text(before_id)],
        )
        .map_err(StoreError::new)?
        .all()
        .await
        .and_then(|r| r.results())
        .map_err(StoreError::new)?;
        Ok(rows.into_iter().filter_map(|l| l.body.map(|body| (Role::of_direction(&l.direction), body))).collect())
    }

    /// The database, for the turn's reads outside the store (knowledge search).
    pub fn database(&self) -> &D1Database {
        &self.0
    }
}

impl TurnStore for D1Store {
    async fn load_known(&self, turn: &InboundTurn) -> std::result::Result<Known, StoreError> {
        load_known(&self.0, turn).await.map_err(StoreError::new)
    }

    async fn store_inbound(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
    ) -> std::result::Result<Option<Written>, StoreError> {
        store_inbound(&self.0, turn, ids).await.map_err(StoreError::new)
    }

    async fn store_reply(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
        usage: Option<(&str, &Usage)>,
    ) -> std::result::Result<Option<Written>, StoreError> {
        store_reply(&self.0, turn, ids, reply, jobs, usage).await.map_err(StoreError::new)
    }

    async fn write_turn(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
    ) -> std::result::Result<Option<Written>, StoreError> {
        write_turn(&self.0, turn, ids, reply, jobs).await.map_err(StoreError::new)
    }

    async fn ledger_response(&self, turn: &InboundTurn) -> std::result::Result<Option<String>, StoreError> {
        ledger_response(&self.0, turn).await.map_err(StoreError::new)
    }

    async fn month_usage(&self, tenant_id: &str, month: &str) -> std::result::Result<u64, StoreError> {
        llm_usage::month_tokens(&self.0, tenant_id, month).await.map_err(StoreError::new)
    }
}

/// True only for the request holding the claim on (?1 tenant, ?2 provider, ?3 event id) with
/// claim token ?4. Every statement of the batch binds those four first.
const CLAIMED: &str = "EXISTS (SELECT 1 FROM webhook_events \
    WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND claim_id = ?4)";

async fn load_known(db: &D1Database, turn: &InboundTurn) -> Result<Known> {
    let row: Option<KnownRow> = statement(
        db,
        &format!(
            "SELECT c.id, c.phone, c.email, c.name, c.created_at, c.updated_at, \
                    v.id AS conversation_id, v.status AS conversation_status, v.started_at, v.last_message_at, \
                    l.fields AS lead_fields, l.status AS lead_status, \
                    json_extract(l.signals, '$.messages[#-1].intent') AS last_intent, \
                    (SELECT COUNT(*) FROM escalations e WHERE e.tenant_id = ?1 AND e.contact_id = c.id \
                     AND e.status != 'resolved') AS open_escalations, \
                    (SELECT d.state FROM dialogue_states d WHERE d.tenant_id = ?1 AND d.contact_id = c.id) AS dialogue \
             FROM contacts c LEFT JOIN leads l ON l.contact_id = c.id LEFT JOIN conversations v ON v.id = ( \
                 SELECT id FROM conversations WHERE tenant_id = ?1 AND contact_id = c.id AND channel = ?3 \
                 AND status = 'open' ORDER BY last_message_at DESC LIMIT 1) \
             WHERE c.tenant_id = ?1 AND c.{} = ?2",
            turn.from.column()
        ),
        &[Arg::Text(&turn.tenant_id), Arg::Text(turn.from.as_str()), Arg::Text(turn.channel.as_str())],
    )?
    .first(None)
    .await?;
    Ok(row.map_or_else(Known::default, |row| row.into_known(turn.channel.as_str())))
}

async fn write_turn(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    reply: &ReplyToStore<'_>,
    jobs: &[Job],
) -> Result<Option<Written>> {
    let mut statements = inbound_statements(db, turn, ids)?;
    statements.extend(reply_statements(db, turn, ids, reply, jobs)?);
    run(db, statements, turn, ids).await
}

async fn store_inbound(db: &D1Database, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>> {
    run(db, inbound_statements(db, turn, ids)?, turn, ids).await
}

/// Phase two, with the usage charge in the same transaction. The charge is the one statement
/// not guarded by the claim: the model was called either way.
async fn store_reply(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    reply: &ReplyToStore<'_>,
    jobs: &[Job],
    usage: Option<(&str, &Usage)>,
) -> Result<Option<Written>> {
    let mut statements = reply_statements(db, turn, ids, reply, jobs)?;
    if let Some((month, usage)) = usage {
        // Charged in the reply's transaction: a retried turn that never stored its reply is not charged twice.
        statements.push(llm_usage::charge(db, &turn.tenant_id, month, usage)?);
    }
    run(db, statements, turn, ids).await
}

/// The claim's four arguments, bound first by every statement (see [`CLAIMED`]).
fn claim_args<'a>(turn: &'a InboundTurn, ids: &'a NewIds) -> [Arg<'a>; 4] {
    [Arg::Text(&turn.tenant_id), Arg::Text(&turn.provider), Arg::Text(&turn.event_id), Arg::Text(&ids.claim)]
}

fn inbound_statements(db: &D1Database, turn: &InboundTurn, ids: &NewIds) -> Result<Vec<D1PreparedStatement>> {
    let claim = claim_args(turn, ids);
    let now = turn.received_at;
    let claimed_at = turn.claim_time();
    // Kept while the claim is `processing`, so the sweeper can answer it if this request dies.
    let turn_json = serde_json::to_string(turn)?;
    // The contact's key column is one of three fixed names (`ContactKey::column`), never input.
    let (col, key) = (turn.from.column(), turn.from.as_str());
    let (channel, inbound_channel) = (turn.channel.as_str(), turn.inbound_channel());
    let media = (!turn.media.is_empty()).then(|| serde_json::json!(turn.media).to_string());
    let statements = vec![
        // The takeover condition is `webhook::can_take_over` (MemoryStore runs that function).
        statement(
            db,
            "INSERT INTO webhook_events (tenant_id, provider, event_id, status, claim_id, received_at, turn, attempts) \
             VALUES (?1, ?2, ?3, 'processing', ?4, ?5, ?7, ?8) \
             ON CONFLICT (tenant_id, provider, event_id) DO UPDATE \
             SET claim_id = excluded.claim_id, status = 'processing', received_at = excluded.received_at, \
                 turn = excluded.turn, attempts = excluded.attempts \
             WHERE webhook_events.status = 'failed' \
                OR (webhook_events.status = 'processing' AND webhook_events.received_at < ?6)",
            &args(
                &claim,
                &[
                    Arg::Int(claimed_at),
                    Arg::Int(stale_before(claimed_at)),
                    Arg::Text(&turn_json),
                    Arg::Int(u64::from(turn.attempt)),
                ],
            ),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO contacts (id, tenant_id, {col}, name, name_source, created_at, updated_at) \
                 SELECT ?5, ?1, ?6, ?7, CASE WHEN ?7 IS NULL THEN NULL ELSE 'profile' END, ?8, ?8 WHERE {CLAIMED} \
                 ON CONFLICT (tenant_id, {col}) WHERE {col} IS NOT NULL \
                 DO UPDATE SET name = COALESCE(contacts.name, excluded.name), \
                     name_source = COALESCE(contacts.name_source, excluded.name_source), \
                     updated_at = excluded.updated_at"
            ),
            &args(
                &claim,
                &[Arg::Text(&ids.contact), Arg::Text(key), Arg::OptText(turn.profile_name.as_deref()), Arg::Int(now)],
            ),
        )?,
        statement(
            db,
            &format!(
                "UPDATE conversations SET status = 'closed' \
                 WHERE tenant_id = ?1 AND channel = ?6 AND status = 'open' AND last_message_at < ?7 \
                 AND contact_id = (SELECT id FROM contacts WHERE tenant_id = ?1 AND {col} = ?5) AND {CLAIMED}"
            ),
            &args(&claim, &[Arg::Text(key), Arg::Text(channel), Arg::Int(reuse_cutoff(now))]),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO conversations (id, tenant_id, contact_id, channel, status, started_at, last_message_at) \
                 SELECT ?5, ?1, c.id, ?6, 'open', ?7, ?7 FROM contacts c \
                 WHERE c.tenant_id = ?1 AND c.{col} = ?8 AND {CLAIMED} \
                 AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.tenant_id = ?1 AND v.contact_id = c.id \
                                 AND v.channel = ?6 AND v.status = 'open')"
            ),
            &args(&claim, &[Arg::Text(&ids.conversation), Arg::Text(channel), Arg::Int(now), Arg::Text(key)]),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, \
                                       provider_message_id, status, media, created_at) \
                 SELECT ?5, ?1, v.id, v.contact_id, 'inbound', ?12, ?7, ?8, ?13, ?9, ?10 \
                 FROM conversations v JOIN contacts c ON c.id = v.contact_id \
                 WHERE c.tenant_id = ?1 AND c.{col} = ?11 AND v.tenant_id = ?1 AND v.channel = ?6 \
                   AND v.status = 'open' AND {CLAIMED} \
                 ORDER BY v.last_message_at DESC LIMIT 1 \
                 ON CONFLICT DO NOTHING"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(&ids.inbound),
                    Arg::Text(channel),
                    Arg::Text(&turn.body),
                    Arg::Text(&turn.provider_message_id),
                    Arg::OptText(media.as_deref()),
                    Arg::Int(now),
                    Arg::Text(key),
                    Arg::Text(inbound_channel),
                    Arg::Text(turn.inbound_status()),
                ],
            ),
        )?,
    ];
    Ok(statements)
}

fn reply_statements(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    reply: &ReplyToStore<'_>,
    jobs: &[Job],
) -> Result<Vec<D1PreparedStatement>> {
    let claim = claim_args(turn, ids);
    let now = turn.received_at;
    let inbound_channel = turn.inbound_channel();
    let channel = turn.channel.as_str();
    let mut statements = Vec::new();
    if let Some(text) = reply.text {
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, \
                                       provider_message_id, status, created_at) \
                 SELECT ?5, ?1, m.conversation_id, m.contact_id, 'outbound', ?6, ?7, NULL, ?11, ?8 \
                 FROM messages m WHERE m.tenant_id = ?1 AND m.channel = ?10 AND m.provider_message_id = ?9 \
                 AND {CLAIMED}"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(&ids.reply),
                    Arg::Text(channel),
                    Arg::Text(text),
                    Arg::Int(reply.at),
                    Arg::Text(&turn.provider_message_id),
                    Arg::Text(inbound_channel),
                    Arg::Text(turn.reply_status()),
                ],
            ),
        )?);
    }
    if let Some(escalation) = reply.escalation {
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO escalations (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, \
                                          status, summary, detail, created_at, updated_at, page_level, paged_at) \
                 SELECT ?5, ?1, m.contact_id, m.conversation_id, m.id, ?6, ?7, 'open', ?8, ?9, ?10, ?10, 0, \
                        CASE WHEN ?7 = 'critical' THEN ?10 END \
                 FROM messages m WHERE m.tenant_id = ?1 AND m.channel = ?11 AND m.provider_message_id = ?12 \
                 AND {CLAIMED} \
                 ON CONFLICT DO NOTHING"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(&ids.escalation),
                    Arg::Text(escalation.reason.as_str()),
                    Arg::Text(escalation.reason.priority().as_str()),
                    Arg::Text(&escalation.summary),
                    Arg::Text(&escalation.detail),
                    Arg::Int(now),
                    Arg::Text(inbound_channel),
                    Arg::Text(&turn.provider_message_id),
                ],
            ),
        )?);
    }
    statements.push(statement(
        db,
        &format!(
            "UPDATE conversations SET last_message_at = ?7 \
             WHERE id = (SELECT conversation_id FROM messages \
                         WHERE tenant_id = ?1 AND channel = ?5 AND provider_message_id = ?6) AND {CLAIMED}"
        ),
        &args(&claim, &[Arg::Text(inbound_channel), Arg::Text(&turn.provider_message_id), Arg::Int(reply.at)]),
    )?);
    statements.extend(dialogue_statements(db, turn, ids, reply)?);
    statements.extend(ticket_statement(db, turn, ids, reply)?);
    statements.extend(effect_statements(db, turn, ids, jobs)?);
    statements.push(statement(
        db,
        "UPDATE webhook_events SET status = 'done', response = ?5, turn = NULL \
         WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND claim_id = ?4",
        &args(&claim, &[Arg::Text(reply.ledger_answer)]),
    )?);
    Ok(statements)
}

/// What the reply leaves of the dialogue, on the contact the stored message names: the state,
/// a name they told us (which replaces a provider's profile name, never the reverse), saved
/// searches stopped by an opt-out, and a question nothing answered, for the unanswered list.
fn dialogue_statements(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    reply: &ReplyToStore<'_>,
) -> Result<Vec<D1PreparedStatement>> {
    let claim = claim_args(turn, ids);
    let (inbound_channel, message) = (turn.inbound_channel(), turn.provider_message_id.as_str());
    let stored = format!(
        "FROM messages m WHERE m.tenant_id = ?1 AND m.channel = ?5 AND m.provider_message_id = ?6 AND {CLAIMED}"
    );
    let mut statements = Vec::new();
    if let Some(state) = reply.dialogue {
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO dialogue_states (tenant_id, contact_id, state, updated_at) \
                 SELECT ?1, m.contact_id, ?7, ?8 {stored} \
                 ON CONFLICT (tenant_id, contact_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
            ),
            &args(&claim, &[Arg::Text(inbound_channel), Arg::Text(message), Arg::Text(state), Arg::Int(reply.at)]),
        )?);
    }
    if let Some(name) = reply.told_name {
        statements.push(statement(
            db,
            &format!(
                "UPDATE contacts SET name = ?7, name_source = 'told', updated_at = ?8 \
                 WHERE tenant_id = ?1 AND id = (SELECT m.contact_id {stored})"
            ),
            &args(&claim, &[Arg::Text(inbound_channel), Arg::Text(message), Arg::Text(name), Arg::Int(reply.at)]),
        )?);
    }
    if reply.opted_out {
        statements.push(statement(
            db,
            &format!(
                "UPDATE saved_searches SET status = 'stopped', stopped_at = ?7 \
                 WHERE tenant_id = ?1 AND status = 'active' AND contact_id = (SELECT m.contact_id {stored})"
            ),
            &args(&claim, &[Arg::Text(inbound_channel), Arg::Text(message), Arg::Int(reply.at)]),
        )?);
    }
    for (listing_id, level) in reply.interest {
        // The first time per level is kept; a listing of another tenant records nothing.
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO listing_interest (tenant_id, contact_id, listing_id, level, at, message_id) \
                 SELECT ?1, m.contact_id, ?7, ?8, ?9, m.id {stored} \
                 AND EXISTS (SELECT 1 FROM listings WHERE tenant_id = ?1 AND id = ?7) \
                 ON CONFLICT DO NOTHING"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(inbound_channel),
                    Arg::Text(message),
                    Arg::Text(listing_id),
                    Arg::Text(level.as_str()),
                    Arg::Int(reply.at),
                ],
            ),
        )?);
    }
    if let Some(question) = reply.unanswered {
        let id = ids::make(ids::UNANSWERED, turn.received_at, WorkerRandom.next_u64());
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO kb_unanswered (id, tenant_id, contact_id, conversation_id, message_id, question, status, \
                                            created_at, updated_at) \
                 SELECT ?7, ?1, m.contact_id, m.conversation_id, m.id, ?8, 'open', ?9, ?9 {stored} \
                 ON CONFLICT DO NOTHING"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(inbound_channel),
                    Arg::Text(message),
                    Arg::Text(&id),
                    Arg::Text(question),
                    Arg::Int(turn.received_at),
                ],
            ),
        )?);
    }
    Ok(statements)
}

/// The maintenance ticket the message opens, once per message (a retried or duplicate turn
/// writes nothing), on the stored message's contact and conversation, with its attachments and
/// the emergency escalation this batch raised a statement earlier. Written after the escalation
/// so the link is read in the same transaction. The property, when the turn found it, names
/// the listing (`platform::property`).
fn ticket_statement(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    reply: &ReplyToStore<'_>,
) -> Result<Option<D1PreparedStatement>> {
    let Some(ticket) = reply.ticket else { return Ok(None) };
    let claim = claim_args(turn, ids);
    let id = ids::make(ids::TICKET, turn.received_at, WorkerRandom.next_u64());
    let statement = statement(
        db,
        &format!(
            "INSERT INTO tickets (id, tenant_id, contact_id, conversation_id, message_id, listing_id, category, \
                                  urgency, status, media, escalation_id, summary, created_at, updated_at) \
             SELECT ?7, ?1, m.contact_id, m.conversation_id, m.id, ?12, ?8, ?9, 'open', \
                    (SELECT json_group_array(json_object('url', json_extract(x.value, '$[0]'), 'content_type', json_extract(x.value, '$[1]'))) \
                     FROM json_each(COALESCE(m.media, '[]')) x), \
                    (SELECT e.id FROM escalations e WHERE e.tenant_id = ?1 AND e.message_id = m.id \
                     AND e.reason = 'emergency' ORDER BY e.id LIMIT 1), \
                    ?10, ?11, ?11 \
             FROM messages m WHERE m.tenant_id = ?1 AND m.channel = ?5 AND m.provider_message_id = ?6 AND {CLAIMED} \
             ON CONFLICT DO NOTHING"
        ),
        &args(
            &claim,
            &[
                Arg::Text(turn.inbound_channel()),
                Arg::Text(&turn.provider_message_id),
                Arg::Text(&id),
                Arg::Text(ticket.category.as_str()),
                Arg::Text(ticket.urgency.as_str()),
                Arg::Text(&ticket.summary),
                Arg::Int(turn.received_at),
                Arg::OptText(ticket.property.as_ref().map(|p| p.listing_id.as_str())),
            ],
        ),
    )?;
    Ok(Some(statement))
}

/// The turn's effects, written with it: one `job_intents` row per job and, for deliveries, the
/// `outbox` row the job will send from. A lead update's ids come from the stored message, which
/// is the truth even when this claim took over a message an earlier attempt stored.
fn effect_statements(
    db: &D1Database,
    turn: &InboundTurn,
    ids: &NewIds,
    jobs: &[Job],
) -> Result<Vec<D1PreparedStatement>> {
    let claim = claim_args(turn, ids);
    let inbound_channel = turn.inbound_channel();
    let mut statements = Vec::new();
    for job in jobs {
        let Some(key) = job.intent_key() else { continue };
        let json = serde_json::to_string(job)?;
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO job_intents (tenant_id, dedupe_key, kind, job, status, attempts, created_at, updated_at) \
                 SELECT ?1, CASE WHEN ?6 = 'update_lead' THEN 'lead:' || m.id ELSE ?5 END, ?6, \
                        CASE WHEN ?6 = 'update_lead' THEN json_set(?7, '$.contact_id', m.contact_id, \
                             '$.conversation_id', m.conversation_id, '$.message.message_id', m.id) ELSE ?7 END, \
                        'pending', 0, ?8, ?8 \
                 FROM messages m WHERE m.tenant_id = ?1 AND m.channel = ?9 AND m.provider_message_id = ?10 \
                 AND {CLAIMED} \
                 ON CONFLICT (tenant_id, dedupe_key) DO NOTHING"
            ),
            &args(
                &claim,
                &[
                    Arg::Text(&key),
                    Arg::Text(job.kind()),
                    Arg::Text(&json),
                    Arg::Int(turn.claim_time()),
                    Arg::Text(inbound_channel),
                    Arg::Text(&turn.provider_message_id),
                ],
            ),
        )?);
        if let Some(entry) = job.outbox_entry() {
            let id = ids::make(ids::OUTBOX, turn.claim_time(), WorkerRandom.next_u64());
            let payload = entry.payload.to_string();
            statements.push(statement(
                db,
                &format!(
                    "INSERT INTO outbox (id, tenant_id, message_id, channel, recipient, payload, status, attempts, \
                                         created_at, updated_at, dedupe_key) \
                     SELECT ?5, ?1, ?6, ?7, ?8, ?9, 'pending', 0, ?10, ?10, ?11 WHERE {CLAIMED} \
                     ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING"
                ),
                &args(
                    &claim,
                    &[
                        Arg::Text(&id),
                        Arg::OptText(entry.message_id.as_deref()),
                        Arg::Text(entry.channel),
                        Arg::Text(&entry.recipient),
                        Arg::Text(&payload),
                        Arg::Int(turn.claim_time()),
                        Arg::Text(&entry.dedupe_key),
                    ],
                ),
            )?);
        }
    }
    Ok(statements)
}

/// Runs a phase's statements and reads back what D1 holds for the event.
async fn run(
    db: &D1Database,
    mut statements: Vec<D1PreparedStatement>,
    turn: &InboundTurn,
    ids: &NewIds,
) -> Result<Option<Written>> {
    let claim = claim_args(turn, ids);
    let inbound_channel = turn.inbound_channel();
    statements.push(statement(
        db,
        "SELECT w.claim_id, w.status AS claim_status, w.response, \
                c.id AS contact_id, c.phone, c.email, c.name, \
                c.created_at AS contact_created_at, c.updated_at AS contact_updated_at, \
                v.id AS conversation_id, v.status AS conversation_status, v.started_at, v.last_message_at, \
                m.id AS inbound_id, m.created_at AS inbound_at, \
                r.id AS reply_id, r.body AS reply_body, r.created_at AS reply_at, r.status AS reply_status, \
                e.id AS escalation_id \
         FROM webhook_events w \
         LEFT JOIN messages m ON m.tenant_id = w.tenant_id AND m.channel = ?5 AND m.provider_message_id = ?6 \
         LEFT JOIN conversations v ON v.id = m.conversation_id \
         LEFT JOIN contacts c ON c.id = m.contact_id \
         LEFT JOIN messages r ON r.tenant_id = w.tenant_id AND r.id = ?7 AND w.claim_id = ?4 \
         LEFT JOIN escalations e ON e.tenant_id = w.tenant_id AND e.id = ?8 AND w.claim_id = ?4 \
         WHERE w.tenant_id = ?1 AND w.provider = ?2 AND w.event_id = ?3",
        &args(
            &claim,
            &[
                Arg::Text(inbound_channel),
                Arg::Text(&turn.provider_message_id),
                Arg::Text(&ids.reply),
                Arg::Text(&ids.escalation),
            ],
        ),
    )?);
    let results = db.batch(statements).await?;
    let row: ReadBack = results
        .last()
        .and_then(|last| last.results::<ReadBack>().ok())
        .and_then(|rows| rows.into_iter().next())
        .ok_or_else(|| worker::Error::RustError("webhook_events row missing after the claim".into()))?;
    Ok(row.into_written(turn, &ids.claim))
}

async fn ledger_response(db: &D1Database, turn: &InboundTurn) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        response: Option<String>,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT response FROM webhook_events WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND status = 'done'",
        &[Arg::Text(&turn.tenant_id), Arg::Text(&turn.provider), Arg::Text(&turn.event_id)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| r.response))
}
