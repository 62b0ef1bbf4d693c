//! The console's conversation list and one conversation as it shows them
//! (core::console::inbox): the hold, the unread count and the contact, joined in one query.

use super::{statement, Arg};
use frontdesk_core::api::{like_escaped, PageRequest};
use frontdesk_core::console::inbox::{CallerType, InboxFilter, InboxRow};
use worker::{D1Database, Result};

const SELECT: &str = "SELECT c.id, c.contact_id, c.channel, c.status, c.started_at, c.last_message_at, \
    c.held_by, c.held_since, u.email AS held_email, \
    (SELECT COUNT(*) FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id \
       AND m.direction = 'inbound' AND m.created_at > COALESCE(c.read_at, 0)) AS unread, \
    co.name AS contact_name, co.phone AS contact_phone, co.email AS contact_email \
    FROM conversations c JOIN contacts co ON co.tenant_id = c.tenant_id AND co.id = c.contact_id \
    LEFT JOIN users u ON u.tenant_id = c.tenant_id AND 'user:' || u.id = c.held_by";

const LANDLORD: &str = "EXISTS (SELECT 1 FROM listings l WHERE l.tenant_id = c.tenant_id \
    AND ((co.phone IS NOT NULL AND json_extract(l.landlord, '$.phone') = co.phone) \
      OR (co.email IS NOT NULL AND lower(json_extract(l.landlord, '$.email')) = co.email)))";
const TENANT: &str = "EXISTS (SELECT 1 FROM tickets k WHERE k.tenant_id = c.tenant_id AND k.contact_id = c.contact_id)";
const LEAD: &str = "EXISTS (SELECT 1 FROM leads d WHERE d.tenant_id = c.tenant_id AND d.contact_id = c.contact_id)";

pub async fn inbox(
    db: &D1Database,
    tenant_id: &str,
    filter: &InboxFilter,
    page: &PageRequest,
) -> Result<Vec<InboxRow>> {
    let caller = match filter.caller {
        None => "1".to_owned(),
        Some(CallerType::Landlord) => LANDLORD.to_owned(),
        Some(CallerType::Tenant) => format!("{TENANT} AND NOT {LANDLORD}"),
        Some(CallerType::Lead) => format!("{LEAD} AND NOT {TENANT} AND NOT {LANDLORD}"),
    };
    let q = filter.q.as_deref().map(like_escaped);
    statement(
        db,
        &format!(
            "{SELECT} WHERE c.tenant_id = ?1 AND (?2 IS NULL OR c.id < ?2) \
             AND (?4 IS NULL OR c.channel = ?4) AND (?5 IS NULL OR c.status = ?5) \
             AND (?6 = 0 OR EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = c.tenant_id \
               AND m.conversation_id = c.id AND m.direction = 'inbound' AND m.created_at > COALESCE(c.read_at, 0))) \
             AND (?7 IS NULL OR co.name LIKE '%' || ?7 || '%' ESCAPE '\\' OR co.phone LIKE '%' || ?7 || '%' ESCAPE '\\' \
               OR co.email LIKE '%' || ?7 || '%' ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m \
                 WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.body LIKE '%' || ?7 || '%' ESCAPE '\\')) \
             AND {caller} ORDER BY c.id DESC LIMIT ?3"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
            Arg::OptText(filter.channel.as_deref()),
            Arg::OptText(filter.status.as_deref()),
            Arg::Int(u64::from(filter.unread)),
            Arg::OptText(q.as_deref()),
        ],
    )?
    .all()
    .await?
    .results()
}

pub async fn inbox_item(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<InboxRow>> {
    statement(db, &format!("{SELECT} WHERE c.tenant_id = ?1 AND c.id = ?2"), &[Arg::Text(tenant_id), Arg::Text(id)])?
        .first(None)
        .await
}
