//! A contact's rows across D1, read for the export and deleted for erasure, each table through
//! the one predicate `core::privacy::STORES` gives it.

use super::{statement, Arg};
use frontdesk_core::privacy::{erased_audit_sql, Store, Subject, STORES, WHO};
use serde::Deserialize;
use serde_json::{Map, Value};
use worker::{D1Database, D1PreparedStatement, Result};

/// Who is exported or erased: the contact's keys, or `None` for an unknown id or another
/// tenant's.
pub async fn subject(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Option<Subject>> {
    #[derive(Deserialize)]
    struct Row {
        phone: Option<String>,
        email: Option<String>,
        visitor: Option<String>,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT phone, email, visitor FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|row| Subject {
        tenant_id: tenant_id.to_owned(),
        contact_id: contact_id.to_owned(),
        phone: row.phone,
        email: row.email,
        visitor: row.visitor,
    }))
}

/// `sql` with the six `who` values bound (and `extra` after them).
fn bound(db: &D1Database, sql: &str, subject: &Subject, extra: &[Arg<'_>]) -> Result<D1PreparedStatement> {
    let digits = subject.digits();
    let mut args = vec![
        Arg::Text(&subject.tenant_id),
        Arg::Text(&subject.contact_id),
        Arg::OptText(subject.phone.as_deref()),
        Arg::OptText(subject.email.as_deref()),
        Arg::OptText(digits.as_deref()),
        Arg::OptText(subject.visitor.as_deref()),
    ];
    args.extend_from_slice(extra);
    statement(db, sql, &args)
}

/// Every table's rows about the contact, by table name, JSON columns as JSON.
pub async fn export(db: &D1Database, subject: &Subject) -> Result<Map<String, Value>> {
    let statements =
        STORES.iter().map(|store| bound(db, &store.select_sql(), subject, &[])).collect::<Result<Vec<_>>>()?;
    let mut tables = Map::new();
    for (store, result) in STORES.iter().zip(db.batch(statements).await?) {
        let rows = result.results::<Map<String, Value>>()?.into_iter().map(|row| with_json(store, row)).collect();
        tables.insert(store.table.to_owned(), Value::Array(rows));
    }
    Ok(tables)
}

fn with_json(store: &Store, mut row: Map<String, Value>) -> Value {
    for column in store.json_columns {
        if let Some(Value::String(text)) = row.get(*column) {
            if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                row.insert((*column).to_owned(), parsed);
            }
        }
    }
    Value::Object(row)
}

/// Deletes every row about the contact in one transaction, its audit entry (`contact.erased`:
/// actor, contact id, rows per table; nothing personal) first. The rows deleted per table, or
/// `None` when the contact was already gone (a racing erasure won).
pub async fn erase(
    db: &D1Database,
    subject: &Subject,
    (audit_id, actor, now): (&str, &str, u64),
) -> Result<Option<Map<String, Value>>> {
    let mut statements =
        vec![bound(db, &erased_audit_sql(), subject, &[Arg::Text(audit_id), Arg::Text(actor), Arg::Int(now)])?];
    for store in STORES {
        statements.push(bound(db, &store.delete_sql(), subject, &[])?);
    }
    let results = db.batch(statements).await?;
    if super::rows_written(&results, 0) == 0 {
        return Ok(None);
    }
    Ok(Some(
        STORES
            .iter()
            .enumerate()
            .map(|(i, store)| (store.table.to_owned(), super::rows_written(&results, i + 1).into()))
            .collect(),
    ))
}

/// The contact's calls: the object each one had (by CallSid) and its recording, if kept.
#[derive(Deserialize)]
pub struct CallRef {
    pub id: String,
    pub call_sid: String,
    pub recording_sid: Option<String>,
}

pub async fn calls_of(db: &D1Database, subject: &Subject) -> Result<Vec<CallRef>> {
    let calls = STORES.iter().find(|s| s.table == "calls").expect("calls are mapped");
    let sql = calls.select_sql().replacen("SELECT *", "SELECT id, call_sid, recording_sid", 1);
    bound(db, &sql, subject, &[])?.all().await?.results()
}

/// The knowledge base documents of FAQs staff made from the contact's unanswered questions
/// whose question is still the contact's own words (an FAQ whose question staff rewrote holds
/// only the business's words and stays).
pub async fn faq_documents_of(db: &D1Database, subject: &Subject) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        document_id: String,
    }
    let rows: Vec<Row> = bound(
        db,
        &format!(
            "{WHO}SELECT DISTINCT c.document_id FROM kb_unanswered u \
         JOIN kb_chunks c ON c.tenant_id = u.tenant_id AND c.id = u.faq_id AND c.title = u.question \
         WHERE u.tenant_id = (SELECT tenant FROM who) AND u.contact_id = (SELECT contact FROM who)"
        ),
        subject,
        &[],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.document_id).collect())
}
