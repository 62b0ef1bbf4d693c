//! The Worker's D1 queries: tenant resolution and the tenant API's reads. The inbound write
//! path belongs to `ConversationDO` (frontdesk-durable).

pub mod analytics;
pub mod api_keys;
pub mod approvals;
pub mod call_summaries;
pub mod calls;
pub mod console_reads;
mod contacts;
mod escalations;
pub mod holds;
pub mod inbox;
pub mod kb;
pub mod kb_jobs;
pub mod kb_unanswered;
mod leads;
pub mod listings;
pub mod oauth;
pub mod privacy;
mod reads;
pub mod sessions;
mod settings;
pub mod tenant_admin;
mod tenants;
mod tickets;
mod unparsed;
pub mod users;

pub use contacts::{contact_id_for_visitor, link_identities};
pub use escalations::{escalation, escalation_list, open_escalations_of, set_escalation_status, StatusChange};
pub use frontdesk_durable::platform::d1::{database, statement, Arg};
pub use leads::{lead, lead_changes, lead_list, set_lead_status, Lead};
pub use reads::{
    apply_message_status, apply_outbound_status, audit_list, contact, contact_list, contact_messages, conversation,
    message_list, outbox_list, ContactFilter,
};
pub use settings::{save_tenant, tenant_row, tenant_statement, TenantRow};
pub use tenants::{
    channel_tenant, forget_cached_channels, tenant_channels, tenant_for_api_key, tenant_profile, ChannelTenant,
};
pub use tickets::{open_ticket, ticket, ticket_list, update_ticket};
pub use unparsed::{keep_unparsed, record_replay, unparsed, unparsed_list};
pub use users::owner_emails;

/// A page of a tenant's `table` rows, newest id first, optionally of one `status` — the shape
/// the queues of the API (escalations, tickets) share. `table` and `columns` are fixed names
/// from the caller, never input.
pub async fn status_page<R: serde::de::DeserializeOwned>(
    db: &worker::D1Database,
    table: (&str, &str),
    tenant_id: &str,
    status: Option<&str>,
    page: &frontdesk_core::api::PageRequest,
) -> worker::Result<Vec<R>> {
    filtered_page(db, table, tenant_id, ("status", status), page).await
}

/// [`status_page`] filtered on any one column (`column`, a fixed name, equal to the value if
/// one is given), e.g. the calls of one contact.
pub async fn filtered_page<R: serde::de::DeserializeOwned>(
    db: &worker::D1Database,
    (table, columns): (&str, &str),
    tenant_id: &str,
    (column, value): (&str, Option<&str>),
    page: &frontdesk_core::api::PageRequest,
) -> worker::Result<Vec<R>> {
    statement(
        db,
        &format!(
            "SELECT {columns} FROM {table} WHERE tenant_id = ?1 AND (?2 IS NULL OR {column} = ?2) \
             AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::OptText(value),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
        ],
    )?
    .all()
    .await?
    .results()
}

/// One of a tenant's `table` rows by id (`None`: no such row for this tenant).
pub async fn by_id<R: serde::de::DeserializeOwned>(
    db: &worker::D1Database,
    (table, columns): (&str, &str),
    tenant_id: &str,
    id: &str,
) -> worker::Result<Option<R>> {
    statement(
        db,
        &format!("SELECT {columns} FROM {table} WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// SQLite has no booleans: a flag column or expression is 0, 1 or NULL.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<bool>, D::Error> {
    Ok(<Option<f64> as serde::Deserialize>::deserialize(d)?.map(|n| n != 0.0))
}

/// One `audit_log` row: who did what to which subject, and when.
pub struct Audit<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    /// `api_key:<id>`, `system`, `webhook:<provider>`.
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    /// JSON.
    pub detail: &'a str,
    pub at_ms: u64,
}

/// The statement recording `audit`, to run in the same batch as the change it describes.
pub fn audit_statement(db: &worker::D1Database, audit: &Audit<'_>) -> worker::Result<worker::D1PreparedStatement> {
    audit_with(db, audit, "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
}

/// [`audit_statement`], written only when the statement before it in the batch changed a row
/// (`changes()` reads that statement: a batch runs in order on one connection).
pub fn audit_if_changed(db: &worker::D1Database, audit: &Audit<'_>) -> worker::Result<worker::D1PreparedStatement> {
    audit_with(db, audit, "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE changes() > 0")
}

/// How many rows the `index`-th statement of a batch wrote (0 when D1 does not say).
pub fn rows_written(results: &[worker::D1Result], index: usize) -> usize {
    results.get(index).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0)
}

/// `change` and, when it wrote a row, its audit entry ([`audit_if_changed`]), in one batch;
/// whether it wrote.
pub async fn change_audited(
    db: &worker::D1Database,
    change: worker::D1PreparedStatement,
    audit: &Audit<'_>,
) -> worker::Result<bool> {
    let results = db.batch(vec![change, audit_if_changed(db, audit)?]).await?;
    Ok(rows_written(&results, 0) > 0)
}

fn audit_with(db: &worker::D1Database, audit: &Audit<'_>, values: &str) -> worker::Result<worker::D1PreparedStatement> {
    statement(
        db,
        &format!("INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) {values}"),
        &[
            Arg::Text(audit.id),
            Arg::Text(audit.tenant_id),
            Arg::Text(audit.actor),
            Arg::Text(audit.action),
            Arg::Text(audit.subject),
            Arg::Text(audit.detail),
            Arg::Int(audit.at_ms),
        ],
    )
}
