//! The Worker's one error type. Use `AppError::Api` for anything the client should see
//! ([`ApiError`] carries the public code and message); everything else becomes an opaque 500
//! whose cause is logged here and never sent.

use frontdesk_core::api::ApiError;
use worker::{Headers, Response};

#[derive(Debug)]
pub enum AppError {
    Api(ApiError),
    /// An internal failure; the string is the cause, for the log only.
    Internal(String),
}

pub type AppResult<T> = std::result::Result<T, AppError>;

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError::Api(e)
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {e}"))
    }
}

impl AppError {
    pub fn into_response(self) -> Response {
        let api = match self {
            AppError::Api(api) => api,
            AppError::Internal(cause) => {
                worker::console_error!("internal error: {cause}");
                ApiError::internal()
            }
        };
        let response = json_response(api.status, &api.body());
        match api.retry_after {
            Some(seconds) => {
                let headers = response.headers().clone();
                let _ = headers.set("retry-after", &seconds.to_string());
                response.with_headers(headers)
            }
            None => response,
        }
    }
}

/// A JSON response; building one from a `serde_json::Value` cannot fail, so neither does this.
pub fn json_response(status: u16, body: &serde_json::Value) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    Response::ok(body.to_string())
        .map(|r| r.with_status(status).with_headers(headers))
        .unwrap_or_else(|_| Response::empty().expect("an empty response always builds"))
}
