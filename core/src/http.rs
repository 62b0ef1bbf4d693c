//! Outbound HTTP requests as data: provider adapters build them in core (testable on the
//! host, byte for byte) and the Worker only executes them.

/// A request to a provider's REST API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What a delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted by the provider, with its id for the message.
    Sent { provider_id: String },
    /// Worth retrying (rate limit, provider outage, timeout).
    Retry(String),
    /// Will never succeed as is (invalid number, bad credentials): stop retrying.
    Failed(String),
}

/// Standard Basic authorization header value.
pub fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// An unsuccessful answer: rate limits (429) and provider errors (5xx) are worth retrying; any
/// other 4xx (bad number, bad credentials, outside a window) will not succeed as sent.
pub fn classify_failure(status: u16, detail: String) -> SendOutcome {
    if status == 429 || status >= 500 {
        SendOutcome::Retry(detail)
    } else {
        SendOutcome::Failed(detail)
    }
}
