//! Saved searches over D1 (docs/STORAGE.md "Saved searches and listing offers"): kept from a
//! conversation's "yes" or by staff, stopped by an opt-out (the turn's batch), and the offers
//! of the listings that match — written when a listing write is news
//! (`listings::saved::news`, `offers`), sent when the tenant's hours and quiet hours allow
//! (`outreach::may_send`) by the request that wrote them or, deferred, by the sweeper.

use super::d1::{statement, Arg};
use super::enqueue_all;
use super::listings::{get, interest_statement};
use super::outreach::{message_statements, reach, Outgoing};
use super::time::{local_time, WorkerRandom};
use frontdesk_core::ids;
use frontdesk_core::listings::saved::{news, offer_message_id, offer_text, offers, Criteria, Offered, Reason, Saved};
use frontdesk_core::listings::{InterestLevel, Listing, Status};
use frontdesk_core::outreach::may_send;
use frontdesk_core::ports::Random;
use frontdesk_core::tenant::Settings;
use serde::{Deserialize, Serialize};
use worker::{D1Database, Env, Result};

/// Searches one listing write is matched against at most: far more than a tenant's live leads.
const MAX_SEARCHES: u32 = 5_000;
/// Offers sent per pass; the next pass (a minute later) sends the rest.
const BATCH: u32 = 50;
/// Offer rows written per D1 batch (an import can make many).
const STATEMENTS_PER_BATCH: usize = 100;

/// A saved search as the API shows it.
#[derive(Debug, Serialize)]
pub struct SavedSearch {
    pub id: String,
    pub contact_id: String,
    pub criteria: Criteria,
    /// Its criteria in words: "a two-bedroom place to rent in Clifton up to £1,500".
    pub description: String,
    /// `conversation` (the contact said yes) or `staff`.
    pub source: String,
    /// The contact's words that opted in.
    pub opt_in: Option<String>,
    /// `active`, or `stopped` by an opt-out.
    pub status: String,
    pub created_at: u64,
    pub stopped_at: Option<u64>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    contact_id: String,
    criteria: String,
    source: String,
    opt_in: Option<String>,
    status: String,
    created_at: f64,
    stopped_at: Option<f64>,
}

impl Row {
    fn into_search(self) -> Result<SavedSearch> {
        let criteria: Criteria = serde_json::from_str(&self.criteria)
            .map_err(|e| worker::Error::RustError(format!("saved search {}: bad criteria: {e}", self.id)))?;
        Ok(SavedSearch {
            description: criteria.describe(),
            criteria,
            id: self.id,
            contact_id: self.contact_id,
            source: self.source,
            opt_in: self.opt_in,
            status: self.status,
            created_at: self.created_at as u64,
            stopped_at: self.stopped_at.map(|t| t as u64),
        })
    }
}

const COLUMNS: &str = "id, contact_id, criteria, source, opt_in, status, created_at, stopped_at";

/// Keeps `criteria` for the contact; the same criteria already active is that search.
pub async fn save(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    criteria: &Criteria,
    source: &str,
    opt_in: Option<&str>,
    now: u64,
) -> Result<SavedSearch> {
    let id = ids::make(ids::SAVED_SEARCH, now, WorkerRandom.next_u64());
    let json = serde_json::to_string(criteria)?;
    let args = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Text(&json)];
    let results = db
        .batch(vec![
            statement(
                db,
                "INSERT INTO saved_searches (id, tenant_id, contact_id, criteria, source, opt_in, status, created_at) \
                 SELECT ?4, ?1, ?2, ?3, ?5, ?6, 'active', ?7 \
                 WHERE EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND id = ?2) ON CONFLICT DO NOTHING",
                &[args[0], args[1], args[2], Arg::Text(&id), Arg::Text(source), Arg::OptText(opt_in), Arg::Int(now)],
            )?,
            statement(
                db,
                &format!(
                    "SELECT {COLUMNS} FROM saved_searches WHERE tenant_id = ?1 AND contact_id = ?2 AND criteria = ?3 \
                     AND status = 'active'"
                ),
                &args,
            )?,
        ])
        .await?;
    let row = results.last().map(|r| r.results::<Row>()).transpose()?.and_then(|rows| rows.into_iter().next());
    row.ok_or_else(|| worker::Error::RustError(format!("contact {contact_id} not found")))?.into_search()
}

/// The contact's saved searches, newest first (stopped ones too: the opt-out is history).
pub async fn of_contact(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<SavedSearch>> {
    let rows: Vec<Row> = statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY id DESC LIMIT 100"
        ),
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(Row::into_search).collect()
}

/// Deletes the contact's search `id` and cancels its offers not yet sent; `false` when there
/// was none.
pub async fn delete(db: &D1Database, tenant_id: &str, contact_id: &str, id: &str) -> Result<bool> {
    let args = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Text(id)];
    let results = db
        .batch(vec![
            statement(
                db,
                "UPDATE listing_offers SET status = 'cancelled' WHERE tenant_id = ?1 AND contact_id = ?2 \
                 AND saved_search_id = ?3 AND status = 'pending'",
                &args,
            )?,
            statement(db, "DELETE FROM saved_searches WHERE tenant_id = ?1 AND contact_id = ?2 AND id = ?3", &args)?,
        ])
        .await?;
    let changed = results.last().map(|r| r.meta()).transpose()?.flatten().and_then(|m| m.changes).unwrap_or(0);
    Ok(changed > 0)
}

/// After listings were written (each with what it was before, `None` if new): the offers
/// their news makes, stored, then sent if the tenant's hours allow now. Returns how many
/// offers were written.
pub async fn after_listing_writes(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    written: &[(Option<Listing>, Listing)],
    now: u64,
) -> Result<u32> {
    let newsworthy: Vec<&Listing> =
        written.iter().filter(|(b, a)| news(b.as_ref(), a).is_some()).map(|(_, a)| a).collect();
    if newsworthy.is_empty() {
        return Ok(0);
    }
    let searches = active(db, tenant_id).await?;
    // Only listings some search matches cost a read of who was offered them.
    let matched: Vec<&Listing> =
        newsworthy.into_iter().filter(|l| searches.iter().any(|s| s.criteria.matches(l))).collect();
    if matched.is_empty() {
        return Ok(0);
    }
    let ids: Vec<&str> = matched.iter().map(|l| l.id.as_str()).collect();
    let offered = offered(db, tenant_id, &ids).await?;
    let mut statements = Vec::new();
    for listing in matched {
        let before: Vec<Offered> = offered.iter().filter(|(id, _)| *id == listing.id).map(|(_, o)| o.clone()).collect();
        for (search, reason) in offers(listing, &searches, &before) {
            let message_id = offer_message_id(&search.id, &listing.id, listing.price, now);
            statements.push(statement(
                db,
                "INSERT INTO listing_offers (tenant_id, contact_id, listing_id, price, saved_search_id, reason, status, \
                                             message_id, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8) \
                 ON CONFLICT DO UPDATE SET saved_search_id = excluded.saved_search_id, reason = excluded.reason, \
                    status = 'pending', message_id = excluded.message_id, created_at = excluded.created_at \
                 WHERE listing_offers.status = 'cancelled'",
                &[
                    Arg::Text(tenant_id),
                    Arg::Text(&search.contact_id),
                    Arg::Text(&listing.id),
                    Arg::Real(listing.price),
                    Arg::Text(&search.id),
                    Arg::Text(reason.as_str()),
                    Arg::Text(&message_id),
                    Arg::Int(now),
                ],
            )?);
        }
    }
    let count = statements.len() as u32;
    if count == 0 {
        return Ok(0);
    }
    let mut statements = statements.into_iter().peekable();
    while statements.peek().is_some() {
        db.batch(statements.by_ref().take(STATEMENTS_PER_BATCH).collect()).await?;
    }
    // Offers wait as `pending` while the SMS quota is used; the sweeper sends them when it allows.
    if super::usage::texts_paused(db, tenant_id, now).await?.is_none() {
        send_pending(env, db, now, Some(tenant_id), &[]).await?;
    }
    Ok(count)
}

async fn active(db: &D1Database, tenant_id: &str) -> Result<Vec<Saved>> {
    #[derive(Deserialize)]
    struct R {
        id: String,
        contact_id: String,
        criteria: String,
    }
    let rows: Vec<R> = statement(
        db,
        &format!(
            "SELECT id, contact_id, criteria FROM saved_searches WHERE tenant_id = ?1 AND status = 'active' \
             ORDER BY id LIMIT {MAX_SEARCHES}"
        ),
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let criteria = serde_json::from_str(&r.criteria).ok()?;
            Some(Saved { id: r.id, contact_id: r.contact_id, criteria })
        })
        .collect())
}

/// Who was offered these listings already, at what price (cancelled offers never went), by
/// listing id.
async fn offered(db: &D1Database, tenant_id: &str, listing_ids: &[&str]) -> Result<Vec<(String, Offered)>> {
    #[derive(Deserialize)]
    struct R {
        listing_id: String,
        contact_id: String,
        price: f64,
    }
    let mut out = Vec::new();
    for group in listing_ids.chunks(500) {
        let ids = serde_json::to_string(group)?;
        let rows: Vec<R> = statement(
            db,
            "SELECT listing_id, contact_id, price FROM listing_offers WHERE tenant_id = ?1 \
             AND listing_id IN (SELECT value FROM json_each(?2)) AND status != 'cancelled'",
            &[Arg::Text(tenant_id), Arg::Text(&ids)],
        )?
        .all()
        .await?
        .results()?;
        out.extend(rows.into_iter().map(|r| (r.listing_id, Offered { contact_id: r.contact_id, price: r.price })));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Pending {
    tenant_id: String,
    contact_id: String,
    listing_id: String,
    price: f64,
    reason: String,
    message_id: String,
    criteria: Option<String>,
    search_status: Option<String>,
    settings: String,
    timezone: String,
}

/// Sends the pending offers (of one tenant, or all) that may go at `now`: each as a message on
/// the contact's timeline, delivered through the outbox, and recorded as interest `sent`. An
/// offer whose search was stopped or deleted, or whose listing no longer fits it at that price,
/// is cancelled; one outside the tenant's hours or in its quiet hours waits. Returns how many
/// were sent.
/// `paused`: tenants whose SMS quota is used; their offers stay pending.
pub async fn send_pending(
    env: &Env,
    db: &D1Database,
    now: u64,
    tenant_id: Option<&str>,
    paused: &[String],
) -> Result<u32> {
    let paused = serde_json::to_string(paused).unwrap_or_else(|_| "[]".to_owned());
    let pending: Vec<Pending> = statement(
        db,
        &format!(
            "SELECT o.tenant_id, o.contact_id, o.listing_id, o.price, o.reason, o.message_id, s.criteria, \
                    s.status AS search_status, t.settings, t.timezone \
             FROM listing_offers o JOIN tenants t ON t.id = o.tenant_id \
             LEFT JOIN saved_searches s ON s.tenant_id = o.tenant_id AND s.id = o.saved_search_id \
             WHERE o.status = 'pending' AND t.status = 'active' AND (?1 IS NULL OR o.tenant_id = ?1) \
               AND o.tenant_id NOT IN (SELECT value FROM json_each(?2)) \
             ORDER BY o.created_at LIMIT {BATCH}"
        ),
        &[Arg::OptText(tenant_id), Arg::Text(&paused)],
    )?
    .all()
    .await?
    .results()?;
    let mut sent = 0;
    let mut jobs = Vec::new();
    for offer in pending {
        let settings: Settings = serde_json::from_str(&offer.settings).unwrap_or_default();
        let local = local_time(now, &offer.timezone);
        let criteria: Option<Criteria> = offer.criteria.as_deref().and_then(|c| serde_json::from_str(c).ok());
        let Some(criteria) = criteria.filter(|_| offer.search_status.as_deref() == Some("active")) else {
            settle(db, &offer, "cancelled", now).await?;
            continue;
        };
        if !may_send(&settings, local) {
            continue;
        }
        let listing = get(db, &offer.tenant_id, &offer.listing_id).await?;
        let still = listing.filter(|l| l.status == Status::Available && l.price == offer.price && criteria.matches(l));
        let (Some(listing), Some(to)) = (still, reach(db, &offer.tenant_id, &offer.contact_id, false).await?) else {
            settle(db, &offer, "cancelled", now).await?;
            continue;
        };
        let reason = Reason::parse(&offer.reason).unwrap_or(Reason::New);
        let body = offer_text(&listing, reason, local.date);
        let (mut statements, job) = message_statements(
            db,
            &offer.tenant_id,
            &offer.contact_id,
            &to,
            Outgoing { id: &offer.message_id, body: &body, subject: None },
            now,
        )?;
        statements.insert(0, settle_statement(db, &offer, "sent", now)?);
        statements.push(interest_statement(
            db,
            &offer.tenant_id,
            &offer.contact_id,
            &offer.listing_id,
            InterestLevel::Sent,
            Some(&offer.message_id),
            now,
        )?);
        db.batch(statements).await?;
        jobs.push(job);
        sent += 1;
    }
    // The intents are stored: if this send fails, the sweeper's intent pass sends them.
    if let Err(e) = enqueue_all(env, &jobs).await {
        worker::console_error!("queueing listing offers failed: {e}");
    }
    Ok(sent)
}

fn settle_statement(db: &D1Database, offer: &Pending, status: &str, now: u64) -> Result<worker::D1PreparedStatement> {
    statement(
        db,
        "UPDATE listing_offers SET status = ?5, sent_at = CASE WHEN ?5 = 'sent' THEN ?6 END \
         WHERE tenant_id = ?1 AND contact_id = ?2 AND listing_id = ?3 AND price = ?4 AND status = 'pending'",
        &[
            Arg::Text(&offer.tenant_id),
            Arg::Text(&offer.contact_id),
            Arg::Text(&offer.listing_id),
            Arg::Real(offer.price),
            Arg::Text(status),
            Arg::Int(now),
        ],
    )
}

async fn settle(db: &D1Database, offer: &Pending, status: &str, now: u64) -> Result<()> {
    settle_statement(db, offer, status, now)?.run().await?;
    Ok(())
}
