//! The listings catalogue over D1, shared by the tenant API (`/api/v1/listings`) and the
//! `ConversationDO` (its turn and the LLM's tools). The database pre-filters with indexed and
//! cheap conditions that are a superset of core's; core decides and ranks
//! (`listings::rank`, `listings::mentioned`).

use super::d1::{statement, Arg};
use frontdesk_core::listings::interest::{aggregate, Interest};
use frontdesk_core::listings::mention::normalise;
use frontdesk_core::listings::{
    mentioned, rank, InterestLevel, Kind, Listing, ListingQuery, PricePeriod, PropertyType, Status,
};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

/// Rows a search ranks at most: a tenant's whole catalogue at the sizes we serve (bench: 1k).
const MAX_CANDIDATES: u32 = 2_000;
/// Rows a conversation lookup considers: more than this many listings named by one message
/// would be ambiguous anyway.
const MAX_MENTION_CANDIDATES: u32 = 50;

pub const COLUMNS: &str = "id, reference, kind, type, beds, baths, price, price_period, area, postcode, address, \
                           features, available_from, status, description, rules, landlord, created_at, updated_at";

/// A `listings` row: JSON columns as text.
#[derive(Deserialize)]
pub struct Row {
    id: String,
    reference: String,
    kind: String,
    #[serde(rename = "type")]
    property_type: String,
    beds: f64,
    baths: f64,
    price: f64,
    price_period: String,
    area: String,
    postcode: String,
    address: String,
    features: String,
    available_from: Option<String>,
    status: String,
    description: String,
    rules: Option<String>,
    landlord: Option<String>,
    created_at: f64,
    updated_at: f64,
}

impl Row {
    /// The listing, or an error naming the row and column when the stored text no longer
    /// parses (this code wrote it, so that is a bug, not a client error).
    pub fn into_listing(self) -> Result<Listing> {
        let id = self.id;
        let bad = |column: &str| worker::Error::RustError(format!("listing {id}: bad {column} column"));
        fn json<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
            serde_json::from_str(text).ok()
        }
        Ok(Listing {
            kind: Kind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            property_type: PropertyType::parse(&self.property_type).ok_or_else(|| bad("type"))?,
            price_period: PricePeriod::parse(&self.price_period).ok_or_else(|| bad("price_period"))?,
            status: Status::parse(&self.status).ok_or_else(|| bad("status"))?,
            features: json(&self.features).ok_or_else(|| bad("features"))?,
            rules: self.rules.as_deref().map(|r| json(r).ok_or_else(|| bad("rules"))).transpose()?,
            landlord: self.landlord.as_deref().map(|l| json(l).ok_or_else(|| bad("landlord"))).transpose()?,
            reference: self.reference,
            beds: self.beds as u32,
            baths: self.baths as u32,
            price: self.price,
            area: self.area,
            postcode: self.postcode,
            address: self.address,
            available_from: self.available_from,
            description: self.description,
            created_at: self.created_at as u64,
            updated_at: self.updated_at as u64,
            id,
        })
    }
}

pub fn into_listings(rows: Vec<Row>) -> Result<Vec<Listing>> {
    rows.into_iter().map(Row::into_listing).collect()
}

/// The tenant's listings that match `q`, best first (core's ranking), at most its limit.
pub async fn search(db: &D1Database, tenant_id: &str, q: &ListingQuery) -> Result<Vec<Listing>> {
    // Only the conditions asked for are in the SQL (values always bound), so the
    // (tenant_id, kind, price) index serves the common case.
    let mut sql = format!("SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1");
    let kind = q.kind.map(|k| k.as_str());
    let status = q.status.map(|s| s.as_str());
    let beds = q.beds.map(u64::from);
    let max_price = q.max_price.map(|p| p.to_string());
    let area = q.area.as_deref().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty());
    let district = area.as_deref().map(|a| a.replace(' ', ""));
    let words = q.words();
    let words = (!words.is_empty()).then(|| serde_json::to_string(&words)).transpose()?;
    let mut args = vec![Arg::Text(tenant_id)];
    fn add<'a>(sql: &mut String, args: &mut Vec<Arg<'a>>, fragment: &str, arg: Arg<'a>) {
        args.push(arg);
        sql.push_str(&fragment.replace('?', &format!("?{}", args.len())));
    }
    let mut condition = |fragment: &str, arg| add(&mut sql, &mut args, fragment, arg);
    if let Some(kind) = kind {
        condition(" AND kind = ?", Arg::Text(kind));
    }
    if let Some(p) = max_price.as_deref() {
        condition(" AND price <= CAST(? AS REAL)", Arg::Text(p));
    }
    if let Some(beds) = beds {
        condition(" AND beds >= ?", Arg::Int(beds));
    }
    if let Some(status) = status {
        condition(" AND status = ?", Arg::Text(status));
    }
    if let (Some(area), Some(district)) = (area.as_deref(), district.as_deref()) {
        condition(" AND (instr(lower(area), ?) > 0", Arg::Text(area));
        condition(" OR instr(lower(address), ?) > 0", Arg::Text(area));
        condition(" OR instr(lower(replace(postcode, ' ', '')), ?) = 1)", Arg::Text(district));
    }
    if let Some(words) = words.as_deref() {
        condition(" AND NOT EXISTS (SELECT 1 FROM json_each(?) WHERE instr(search_text, value) = 0)", Arg::Text(words));
    }
    // Without an area, free text or a date the SQL conditions are exactly core's, and core's order is
    // expressible in SQL: the database sorts and returns just the page, instead of every
    // candidate being parsed to be ranked (bench/listings.mjs: a `kind=rent` search over 1k
    // listings). `rank` below then keeps that order.
    let limit = if area.is_none() && words.is_none() && q.available_by.is_none() {
        let beds_order = if beds.is_some() { "beds ASC, " } else { "" };
        let price_order = if max_price.is_some() { "price DESC" } else { "price ASC" };
        sql.push_str(&format!(" ORDER BY {beds_order}{price_order}, COALESCE(available_from, ''), reference"));
        q.effective_limit() as u32
    } else {
        MAX_CANDIDATES
    };
    sql.push_str(&format!(" LIMIT {limit}"));
    let rows: Vec<Row> = statement(db, &sql, &args)?.all().await?.results()?;
    let candidates = into_listings(rows)?;
    Ok(rank(&candidates, q).into_iter().cloned().collect())
}

/// The tenant's listing `id`; `None` for another tenant's.
pub async fn get(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Listing>> {
    let sql = format!("SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1 AND id = ?2");
    let row: Option<Row> = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(id)])?.first(None).await?;
    row.map(Row::into_listing).transpose()
}

/// The tenant's listings with these references (an import's, read before and after it).
pub async fn by_references(db: &D1Database, tenant_id: &str, references: &[&str]) -> Result<Vec<Listing>> {
    let mut out = Vec::new();
    // Upper-case as stored; a few hundred per statement keeps each bound array small.
    for group in references.chunks(500) {
        let refs = serde_json::to_string(&group.iter().map(|r| r.to_uppercase()).collect::<Vec<_>>())?;
        let sql = format!(
            "SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1 AND reference IN (SELECT value FROM json_each(?2))"
        );
        let rows: Vec<Row> = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(&refs)])?.all().await?.results()?;
        out.extend(into_listings(rows)?);
    }
    Ok(out)
}

/// The tenant's listing by id or by reference (`mp-2026-014` finds `MP-2026-014`), as staff
/// and the LLM's tools name them; `None` for another tenant's or none.
pub async fn by_id_or_reference(db: &D1Database, tenant_id: &str, key: &str) -> Result<Option<Listing>> {
    let sql =
        format!("SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1 AND (id = ?2 OR reference = upper(?2)) LIMIT 1");
    let row: Option<Row> = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(key.trim())])?.first(None).await?;
    row.map(Row::into_listing).transpose()
}

/// The one listing a conversation message refers to (core's `mentioned`), among the few rows
/// whose reference, street or area appears in it — one indexed scan of the tenant's rows with
/// string tests, no catalogue load.
pub async fn find_mentioned(db: &D1Database, tenant_id: &str, text: &str) -> Result<Option<Listing>> {
    let normalised = normalise(text);
    let sql = format!(
        "SELECT {COLUMNS} FROM listings WHERE tenant_id = ?1 AND ( \
           instr(?2, ' ' || replace(lower(reference), '-', ' ') || ' ') > 0 \
           OR (street <> '' AND instr(?2, ' ' || street || ' ') > 0) \
           OR instr(?2, ' ' || lower(area) || ' ') > 0) \
         LIMIT {MAX_MENTION_CANDIDATES}"
    );
    let rows: Vec<Row> =
        statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(&normalised)])?.all().await?.results()?;
    let candidates = into_listings(rows)?;
    Ok(mentioned(text, &candidates).cloned())
}

/// Records that a contact reached `level` with a listing; the first time per level is kept
/// (a repeat is a no-op). A listing of another tenant records nothing.
pub async fn record_interest(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    listing_id: &str,
    level: InterestLevel,
    message_id: Option<&str>,
    at: u64,
) -> Result<()> {
    interest_statement(db, tenant_id, contact_id, listing_id, level, message_id, at)?.run().await?;
    Ok(())
}

/// [`record_interest`] as a statement, to run inside a caller's batch.
pub fn interest_statement(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    listing_id: &str,
    level: InterestLevel,
    message_id: Option<&str>,
    at: u64,
) -> Result<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO listing_interest (tenant_id, contact_id, listing_id, level, at, message_id) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM listings WHERE tenant_id = ?1 AND id = ?3) \
         ON CONFLICT DO NOTHING",
        &[
            Arg::Text(tenant_id),
            Arg::Text(contact_id),
            Arg::Text(listing_id),
            Arg::Text(level.as_str()),
            Arg::Int(at),
            Arg::OptText(message_id),
        ],
    )
}

/// The contact's interest, most recent listing first (`listings::interest::aggregate`).
pub async fn interest_of(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<Interest>> {
    Ok(aggregate(interest_rows(db, tenant_id, contact_id)?.all().await?.results()?))
}

/// The statement behind [`interest_of`], for a caller that batches it with other reads
/// (then `aggregate` its rows).
pub fn interest_rows(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<D1PreparedStatement> {
    statement(
        db,
        "SELECT i.listing_id, l.reference, i.level, i.at, i.message_id FROM listing_interest i \
         JOIN listings l ON l.tenant_id = i.tenant_id AND l.id = i.listing_id \
         WHERE i.tenant_id = ?1 AND i.contact_id = ?2 ORDER BY i.at DESC LIMIT 500",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )
}
