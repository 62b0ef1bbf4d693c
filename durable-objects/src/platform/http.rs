//! Executing core's [`HttpRequest`]s with the Workers `fetch`: whole answers for provider REST
//! calls, and chunk by chunk for streaming answers (LLM server-sent events).

use frontdesk_core::http::HttpRequest;
use futures::StreamExt;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response, Result};

fn to_request(request: &HttpRequest) -> Result<Request> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let method = match request.method {
        "GET" => Method::Get,
        _ => Method::Post,
    };
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers).with_body(Some(request.body.clone().into()));
    Request::new_with_init(&request.url, &init)
}

async fn send(request: &HttpRequest) -> Result<Response> {
    Fetch::Request(to_request(request)?).send().await
}

/// The status and the whole body.
pub async fn execute(request: &HttpRequest) -> Result<(u16, String)> {
    let mut response = send(request).await?;
    Ok((response.status_code(), response.text().await?))
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
