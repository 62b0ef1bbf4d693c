//! STUB until the knowledge base's D1 search lands (kb-lexical): same signature, no passages.

use frontdesk_core::kb::Passage;
use worker::{D1Database, Env, Result};

pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub kb: Option<&'a str>,
    pub category: Option<&'a str>,
    pub limit: usize,
}

pub async fn search(_env: &Env, _db: &D1Database, _tenant_id: &str, _q: &SearchQuery<'_>) -> Result<Vec<Passage>> {
    Ok(Vec::new())
}
