//! The tenant API's error shape and list pagination (docs/API.md).
//!
//! Use [`ApiError`] for every error a client sees. Its message is public; internal causes are
//! logged by the Worker and never put here.

use crate::ids;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Seconds, sent as `Retry-After` when set (429, 503).
    pub retry_after: Option<u32>,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
    }
    pub fn malformed_body(message: impl Into<String>) -> Self {
        Self::new(400, "malformed_body", message)
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad_request", message)
    }
    pub fn unauthorized() -> Self {
        Self::new(401, "unauthorized", "a valid API key (Authorization: Bearer <key>) or console session is required")
    }
    /// The caller is known but their role may not do this (core::console::access).
    pub fn forbidden() -> Self {
        Self::new(403, "forbidden", "your role may not do this")
    }
    /// A write made with the console's session cookie without its `X-CSRF-Token`.
    pub fn csrf_failed() -> Self {
        Self::new(403, "csrf_failed", "missing or wrong X-CSRF-Token header for this session")
    }
    /// Too many failed sign-ins (core::users::lockout); the message says for how long.
    pub fn locked(message: impl Into<String>) -> Self {
        Self::new(423, "locked", message)
    }
    pub fn invalid_signature() -> Self {
        Self::new(403, "invalid_signature", "webhook signature missing or invalid")
    }
    /// Also the answer for another tenant's resource: existence is never leaked.
    pub fn not_found(what: &str) -> Self {
        Self::new(404, "not_found", format!("{what} not found"))
    }
    pub fn unknown_number(number: &str) -> Self {
        Self::new(404, "unknown_number", format!("no tenant owns the receiving number {number}"))
    }
    pub fn invalid_session() -> Self {
        Self::new(401, "invalid_session", "chat session missing or invalid: start a new one")
    }
    pub fn method_not_allowed() -> Self {
        Self::new(405, "method_not_allowed", "method not allowed on this route")
    }
    /// The request is valid but the resource's state does not allow it.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "conflict", message)
    }
    /// The time (or nights) asked for was booked by someone else.
    pub fn slot_taken(message: impl Into<String>) -> Self {
        Self::new(409, "slot_taken", message)
    }

    /// The request names a state change the resource's state does not allow (e.g. a resolved
    /// ticket re-assigned); the message names the transition.
    pub fn invalid_transition(message: impl Into<String>) -> Self {
        Self::new(422, "invalid_transition", message)
    }
    /// A well-formed request that names what cannot be used (an unknown listing, a contact with
    /// no way to reach them); `code` says which.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(422, code, message)
    }
    /// A replayed webhook event still does not parse; the message is the parser's error.
    pub fn still_unparsed(error: impl Into<String>) -> Self {
        Self::new(409, "still_unparsed", error)
    }
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(413, "payload_too_large", format!("body larger than {limit} bytes"))
    }
    /// A channel's signing secret (or the platform's) is not configured: the request is refused
    /// unprocessed rather than checked against an empty key. The cause (which secret) is logged.
    pub fn channel_misconfigured() -> Self {
        Self::new(503, "channel_misconfigured", "this channel is not configured to receive webhooks yet")
    }
    /// Too many requests from this client (`limiter`); try again in `retry_after` seconds.
    pub fn rate_limited(retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(429, "rate_limited", format!("too many requests: retry in {retry_after} s"))
        }
    }
    /// The tenant's live hub holds as many streams as it serves; a client retries later.
    pub fn too_many_streams(retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(503, "too_many_streams", "too many live streams are open for this tenant: retry later")
        }
    }
    /// Opaque on purpose: the cause goes to the log, not to the client.
    /// A provider we had to call first (Twilio) did not do it; nothing was changed here.
    pub fn provider_failed(message: impl Into<String>) -> Self {
        Self::new(502, "provider_failed", message)
    }
    pub fn internal() -> Self {
        Self::new(500, "internal", "internal error")
    }

    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

/// `text` for a SQL `LIKE … ESCAPE '\'` pattern: `%` and `_` (and the escape) taken literally.
pub fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// `limit` and `cursor` of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    /// Return items with ids strictly below this one (lists are newest first).
    pub before: Option<String>,
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

impl PageRequest {
    pub fn from_query(limit: Option<&str>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit =
            match limit {
                None => DEFAULT_LIMIT,
                Some(raw) => raw.parse::<u32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                    ApiError::bad_request(format!("`limit` must be an integer from 1 to {MAX_LIMIT}"))
                })?,
            };
        let before = match cursor {
            None | Some("") => None,
            Some(c) if ids::is_well_formed(c) => Some(c.to_owned()),
            Some(_) => return Err(ApiError::bad_request("`cursor` is not a cursor this API issued")),
        };
        Ok(Self { limit, before })
    }

    /// How many rows to fetch: one more than the page, to know whether another page exists.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }
}

/// Anything listed by id.
pub trait Identified {
    fn id(&self) -> &str;
}

/// `{"data": [...], "next_cursor": ...}` from up to `fetch_limit()` rows, newest first.
pub fn page<T: Serialize + Identified>(request: &PageRequest, mut rows: Vec<T>) -> Value {
    let more = rows.len() > request.limit as usize;
    rows.truncate(request.limit as usize);
    let next_cursor = if more { rows.last().map(|r| r.id().to_owned()) } else { None };
    json!({ "data": rows, "next_cursor": next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row(String);
    impl Identified for Row {
        fn id(&self) -> &str {
            &self.0
        }
    }

    #[test]
    fn validates_limit_and_cursor() {
        assert_eq!(PageRequest::from_query(None, None).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(PageRequest::from_query(Some("100"), None).unwrap().limit, 100);
        for bad in ["0", "101", "-1", "ten", ""] {
            assert_eq!(PageRequest::from_query(Some(bad), None).unwrap_err().code, "bad_request", "{bad}");
        }
        assert_eq!(PageRequest::from_query(None, Some("'; DROP TABLE")).unwrap_err().code, "bad_request");
        let id = ids::make(ids::MESSAGE, 1, 2);
        assert_eq!(PageRequest::from_query(None, Some(&id)).unwrap().before, Some(id));
    }

    #[test]
    fn next_cursor_only_when_more_rows_exist() {
        let req = PageRequest::from_query(Some("2"), None).unwrap();
        let rows = |n: usize| (0..n).map(|i| Row(format!("r{i}"))).collect::<Vec<_>>();
        let full = page(&req, rows(3));
        assert_eq!(full["data"].as_array().unwrap().len(), 2);
        assert_eq!(full["next_cursor"], "r1");
        let last = page(&req, rows(2));
        assert_eq!(last["next_cursor"], Value::Null);
    }

    #[test]
    fn error_body_has_stable_code() {
        assert_eq!(
            ApiError::not_found("conversation").body(),
            json!({"error": {"code": "not_found", "message": "conversation not found"}})
        );
        assert_eq!(ApiError::not_found("x").retry_after, None);
        let limited = ApiError::rate_limited(7);
        assert_eq!((limited.status, limited.code, limited.retry_after), (429, "rate_limited", Some(7)));
        assert_eq!(ApiError::too_many_streams(30).status, 503);
    }
}
