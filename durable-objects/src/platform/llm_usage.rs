//! The tenant's LLM tokens per local month (`llm_usage`): what the monthly budget is checked
//! against, charged by the conversation's turn (in its reply's batch) and by the copilot's drafts.

use super::d1::{statement, Arg};
use frontdesk_core::llm::Usage;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

/// Tokens spent in `month` (`YYYY-MM`, `core::plan::usage::month_key`).
pub async fn month_tokens(db: &D1Database, tenant_id: &str, month: &str) -> Result<u64> {
    #[derive(Deserialize)]
    struct Used {
        used: u64,
    }
    let row: Option<Used> = statement(
        db,
        "SELECT input_tokens + output_tokens AS used FROM llm_usage WHERE tenant_id = ?1 AND month = ?2",
        &[Arg::Text(tenant_id), Arg::Text(month)],
    )?
    .first(None)
    .await?;
    Ok(row.map_or(0, |r| r.used))
}

/// Adds one call's tokens to the month.
pub fn charge(db: &D1Database, tenant_id: &str, month: &str, usage: &Usage) -> Result<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO llm_usage (tenant_id, month, input_tokens, output_tokens, calls) VALUES (?1, ?2, ?3, ?4, 1) \
         ON CONFLICT (tenant_id, month) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, \
             output_tokens = output_tokens + excluded.output_tokens, calls = calls + 1",
        &[Arg::Text(tenant_id), Arg::Text(month), Arg::Int(usage.input_tokens), Arg::Int(usage.output_tokens)],
    )
}
