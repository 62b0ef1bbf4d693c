//! Executing core's [`HttpRequest`]s with the Workers `fetch`: whole answers for provider REST
//! calls, and chunk by chunk for streaming answers (LLM server-sent events).

use frontdesk_core::http::HttpRequest;
use futures::future::{select, Either};
use futures::StreamExt;
use std::time::Duration;
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit, Response, Result};

fn to_request(request: &HttpRequest) -> Result<Request> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let method = match request.method {
        "GET" => Method::Get,
        "PATCH" => Method::Patch,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        _ => Method::Post,
    };
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers);
    // fetch refuses a GET that carries a body, even an empty one; a DELETE has none to send.
    if request.method != "GET" && !(request.method == "DELETE" && request.body.is_empty()) {
        init.with_body(Some(request.body.clone().into()));
    }
    Request::new_with_init(&request.url, &init)
}

async fn send(request: &HttpRequest) -> Result<Response> {
    Fetch::Request(to_request(request)?).send().await
}

/// A provider that has not answered in this long is treated as down: the job fails and the
/// queue retries it later, instead of the consumer waiting out the platform's own limit.
pub const PROVIDER_TIMEOUT_MS: u64 = 10_000;

/// The status and the whole body, within [`PROVIDER_TIMEOUT_MS`].
pub async fn execute(request: &HttpRequest) -> Result<(u16, String)> {
    let whole = async {
        let mut response = send(request).await?;
        Ok((response.status_code(), response.text().await?))
    };
    within(whole, PROVIDER_TIMEOUT_MS)
        .await
        .unwrap_or_else(|| Err(worker::Error::RustError(format!("no answer within {PROVIDER_TIMEOUT_MS} ms"))))
}

/// `work`'s output, or `None` if it takes longer than `timeout_ms` (it is then dropped).
pub async fn within<T>(work: impl std::future::Future<Output = T>, timeout_ms: u64) -> Option<T> {
    let timer = Delay::from(Duration::from_millis(timeout_ms));
    match select(Box::pin(work), timer).await {
        Either::Left((done, _)) => Some(done),
        Either::Right(_) => None,
    }
}

/// A streamed answer, as it arrives.
pub enum Part<'a> {
    Status(u16),
    Chunk(&'a [u8]),
}

/// Hands `on_part` the status, then every body chunk as it arrives.
pub async fn stream(request: &HttpRequest, mut on_part: impl FnMut(Part<'_>)) -> Result<()> {
    let mut response = send(request).await?;
    on_part(Part::Status(response.status_code()));
    let mut body = response.stream()?;
    while let Some(chunk) = body.next().await {
        on_part(Part::Chunk(&chunk?));
    }
    Ok(())
}
