//! Whether a person holds a conversation (`conversations.held_by`, core::console::takeover):
//! the turn reads it before answering, since a hold is taken through the API while the
//! thread's object may be remembering the conversation from before.

use super::d1::{statement, Arg};
use serde::Deserialize;
use worker::{D1Database, Result};

pub async fn is_held(db: &D1Database, tenant_id: &str, conversation_id: &str) -> Result<bool> {
    #[derive(Deserialize)]
    struct Row {
        held: u32,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT held_by IS NOT NULL AS held FROM conversations WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some_and(|r| r.held == 1))
}
