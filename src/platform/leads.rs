//! The `update_lead` job: applies one inbound message to its contact's lead (core
//! `lead::apply`) and writes it back only if nobody changed the lead meanwhile; a lost race
//! fails the job, and the retry reads the newer lead. Crossing the tenant's high-value
//! threshold raises one `high_value_lead` escalation for that message.

use super::d1::{self, database, statement, Arg};
use super::events::publish_all;
use super::outbound::intent_done;
use frontdesk_core::ids;
use frontdesk_core::jobs::lead_intent_key;
use frontdesk_core::lead::{
    apply, events, high_value_escalation, interest_seen, LeadMessage, Status, StoredLead, Subject,
};
use frontdesk_core::listings::interest::aggregate;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::listings::interest_rows;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use worker::{Env, Result};

#[derive(Deserialize)]
struct LeadRow {
    status: String,
    fields: String,
    signals: String,
    score: u8,
    applied: String,
    version: i64,
}

impl LeadRow {
    fn parse(self) -> Result<StoredLead> {
        let bad = |what: &str, e: serde_json::Error| worker::Error::RustError(format!("lead {what}: {e}"));
        Ok(StoredLead {
            status: Status::parse(&self.status)
                .ok_or_else(|| worker::Error::RustError(format!("lead status {}", self.status)))?,
            fields: serde_json::from_str(&self.fields).map_err(|e| bad("fields", e))?,
            signals: serde_json::from_str(&self.signals).map_err(|e| bad("signals", e))?,
            score: self.score,
            applied: serde_json::from_str(&self.applied).map_err(|e| bad("applied", e))?,
            version: self.version,
        })
    }
}

pub async fn update_lead(
    env: &Env,
    tenant_id: &str,
    contact_id: &str,
    conversation_id: &str,
    message: &LeadMessage,
) -> Result<()> {
    let db = database(env)?;
    // Everything the update reads, in one round trip: the tenant's settings, the lead, whether
    // the contact still exists (erased while this job was queued?) and their listing interest.
    let reads = db
        .batch(vec![
            d1::tenant_statement(&db, tenant_id)?,
            statement(
                &db,
                "SELECT status, fields, signals, score, applied, version FROM leads \
                 WHERE tenant_id = ?1 AND contact_id = ?2",
                &[Arg::Text(tenant_id), Arg::Text(contact_id)],
            )?,
            statement(
                &db,
                "SELECT 1 AS found FROM contacts WHERE tenant_id = ?1 AND id = ?2",
                &[Arg::Text(tenant_id), Arg::Text(contact_id)],
            )?,
            interest_rows(&db, tenant_id, contact_id)?,
        ])
        .await?;
    let [tenant, lead, contact, interest] = reads.as_slice() else {
        return Err(worker::Error::RustError(format!("the lead's reads answered {} results", reads.len())));
    };
    let Some(tenant) = tenant.results::<d1::TenantRow>()?.into_iter().next() else { return Ok(()) };
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    let stored = lead.results::<LeadRow>()?.into_iter().next().map(LeadRow::parse).transpose()?;
    if contact.results::<serde_json::Value>()?.is_empty() {
        // Erased while this job was on the queue: there is no one to keep a lead for.
        worker::console_log!("lead update skipped: contact {contact_id} no longer exists (erased)");
        return Ok(());
    }
    // What they did with listings counts as of now (a viewing booked in this very turn included).
    let interest = interest_seen(&aggregate(interest.results()?));
    let questions = settings.questions();
    let threshold = settings.escalation_rules.high_value_score;
    let intent = lead_intent_key(&message.message_id);
    let template = settings.template.as_deref();
    let Some(update) = apply(stored.as_ref(), message, template, &questions, threshold, &interest) else {
        // Applied by an earlier run of this job (which marked its intent done with its write).
        return intent_done(&db, tenant_id, &intent).await;
    };
    let now = WorkerClock.now_ms();
    let lead = &update.lead;
    let (fields, signals) = (serde_json::to_string(&lead.fields)?, serde_json::to_string(&lead.signals)?);
    let (explanation, applied) = (serde_json::to_string(&update.score.items)?, serde_json::to_string(&lead.applied)?);
    let version = stored.as_ref().map_or(0, |s| s.version) as u64;
    let score = u64::from(update.score.value);
    let write = statement(
        &db,
        "INSERT INTO leads (contact_id, tenant_id, status, score, band, fields, signals, explanation, applied, \
                            version, created_at, updated_at) \
         SELECT ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?11, ?11 \
         WHERE EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND id = ?2) \
         ON CONFLICT (contact_id) DO UPDATE SET status = excluded.status, score = excluded.score, \
             band = excluded.band, fields = excluded.fields, signals = excluded.signals, \
             explanation = excluded.explanation, applied = excluded.applied, version = leads.version + 1, \
             updated_at = excluded.updated_at \
         WHERE leads.version = ?10",
        &[
            Arg::Text(tenant_id),
            Arg::Text(contact_id),
            Arg::Text(lead.status.as_str()),
            Arg::Int(score),
            Arg::Text(update.score.band.as_str()),
            Arg::Text(&fields),
            Arg::Text(&signals),
            Arg::Text(&explanation),
            Arg::Text(&applied),
            Arg::Int(version),
            Arg::Int(now),
        ],
    )?;
    // Done only if the lead write above applied (`changes()` is the previous statement's count
    // in the batch's one transaction): a lost race leaves the intent pending for the retry.
    let done = statement(
        &db,
        "UPDATE job_intents SET status = 'done', updated_at = ?3 \
         WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending' AND changes() > 0",
        &[Arg::Text(tenant_id), Arg::Text(&intent), Arg::Int(now)],
    )?;
    let mut statements = vec![write, done];
    for change in &update.changes {
        let id = ids::make(ids::LEAD_CHANGE, now, WorkerRandom.next_u64());
        let (old, new) = (change.old.as_ref().map(|v| v.to_string()), change.new.to_string());
        statements.push(statement(
            &db,
            "INSERT INTO lead_changes (id, tenant_id, contact_id, field, old_value, new_value, evidence, message_id, \
                                       created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            &[
                Arg::Text(&id),
                Arg::Text(tenant_id),
                Arg::Text(contact_id),
                Arg::Text(&frontdesk_core::lead::slot_name(change.field)),
                Arg::OptText(old.as_deref()),
                Arg::Text(&new),
                Arg::Text(&change.evidence),
                Arg::Text(&change.message_id),
                Arg::Int(now),
            ],
        )?);
    }
    let escalation_id = ids::make(ids::ESCALATION, now, WorkerRandom.next_u64());
    let escalation = high_value_escalation(&update);
    if let Some(request) = &escalation {
        statements.push(statement(
            &db,
            "INSERT INTO escalations (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, status, \
                                      summary, detail, created_at, updated_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, ?10, ?10 \
             WHERE EXISTS (SELECT 1 FROM messages WHERE tenant_id = ?2 AND id = ?5) ON CONFLICT DO NOTHING",
            &[
                Arg::Text(&escalation_id),
                Arg::Text(tenant_id),
                Arg::Text(contact_id),
                Arg::Text(conversation_id),
                Arg::Text(&message.message_id),
                Arg::Text(request.reason.as_str()),
                Arg::Text(request.reason.priority().as_str()),
                Arg::Text(&request.summary),
                Arg::Text(&request.detail),
                Arg::Int(now),
            ],
        )?);
    }
    let results = db.batch(statements).await?;
    let written = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    if written == 0 {
        // Another message of this contact updated the lead first: retry on the newer row.
        return Err(worker::Error::RustError(format!("lead {contact_id} changed meanwhile (version {version})")));
    }
    // The escalation is announced only by the run that inserted it (the last statement).
    let inserted = results.last().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0;
    let raised = escalation.as_ref().filter(|_| inserted).map(|request| (escalation_id.as_str(), request));
    let subject = Subject { tenant_id, contact_id, conversation_id, message_id: &message.message_id, at: now };
    let events = events(&subject, &update, raised);
    publish_all(env, events).await;
    Ok(())
}
