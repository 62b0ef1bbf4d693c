//! Carries out a conversation turn's acts (`frontdesk_core::brain::act`) with the same
//! listings and bookings adapters the API uses. Nothing here decides: the plan is core's, and
//! every outcome — a refusal included — goes back to the brain to be said. The rules brain's
//! plan and the LLM's tool calls come through the same [`carry_out`].

use crate::platform::bookings::{self, AvailabilityQuery};
use crate::platform::d1::{statement, Arg};
use crate::platform::info_pack::{self, PackResult};
use crate::platform::listings;
use crate::platform::saved_searches;
use crate::platform::time::WorkerRandom;
use frontdesk_core::booking::{BookingRefusal, NewBooking, When};
use frontdesk_core::brain::act::{interest_shown, plan, Act, Done, Outcome};
use frontdesk_core::brain::Turn;
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::Random;
use worker::{D1Database, Env};

/// Runs the turn's acts in order, each planned from what the earlier ones found. A failure is
/// an outcome (`Failed`), never the turn's: the reply then falls back to the team. The interest
/// they show (`Done::interest`) is written by the caller with the turn, so a listing question
/// costs no round trips of its own and a first message's contact is stored here only for an
/// act that needs it at once (a booking, a pack, a saved search).
pub async fn run(env: &Env, db: &D1Database, inbound: &InboundTurn, contact_id: Option<&str>, turn: &Turn) -> Done {
    let mut done = Done::default();
    let mut contact = contact_id.map(str::to_owned);
    while let Some(act) = plan(turn, &done) {
        let outcome = act_for(env, db, inbound, &mut contact, turn, &act, needs_contact_now).await;
        done.0.push((act, outcome));
    }
    done
}

/// One act for the contact who wrote `inbound`, whoever planned it (here: an LLM tool call,
/// whose turn is already stored): listings named by reference are looked up, the contact is
/// stored first if the act needs one, and the interest it shows is recorded now.
pub async fn carry_out(
    env: &Env,
    db: &D1Database,
    inbound: &InboundTurn,
    contact: &mut Option<String>,
    turn: &Turn,
    act: &Act,
) -> Outcome {
    let outcome = act_for(env, db, inbound, contact, turn, act, needs_contact).await;
    if let Some(contact_id) = contact.as_deref() {
        interest(db, &inbound.tenant_id, contact_id, act, &outcome, turn.now_ms).await;
    }
    outcome
}

async fn act_for(
    env: &Env,
    db: &D1Database,
    inbound: &InboundTurn,
    contact: &mut Option<String>,
    turn: &Turn,
    act: &Act,
    contact_needed: fn(&Act) -> bool,
) -> Outcome {
    // A first message can already book or search: its contact is stored now, as the turn would.
    if contact.is_none() && contact_needed(act) {
        *contact = ensure_contact(db, inbound).await.unwrap_or_else(|e| {
            worker::console_error!("storing the contact before an act failed: {e}");
            None
        });
    }
    let tenant_id = &inbound.tenant_id;
    let result = match with_listing_ids(db, tenant_id, act).await {
        Ok(Some(act)) => execute(env, db, tenant_id, contact.as_deref(), turn, &act).await,
        Ok(None) => Ok(Outcome::Listing(None)),
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| {
        worker::console_error!("a conversation act failed ({act:?}): {e}");
        Outcome::Failed
    })
}

/// The act with every listing it names as an id of this tenant's (a model may give a
/// reference); `None` when one names no listing of theirs.
async fn with_listing_ids(db: &D1Database, tenant_id: &str, act: &Act) -> worker::Result<Option<Act>> {
    let id_of = |key: String| async move {
        listings::by_id_or_reference(db, tenant_id, &key).await.map(|found| found.map(|l| l.id))
    };
    let mut act = act.clone();
    match &mut act {
        Act::Availability { listing_id: Some(key), .. } | Act::Book { listing_id: Some(key), .. } => {
            let Some(id) = id_of(key.clone()).await? else { return Ok(None) };
            *key = id;
        }
        Act::BookStay { listing_id, .. } => {
            let Some(id) = id_of(listing_id.clone()).await? else { return Ok(None) };
            *listing_id = id;
        }
        Act::SendInfoPack { listing_ids, .. } => {
            for key in listing_ids.iter_mut() {
                let Some(id) = id_of(key.clone()).await? else { return Ok(None) };
                *key = id;
            }
        }
        _ => {}
    }
    Ok(Some(act))
}

/// The listing a contact asked about, was sent or booked, on their record (the lead and its
/// score read it). Losing one is not worth failing the turn for.
async fn interest(db: &D1Database, tenant_id: &str, contact_id: &str, act: &Act, outcome: &Outcome, at: u64) {
    let noted = interest_shown(act, outcome);
    if noted.is_empty() {
        return;
    }
    // One batch for every listing noted: a search lists several, and each would be a round trip.
    let statements: worker::Result<Vec<_>> = noted
        .iter()
        .map(|(listing_id, level)| {
            listings::interest_statement(db, tenant_id, contact_id, listing_id, *level, None, at)
        })
        .collect();
    let recorded = match statements {
        Ok(statements) => db.batch(statements).await.map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        let ids: Vec<&str> = noted.iter().map(|(id, _)| *id).collect();
        worker::console_error!("recording interest in {ids:?} failed: {e}");
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
            if !contacts_own(db, tenant_id, contact_id, booking_id).await? {
                return Ok(Outcome::Refused(BookingRefusal::NotFound));
            }
            let when = When::Slot { start_ms: *start_ms, end_ms: None };
            settled(bookings::reschedule(env, db, tenant_id, booking_id, &when, now).await?)
        }
        Act::Cancel { booking_id } => {
            if !contacts_own(db, tenant_id, contact_id, booking_id).await? {
                return Ok(Outcome::Refused(BookingRefusal::NotFound));
            }
            settled(bookings::cancel(env, db, tenant_id, booking_id, now).await?)
        }
        Act::SendInfoPack { listing_ids, by_email } => {
            let Some(contact_id) = contact_id else { return Ok(Outcome::Failed) };
            let mut chosen = Vec::new();
            for id in listing_ids {
                chosen.extend(listings::get(db, tenant_id, id).await?);
            }
            match info_pack::send(env, db, tenant_id, contact_id, chosen, *by_email, now).await? {
                PackResult::Sent(pack) => Outcome::PackSent {
                    references: pack.listings.into_iter().map(|l| l.reference).collect(),
                    channel: pack.channel,
                },
                PackResult::NothingDiscussed => Outcome::PackSent { references: Vec::new(), channel: String::new() },
                PackResult::Unreachable => Outcome::Failed,
            }
        }
        Act::SaveSearch(criteria) => {
            let Some(contact_id) = contact_id else { return Ok(Outcome::Failed) };
            let opt_in = turn.text.trim();
            saved_searches::save(db, tenant_id, contact_id, criteria, "conversation", Some(opt_in), now).await?;
            Outcome::Saved
        }
    })
}

/// Acts that book, send, or show interest worth keeping (a first message's search is what a
/// later "send me the details" sends), when that interest is recorded as the act runs.
fn needs_contact(act: &Act) -> bool {
    !matches!(act, Act::Availability { .. } | Act::Reschedule { .. } | Act::Cancel { .. })
}

/// Acts that write the contact's rows themselves: a booking, a pack, a saved search.
fn needs_contact_now(act: &Act) -> bool {
    needs_contact(act) && !matches!(act, Act::FindListing | Act::SearchListings(_))
}

/// Whether the booking is this contact's: a conversation moves or cancels only its own.
async fn contacts_own(
    db: &D1Database,
    tenant_id: &str,
    contact_id: Option<&str>,
    booking_id: &str,
) -> worker::Result<bool> {
    let Some(contact_id) = contact_id else { return Ok(false) };
    Ok(bookings::get(db, tenant_id, booking_id).await?.is_some_and(|b| b.contact_id == contact_id))
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
    // Both statements in one batch: one round trip to D1, and the SELECT sees the INSERT.
    let insert = statement(
        db,
        &format!(
            "INSERT INTO contacts (id, tenant_id, {col}, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (tenant_id, {col}) WHERE {col} IS NOT NULL DO NOTHING"
        ),
        &args,
    )?;
    let select = statement(
        db,
        &format!("SELECT id FROM contacts WHERE tenant_id = ?1 AND {col} = ?2"),
        &[Arg::Text(&inbound.tenant_id), Arg::Text(inbound.from.as_str())],
    )?;
    let results = db.batch(vec![insert, select]).await?;
    let row: Option<Row> = match results.get(1) {
        Some(selected) => selected.results::<Row>()?.into_iter().next(),
        None => None,
    };
    Ok(row.map(|r| r.id))
}

fn settled(result: Result<frontdesk_core::booking::Booking, frontdesk_core::booking::BookingRefusal>) -> Outcome {
    match result {
        Ok(booking) => Outcome::Booked(booking),
        Err(refusal) => Outcome::Refused(refusal),
    }
}
