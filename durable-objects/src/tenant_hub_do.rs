//! `TenantHubDO`: one per tenant. Numbers the tenant's live events, keeps the last
//! [`REPLAY_RING`] in its SQLite storage for `Last-Event-ID` replay, and fans each one out to
//! every open SSE stream. A stream whose client went away is dropped when the next stream
//! opens or the next event is published, whichever comes first, and at most
//! [`MAX_STREAMS`] are open at once.

use crate::protocol::{CONTACT_PARAM, PUBLISH_PATH, REDACT_PATH, STREAM_PATH};
use frontdesk_core::api::ApiError;
use frontdesk_core::events::{
    oldest_retained, parse_last_event_id, stream_prelude, Event, NewEvent, HEARTBEAT, HEARTBEAT_SECS, REPLAY_RING,
};
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{stream, StreamExt};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use worker::{
    durable_object, Delay, DurableObject, Env, Headers, Method, Request, Response, Result, SqlStorage, SqlStorageValue,
    State,
};

#[durable_object]
pub struct TenantHubDO {
    sql: SqlStorage,
    /// Open streams, each with the contact it is limited to (a chat visitor's), if any.
    streams: RefCell<Vec<(Option<String>, UnboundedSender<String>)>>,
    /// The last id assigned; read once from storage, then kept here (this object is the only
    /// writer), so numbering an event is one INSERT.
    last_id: Cell<u64>,
}

#[derive(Deserialize)]
struct LastId {
    last: i64,
}

/// The ring is trimmed every this many events rather than on each, to keep publishing to one
/// statement most of the time; the ring briefly holds up to `REPLAY_RING + TRIM_EVERY` rows.
const TRIM_EVERY: u64 = 16;

/// Open streams per tenant. A business has a few operators' dashboards and, at busy times,
/// some dozens of chat visitors with the page open; 1,000 is far beyond that, and bounds the
/// memory (a sender and its queued frames each) that anyone opening streams can pin in this
/// object. Past it a new stream is refused with 503 `too_many_streams` and `Retry-After`.
pub const MAX_STREAMS: usize = 1_000;

/// What a refused stream is told to wait: streams close as clients leave, so soon.
const STREAMS_FULL_RETRY_SECS: u32 = 30;

#[derive(Deserialize)]
struct StoredEvent {
    json: String,
}

impl DurableObject for TenantHubDO {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, json TEXT NOT NULL)", None)
        {
            worker::console_error!("tenant hub: creating the events table failed: {e}");
        }
        // The newest event is never trimmed, so MAX(id) is the last id ever assigned.
        let last = sql
            .exec("SELECT COALESCE(MAX(id), 0) AS last FROM events", None)
            .and_then(|cursor| cursor.one::<LastId>())
            .map(|row| row.last as u64)
            .unwrap_or(0);
        Self { sql, streams: RefCell::new(Vec::new()), last_id: Cell::new(last) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Post, PUBLISH_PATH) => {
                let events: Vec<NewEvent> = req.json().await?;
                for event in events {
                    self.publish(event)?;
                }
                Response::from_json(&self.last_id.get())
            }
            (Method::Post, REDACT_PATH) => {
                let needles: Vec<String> = req.json().await?;
                Response::from_json(&self.redact(&needles)?)
            }
            (Method::Get, STREAM_PATH) => {
                let last = parse_last_event_id(req.headers().get("last-event-id")?.as_deref());
                let contact = req.url()?.query_pairs().find(|(k, _)| k == CONTACT_PARAM).map(|(_, v)| v.into_owned());
                self.open_stream(last, contact)
            }
            _ => Response::error("not found", 404),
        }
    }
}

impl TenantHubDO {
    fn publish(&self, new: NewEvent) -> Result<u64> {
        let id = self.last_id.get() + 1;
        let event = Event::numbered(id, new);
        self.sql.exec(
            "INSERT INTO events (id, json) VALUES (?, ?)",
            vec![SqlStorageValue::from(id as i64), SqlStorageValue::from(serde_json::to_string(&event)?)],
        )?;
        self.last_id.set(id);
        if id.is_multiple_of(TRIM_EVERY) {
            self.sql
                .exec("DELETE FROM events WHERE id < ?", vec![SqlStorageValue::from(oldest_retained(id) as i64)])?;
        }
        let frame = event.to_sse();
        // A failed send means the client went away; a visitor's stream this event is not for is
        // checked too, so it does not linger until one of its own events comes.
        self.streams.borrow_mut().retain(|(contact, tx)| match contact {
            None => tx.unbounded_send(frame.clone()).is_ok(),
            Some(contact) => match event.to_visitor_sse(contact) {
                Some(own) => tx.unbounded_send(own).is_ok(),
                None => !tx.is_closed(),
            },
        });
        Ok(id)
    }

    /// Blanks the stored events containing any of `needles` (an erased contact's id, number,
    /// address) rather than deleting them: the newest row numbers the next event after a
    /// restart, and a blank one is skipped by replay like any row that is not an event.
    fn redact(&self, needles: &[String]) -> Result<u64> {
        let mut blanked = 0;
        for needle in needles.iter().filter(|n| !n.is_empty()) {
            let cursor = self.sql.exec(
                "UPDATE events SET json = '{}' WHERE instr(json, ?) > 0",
                vec![SqlStorageValue::from(needle.clone())],
            )?;
            blanked += cursor.rows_written() as u64;
        }
        Ok(blanked)
    }

    fn replay_after(&self, last: u64, contact: Option<&str>) -> Result<Vec<String>> {
        let rows: Vec<StoredEvent> = self
            .sql
            .exec(
                "SELECT json FROM events WHERE id > ? ORDER BY id DESC LIMIT ?",
                vec![SqlStorageValue::from(last as i64), SqlStorageValue::from(REPLAY_RING as i64)],
            )?
            .to_array()?;
        // Newest 256 were selected; replay them oldest first.
        Ok(rows
            .into_iter()
            .rev()
            .filter_map(|row| serde_json::from_str::<Event>(&row.json).ok())
            .filter_map(|event| match contact {
                None => Some(event.to_sse()),
                Some(contact) => event.to_visitor_sse(contact),
            })
            .collect())
    }

    fn open_stream(&self, last: Option<u64>, contact: Option<String>) -> Result<Response> {
        // A client that went away dropped its receiver: its sender reports closed.
        self.streams.borrow_mut().retain(|(_, tx)| !tx.is_closed());
        if self.streams.borrow().len() >= MAX_STREAMS {
            let refused = ApiError::too_many_streams(STREAMS_FULL_RETRY_SECS);
            let headers = Headers::new();
            headers.set("content-type", "application/json; charset=utf-8")?;
            headers.set("retry-after", &STREAMS_FULL_RETRY_SECS.to_string())?;
            return Ok(Response::ok(refused.body().to_string())?.with_status(refused.status).with_headers(headers));
        }
        let (tx, rx) = unbounded::<String>();
        let mut opening = stream_prelude();
        if let Some(last) = last {
            for frame in self.replay_after(last, contact.as_deref())? {
                opening.push_str(&frame);
            }
        }
        self.streams.borrow_mut().push((contact, tx));
        let heartbeats = stream::unfold((), |()| async {
            Delay::from(Duration::from_secs(HEARTBEAT_SECS)).await;
            Some((HEARTBEAT.to_owned(), ()))
        });
        let body = stream::once(async move { opening })
            .chain(stream::select(rx, heartbeats))
            .map(|frame| Ok::<Vec<u8>, worker::Error>(frame.into_bytes()));
        let headers = Headers::new();
        headers.set("content-type", "text/event-stream; charset=utf-8")?;
        headers.set("cache-control", "no-cache, no-transform")?;
        headers.set("x-accel-buffering", "no")?;
        Ok(Response::from_stream(body)?.with_headers(headers))
    }
}
