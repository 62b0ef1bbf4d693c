//! Carries out a conversation turn's acts (`frontdesk_core::brain::act`) with the same
//! listings and bookings adapters the API uses. Nothing here decides: the plan is core's, and
//! every outcome — a refusal included — goes back to the brain to be said.

use crate::platform::bookings::{self, AvailabilityQuery};
use crate::platform::d1::{statement, Arg};
use crate::platform::listings;
use crate::platform::time::WorkerRandom;
use frontdesk_core::booking::{NewBooking, When};
use frontdesk_core::brain::act::{plan, Act, Done, Outcome, LISTED};
use frontdesk_core::brain::Turn;
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::listings::InterestLevel;
use frontdesk_core::ports::Random;
use worker::{D1Database, Env};

/// Runs the turn's acts in order, each planned from what the earlier ones found. A failure is
/// an outcome (`Failed`), never the turn's: the reply then falls back to the team.
pub async fn run(env: &Env, db: &D1Database, inbound: &InboundTurn, contact_id: Option<&str>, turn: &Turn) -> Done {
    let mut done = Done::default();
    let mut contact = contact_id.map(str::to_owned);
    while let Some(act) = plan(turn, &done) {
        // A first message can already book: its contact is stored now, as the turn would.
        if contact.is_none() && books(&act) {
            contact = ensure_contact(db, inbound).await.unwrap_or_else(|e| {
                worker::console_error!("storing the contact before a booking failed: {e}");
                None
            });
        }
        let outcome = execute(env, db, &inbound.tenant_id, contact.as_deref(), turn, &act).await.unwrap_or_else(|e| {
            worker::console_error!("a conversation act failed ({act:?}): {e}");
            Outcome::Failed
        });
        if let Some(contact_id) = contact.as_deref() {
            interest(db, &inbound.tenant_id, contact_id, &act, &outcome, turn.now_ms).await;
        }
        done.0.push((act, outcome));
    }
    done
}

/// The listing a contact asked about, was sent or booked, on their record (the lead and its
/// score read it). Losing one is not worth failing the turn for.
async fn interest(db: &D1Database, tenant_id: &str, contact_id: &str, act: &Act, outcome: &Outcome, at: u64) {
    let noted: Vec<(&str, InterestLevel)> = match (act, outcome) {
        (Act::FindListing, Outcome::Listing(Some(listing))) => vec![(&listing.id, InterestLevel::Asked)],
        (Act::SearchListings(_), Outcome::Listings(found)) => {
            found.iter().take(LISTED).map(|l| (l.id.as_str(), InterestLevel::Sent)).collect()
        }
        (Act::Book { .. } | Act::BookStay { .. }, Outcome::Booked(booking)) => {
            booking.listing_id.as_deref().map(|id| (id, InterestLevel::Booked)).into_iter().collect()
        }
        _ => Vec::new(),
    };
    for (listing_id, level) in noted {
        if let Err(e) = listings::record_interest(db, tenant_id, contact_id, listing_id, level, None, at).await {
            worker::console_error!("recording interest in {listing_id} failed: {e}");
        }
    }
}

async fn execute(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    contact_id: Option<&str>,
    turn: &Turn,
    act: &Act,
) -> worker::Result<Outcome> {
    let now = turn.now_ms;
    let booking = |kind, listing_id: &Option<String>, when| {
        contact_id.map(|contact_id| NewBooking {
            kind,
            contact_id: contact_id.to_owned(),
            listing_id: listing_id.clone(),
            when,
            source: "conversation".into(),
        })
    };
    Ok(match act {
        Act::FindListing => Outcome::Listing(listings::find_mentioned(db, tenant_id, &turn.text).await?.map(Box::new)),
        Act::SearchListings(query) => Outcome::Listings(listings::search(db, tenant_id, query).await?),
        Act::Availability { kind, listing_id, from, days } => {
            let query = AvailabilityQuery { kind: *kind, from: *from, days: *days, listing_id: listing_id.clone() };
            Outcome::Slots(bookings::availability(env, db, tenant_id, &query, now).await?)
        }
        Act::Book { kind, listing_id, start_ms } => {
            // A contact is stored with their first message: a booking waits for it.
            let Some(new) = booking(*kind, listing_id, When::Slot { start_ms: *start_ms, end_ms: None }) else {
                return Ok(Outcome::Failed);
            };
            settled(bookings::book(env, db, tenant_id, &new, now).await?)
        }
        Act::BookStay { listing_id, stay } => {
            let Some(new) = booking(frontdesk_core::booking::Kind::Stay, &Some(listing_id.clone()), When::Stay(*stay))
            else {
                return Ok(Outcome::Failed);
            };
            settled(bookings::book(env, db, tenant_id, &new, now).await?)
        }
        Act::Reschedule { booking_id, start_ms } => {
            let when = When::Slot { start_ms: *start_ms, end_ms: None };
            settled(bookings::reschedule(env, db, tenant_id, booking_id, &when, now).await?)
        }
        Act::Cancel { booking_id } => settled(bookings::cancel(env, db, tenant_id, booking_id, now).await?),
    })
}

fn books(act: &Act) -> bool {
    matches!(act, Act::Book { .. } | Act::BookStay { .. })
}

/// The contact the message is from, created if new — with the same upsert the turn's batch
/// runs (which then finds it), so a first message can book.
async fn ensure_contact(db: &D1Database, inbound: &InboundTurn) -> worker::Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    // The key column is one of three fixed names (`ContactKey::column`), never input.
    let col = inbound.from.column();
    let id = ids::make(ids::CONTACT, inbound.received_at, WorkerRandom.next_u64());
    let args = [
        Arg::Text(&id),
        Arg::Text(&inbound.tenant_id),
        Arg::Text(inbound.from.as_str()),
        Arg::Int(inbound.received_at),
    ];
    statement(
        db,
        &format!(
            "INSERT INTO contacts (id, tenant_id, {col}, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (tenant_id, {col}) WHERE {col} IS NOT NULL DO NOTHING"
        ),
        &args,
    )?
    .run()
    .await?;
    let row: Option<Row> = statement(
        db,
        &format!("SELECT id FROM contacts WHERE tenant_id = ?1 AND {col} = ?2"),
        &[Arg::Text(&inbound.tenant_id), Arg::Text(inbound.from.as_str())],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.id))
}

fn settled(result: Result<frontdesk_core::booking::Booking, frontdesk_core::booking::BookingRefusal>) -> Outcome {
    match result {
        Ok(booking) => Outcome::Booked(booking),
        Err(refusal) => Outcome::Refused(refusal),
    }
}
