//! A contact's personal data in D1, as data: every table that holds rows about one contact and
//! how those rows are found ([`Key`]). Export (`GET /api/v1/contacts/{id}/export`) reads and
//! erasure (`DELETE /api/v1/contacts/{id}`) deletes with the same predicate from [`STORES`], so
//! the two cannot drift apart; a table left out is in [`NOT_PERSONAL`] with the reason
//! (docs/PRIVACY.md), and a host test fails when a migration adds a table that is in neither.
//!
//! Every statement starts with the `who` row — `WITH who(tenant, contact, phone, email, digits,
//! visitor) AS (VALUES (?1, …, ?6))` — so each binds the same six values whichever it uses.

use crate::phone::PhoneE164;
use serde::Serialize;

/// How a table's rows about the contact are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The contact's own row (`contacts.id`).
    Id,
    /// `contact_id` names them.
    ContactId,
    /// `calls`: the caller's contact, or their number at either end (a call we placed to them).
    ContactOrNumber,
    /// `outbox`: a delivery of one of their messages, to their number or address, or a page
    /// about one of their escalations (`dedupe_key` = `<escalation id>:…`).
    Delivery,
    /// `job_intents`: the job's JSON names them, their number or address, or one of their
    /// records (message, escalation, booking, call).
    Job,
    /// `webhook_events`: the ledger row of one of their messages or calls, or a turn in flight
    /// that names them.
    LedgerEvent,
    /// `audit_log`: about them or one of their records, or naming them in `detail` — except the
    /// erasure's own entry, which is what remains.
    Audit,
    /// `approvals`: a held MCP call whose arguments or result name them.
    Approval,
    /// `unparsed_events`: a kept raw body carrying their number's digits (Meta writes
    /// `447700900123`, Twilio `%2B447700900123`, Quo `+447700900123`).
    RawBody,
}

/// One table holding personal data about a contact.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    pub table: &'static str,
    pub key: Key,
    /// Columns holding JSON text, given to the export as JSON rather than as strings.
    pub json_columns: &'static [&'static str],
}

const fn store(table: &'static str, key: Key, json_columns: &'static [&'static str]) -> Store {
    Store { table, key, json_columns }
}

/// In erasure order: rows that point at others (by foreign key, or by naming their ids in a
/// predicate below) go before what they point at, and the contact last.
pub const STORES: &[Store] = &[
    store("audit_log", Key::Audit, &["detail"]),
    store("job_intents", Key::Job, &["job"]),
    store("outbox", Key::Delivery, &["payload"]),
    store("webhook_events", Key::LedgerEvent, &["response", "turn"]),
    store("approvals", Key::Approval, &["arguments", "result"]),
    store("unparsed_events", Key::RawBody, &["headers"]),
    store("kb_unanswered", Key::ContactId, &[]),
    store("listing_offers", Key::ContactId, &[]),
    store("listing_interest", Key::ContactId, &[]),
    store("saved_searches", Key::ContactId, &["criteria"]),
    store("follow_ups", Key::ContactId, &[]),
    store("dialogue_states", Key::ContactId, &["state"]),
    store("lead_changes", Key::ContactId, &["old_value", "new_value"]),
    store("leads", Key::ContactId, &["fields", "signals", "explanation", "applied"]),
    store("tickets", Key::ContactId, &["notes", "media"]),
    store("escalations", Key::ContactId, &["detail"]),
    store("bookings", Key::ContactId, &[]),
    store("calls", Key::ContactOrNumber, &["summary", "handoff"]),
    store("messages", Key::ContactId, &["media"]),
    store("conversations", Key::ContactId, &[]),
    store("contacts", Key::Id, &[]),
];

/// Tables that hold nothing about a contact, and why (docs/PRIVACY.md says the same).
pub const NOT_PERSONAL: &[(&str, &str)] = &[
    ("tenants", "the business itself: name, hours, settings (its own staff on call, not customers)"),
    ("tenant_channels", "the business's numbers and provider accounts"),
    ("api_keys", "the business's keys, stored hashed"),
    ("llm_usage", "token counts per tenant and month, no person"),
    // Created by the plans work (migration 0024 on main): listed ahead so the merge stays green.
    ("usage_alerts", "which quota and unusual-activity alerts the owner had: counts and a number prefix, no person"),
    ("kb_bases", "names of the business's knowledge bases"),
    ("kb_documents", "the business's documents; an FAQ made from a contact's question is erased with it"),
    ("kb_chunks", "the business's knowledge; an FAQ made from a contact's question is erased with it"),
    ("kb_fts", "the index of kb_chunks, kept in step by triggers"),
    ("kb_jobs", "the business's document imports"),
    ("listings", "the business's catalogue (a landlord's details are the business's, not a contact's)"),
    ("users", "the business's staff"),
    ("oauth_clients", "the platform's MCP clients"),
    ("oauth_grants", "staff members' authorizations"),
    ("oauth_codes", "staff members' authorization codes, hashed"),
    ("oauth_tokens", "staff members' tokens, hashed"),
    ("console_sessions", "staff members' console sign-ins, hashed"),
];

/// The tables whose rows are "one of their records": ids another table may name.
const RECORDS: &[(&str, &str)] =
    &[("messages", "id"), ("escalations", "id"), ("bookings", "id"), ("calls", "id"), ("tickets", "id")];

/// The six values every statement binds, named for the predicates.
pub const WHO: &str = "WITH who(tenant, contact, phone, email, digits, visitor) AS (VALUES (?1, ?2, ?3, ?4, ?5, ?6)) ";
const T: &str = "(SELECT tenant FROM who)";
const C: &str = "(SELECT contact FROM who)";
const P: &str = "(SELECT phone FROM who)";
const E: &str = "(SELECT email FROM who)";

/// `column` (text) names the contact, their number or address (a NULL one matches nothing).
fn names_them(column: &str) -> String {
    format!("(instr({column}, {C}) > 0 OR instr({column}, {P}) > 0 OR instr({column}, {E}) > 0)")
}

/// `column` (text) contains the id of one of their records.
fn names_a_record(column: &str) -> String {
    RECORDS
        .iter()
        .map(|(table, id)| {
            format!("EXISTS (SELECT 1 FROM {table} r WHERE r.tenant_id = {T} AND r.contact_id = {C} AND instr({column}, r.{id}) > 0)")
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `column` equals the id of one of their records.
fn is_a_record(column: &str) -> String {
    RECORDS
        .iter()
        .map(|(table, id)| format!("{column} IN (SELECT {id} FROM {table} WHERE tenant_id = {T} AND contact_id = {C})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

impl Key {
    /// The condition (besides the tenant) a row about the contact meets.
    pub fn predicate(self) -> String {
        let theirs = |table: &str, column: &str| {
            format!("(SELECT {column} FROM {table} WHERE tenant_id = {T} AND contact_id = {C})")
        };
        match self {
            Key::Id => format!("id = {C}"),
            Key::ContactId => format!("contact_id = {C}"),
            Key::ContactOrNumber => format!("(contact_id = {C} OR from_number = {P} OR to_number = {P})"),
            Key::Delivery => format!(
                "(message_id IN {} OR instr(recipient, {P}) > 0 OR recipient = {E} \
                 OR substr(dedupe_key, 1, instr(dedupe_key, ':') - 1) IN {})",
                theirs("messages", "id"),
                theirs("escalations", "id"),
            ),
            Key::Job => format!("({} OR {})", names_them("job"), names_a_record("job")),
            Key::LedgerEvent => format!(
                "(event_id IN {} OR event_id IN {} OR (turn IS NOT NULL AND ({} OR instr(turn, (SELECT visitor FROM who)) > 0)))",
                theirs("messages", "provider_message_id"),
                theirs("calls", "call_sid"),
                names_them("turn"),
            ),
            Key::Audit => format!(
                "(action <> '{ERASED_ACTION}' AND (subject = {C} OR {} OR {}))",
                is_a_record("subject"),
                names_them("detail")
            ),
            Key::Approval => format!("({} OR {})", names_them("arguments"), names_them("COALESCE(result, '')")),
            Key::RawBody => "instr(body, (SELECT digits FROM who)) > 0".to_owned(),
        }
    }
}

/// The audit action erasure leaves behind.
pub const ERASED_ACTION: &str = "contact.erased";

impl Store {
    fn filter(&self) -> String {
        format!("tenant_id = {T} AND {}", self.key.predicate())
    }

    /// The rows about the contact (all columns), for the export.
    pub fn select_sql(&self) -> String {
        format!("{WHO}SELECT * FROM {} WHERE {}", self.table, self.filter())
    }

    /// Deletes the rows about the contact.
    pub fn delete_sql(&self) -> String {
        format!("{WHO}DELETE FROM {} WHERE {}", self.table, self.filter())
    }
}

/// The erasure's audit entry, written first in the erasure's batch and only while the contact
/// exists (a second erasure writes nothing, so it can answer 404): `?7` its id, `?8` the actor,
/// `?9` the time. Its detail counts, per table, the rows the deletes after it remove — counted
/// in the same transaction — and holds no personal data; its subject is the contact id.
pub fn erased_audit_sql() -> String {
    let counts = STORES
        .iter()
        .map(|s| format!("'{}', (SELECT COUNT(*) FROM {} WHERE {})", s.table, s.table, s.filter()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{WHO}INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) \
         SELECT ?7, {T}, ?8, '{ERASED_ACTION}', {C}, json_object('rows', json_object({counts})), ?9 \
         WHERE EXISTS (SELECT 1 FROM contacts WHERE tenant_id = {T} AND id = {C})"
    )
}

/// Who is being exported or erased: the values bound as `?1`…`?6`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub tenant_id: String,
    pub contact_id: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub visitor: Option<String>,
}

impl Subject {
    /// The number without its `+`, as every provider's raw body carries it one way or another;
    /// `None` for a number too short to be told apart from other digits.
    pub fn digits(&self) -> Option<String> {
        let phone = PhoneE164::parse(self.phone.as_deref()?).ok()?;
        let digits = phone.as_str().trim_start_matches('+');
        (digits.len() >= 8).then(|| digits.to_owned())
    }

    /// The strings that identify the contact in free text (events, caches): id, number, address,
    /// chat visitor.
    pub fn needles(&self) -> Vec<String> {
        let mut needles = vec![self.contact_id.clone()];
        needles.extend(self.phone.iter().chain(&self.email).chain(&self.visitor).cloned());
        needles
    }
}

/// Tables a migration creates (`CREATE TABLE name` / `CREATE VIRTUAL TABLE name`), from its SQL
/// text; the `_new` copies a migration renames into place count under their final name.
pub fn created_tables(sql: &str) -> Vec<String> {
    let mut tables = Vec::new();
    for line in sql.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let name = match words.as_slice() {
            ["CREATE", "TABLE", name, ..] | ["CREATE", "VIRTUAL", "TABLE", name, ..] => *name,
            _ => continue,
        };
        let name = name.trim_end_matches('(');
        let name = name.strip_suffix("_new").unwrap_or(name);
        if !tables.iter().any(|t| t == name) {
            tables.push(name.to_owned());
        }
    }
    tables
}

#[cfg(test)]
mod tests;
