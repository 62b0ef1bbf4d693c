//! One call of an integration's REST API from a job (HubSpot, Cal.com), with the job's
//! retry policy: the answer's body on success; `None` when the provider refused for good
//! (logged with the path and the start of its answer, never the credential, which travels in
//! a header); an error — so the queue retries the job — on 429, 5xx or a network failure.

use frontdesk_core::http::HttpRequest;
use frontdesk_durable::platform::http::execute;
use worker::Result;

pub async fn call(provider: &str, request: &HttpRequest) -> Result<Option<String>> {
    // The path, without the origin (a test's fake, or the provider's).
    let path = request.url.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])).unwrap_or("");
    match execute(request).await {
        Ok((status, body)) if (200..300).contains(&status) => Ok(Some(body)),
        Ok((status, _)) if status == 429 || status >= 500 => {
            Err(worker::Error::RustError(format!("{provider} {status} on {path}: will retry")))
        }
        Ok((status, body)) => {
            let message: String = body.chars().take(200).collect();
            worker::console_error!("{provider} refused {path} ({status}): {message}");
            Ok(None)
        }
        Err(e) => Err(worker::Error::RustError(format!("{provider} network error on {path}: {e}"))),
    }
}
