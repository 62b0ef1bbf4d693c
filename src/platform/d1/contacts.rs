//! One contact per person, whichever way they first wrote: when a form gives both a phone
//! number and an email, the contact known by one learns the other, and two contacts that turn
//! out to be the same person are merged (the phone contact keeps its id; the email-only
//! contact's conversations, messages, escalations and lead history move to it).

use super::{statement, Arg};
use frontdesk_core::contact_key::Email;
use frontdesk_core::phone::PhoneE164;
use worker::{D1Database, Result};

/// Links `phone` and `email` to one contact, in one transaction. A different phone number
/// already on the email's contact is left alone (two numbers, one address: not provably the
/// same person), and the phone contact then goes without the email.
pub async fn link_identities(
    db: &D1Database,
    tenant_id: &str,
    phone: &PhoneE164,
    email: &Email,
    audit_id: &str,
    now_ms: u64,
) -> Result<()> {
    let (p, e) = (phone.as_str(), email.as_str());
    let base = [Arg::Text(tenant_id), Arg::Text(p), Arg::Text(e)];
    // ?1 tenant, ?2 phone, ?3 email. `dup` is the email-only contact to fold into the phone one.
    const DUP: &str = "(SELECT id FROM contacts WHERE tenant_id = ?1 AND email = ?3 AND phone IS NULL \
                       AND EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND phone = ?2))";
    const KEEP: &str = "(SELECT id FROM contacts WHERE tenant_id = ?1 AND phone = ?2)";
    let moves = ["conversations", "messages", "escalations", "lead_changes"]
        .map(|table| format!("UPDATE {table} SET contact_id = {KEEP} WHERE tenant_id = ?1 AND contact_id = {DUP}"));
    let mut statements = vec![statement(
        db,
        &format!(
            "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) \
             SELECT ?4, ?1, 'system', 'contact.merged', {KEEP}, json_object('merged', {DUP}, 'email', ?3), ?5 \
             WHERE {DUP} IS NOT NULL"
        ),
        &[Arg::Text(tenant_id), Arg::Text(p), Arg::Text(e), Arg::Text(audit_id), Arg::Int(now_ms)],
    )?];
    for sql in &moves {
        statements.push(statement(db, sql, &base)?);
    }
    statements.extend([
        // The phone contact keeps its lead; the duplicate's lead (if the phone contact has none) moves.
        statement(
            db,
            &format!(
                "UPDATE leads SET contact_id = {KEEP} WHERE contact_id = {DUP} \
                 AND NOT EXISTS (SELECT 1 FROM leads WHERE contact_id = {KEEP})"
            ),
            &base,
        )?,
        statement(db, &format!("DELETE FROM leads WHERE contact_id = {DUP}"), &base)?,
        statement(
            db,
            &format!(
                "UPDATE contacts SET name = COALESCE(name, (SELECT name FROM contacts WHERE id = {DUP})) \
                 WHERE tenant_id = ?1 AND phone = ?2"
            ),
            &base,
        )?,
        statement(db, &format!("DELETE FROM contacts WHERE id = {DUP}"), &base)?,
        // Known by email only: it learns the phone number.
        statement(
            db,
            "UPDATE contacts SET phone = ?2, updated_at = ?4 WHERE tenant_id = ?1 AND email = ?3 AND phone IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND phone = ?2)",
            &[Arg::Text(tenant_id), Arg::Text(p), Arg::Text(e), Arg::Int(now_ms)],
        )?,
        // Known by phone only: it learns the email, if no one else has it.
        statement(
            db,
            "UPDATE contacts SET email = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND phone = ?2 AND email IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND email = ?3)",
            &[Arg::Text(tenant_id), Arg::Text(p), Arg::Text(e), Arg::Int(now_ms)],
        )?,
    ]);
    db.batch(statements).await?;
    Ok(())
}

/// The contact a website chat visitor became on their first message.
pub async fn contact_id_for_visitor(db: &D1Database, tenant_id: &str, visitor: &str) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT id FROM contacts WHERE tenant_id = ?1 AND visitor = ?2",
        &[Arg::Text(tenant_id), Arg::Text(visitor)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.id))
}
