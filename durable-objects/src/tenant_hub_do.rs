//! `TenantHubDO`: one per tenant. Numbers the tenant's live events, keeps the last
//! [`REPLAY_RING`] in its SQLite storage for `Last-Event-ID` replay, and fans each one out to
//! every open SSE stream. A stream whose client went away is dropped on the next send.

use crate::protocol::{PUBLISH_PATH, STREAM_PATH};
use frontdesk_core::events::{
    oldest_retained, parse_last_event_id, stream_prelude, Event, NewEvent, HEARTBEAT,
    HEARTBEAT_SECS, REPLAY_RING,
};
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{stream, StreamExt};
use serde::Deserialize;
use std::cell::RefCell;
use std::time::Duration;
use worker::{
    durable_object, Delay, DurableObject, Env, Headers, Method, Request, Response, Result,
    SqlStorage, SqlStorageValue, State,
};

#[durable_object]
pub struct TenantHubDO {
    sql: SqlStorage,
    streams: RefCell<Vec<UnboundedSender<String>>>,
}

#[derive(Deserialize)]
struct StoredEvent {
    id: i64,
    json: String,
}

impl DurableObject for TenantHubDO {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        // AUTOINCREMENT: ids are never reused even after the ring deletes old rows.
        if let Err(e) = sql.exec(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)",
            None,
        ) {
            worker::console_error!("tenant hub: creating the events table failed: {e}");
        }
        Self {
            sql,
            streams: RefCell::new(Vec::new()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Post, PUBLISH_PATH) => {
                let new: NewEvent = req.json().await?;
                let id = self.publish(new)?;
                Response::from_json(&id)
            }
            (Method::Get, STREAM_PATH) => {
                let last = parse_last_event_id(req.headers().get("last-event-id")?.as_deref());
                self.open_stream(last)
            }
            _ => Response::error("not found", 404),
        }
    }
}

impl TenantHubDO {
    fn publish(&self, new: NewEvent) -> Result<u64> {
        // The id is assigned by the insert; the stored JSON is rewritten with it below.
        let row: StoredEvent = self
            .sql
            .exec(
                "INSERT INTO events (json) VALUES ('{}') RETURNING id, json",
                None,
            )?
            .one()?;
        let id = row.id as u64;
        let event = Event::numbered(id, new);
        let json = serde_json::to_string(&event)?;
        self.sql.exec(
            "UPDATE events SET json = ? WHERE id = ?",
            vec![SqlStorageValue::from(json), SqlStorageValue::from(row.id)],
        )?;
        self.sql.exec(
            "DELETE FROM events WHERE id < ?",
            vec![SqlStorageValue::from(oldest_retained(id) as i64)],
        )?;
        let frame = event.to_sse();
        self.streams
            .borrow_mut()
            .retain(|tx| tx.unbounded_send(frame.clone()).is_ok());
        Ok(id)
    }

    fn replay_after(&self, last: u64) -> Result<Vec<String>> {
        let rows: Vec<StoredEvent> = self
            .sql
            .exec(
                "SELECT id, json FROM events WHERE id > ? ORDER BY id LIMIT ?",
                vec![
                    SqlStorageValue::from(last as i64),
                    SqlStorageValue::from(REPLAY_RING as i64),
                ],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| serde_json::from_str::<Event>(&row.json).ok())
            .map(|event| event.to_sse())
            .collect())
    }

    fn open_stream(&self, last: Option<u64>) -> Result<Response> {
        let (tx, rx) = unbounded::<String>();
        let mut opening = stream_prelude();
        if let Some(last) = last {
            for frame in self.replay_after(last)? {
                opening.push_str(&frame);
            }
        }
        self.streams.borrow_mut().push(tx);
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
