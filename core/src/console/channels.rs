//! The tenant's channels as the console's settings show them (`GET /api/v1/channels`): which
//! provider addresses are its own and whether replies there really go out. The signing and
//! sending secrets (`tenant_channels.secret_ref`, keys inside `config`) are never part of it.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelView {
    pub provider: String,
    pub address: String,
    /// `live` (the provider sends), `simulated` (received, but deliveries are only recorded:
    /// the provider's sending settings are missing) or `in_reply` (web chat and forms answer
    /// in the request's own response).
    pub sending: &'static str,
    pub created_at: u64,
}

/// One `tenant_channels` row for the console. Mirrors what the outbox needs before it sends
/// (`src/platform/outbound.rs`): Twilio an account SID, OpenPhone an API key reference; Meta and
/// Resend send with the row's own secret (`has_secret`: whether it is set, never what it is).
pub fn view(provider: &str, address: &str, config: &str, has_secret: bool, created_at: u64) -> ChannelView {
    let config: Value = serde_json::from_str(config).unwrap_or(Value::Null);
    let has = |field: &str| config.get(field).and_then(Value::as_str).is_some_and(|v| !v.is_empty());
    let sending = match provider {
        "chat" | "form" => "in_reply",
        "twilio" if has("account_sid") => "live",
        "openphone" if has("api_key") => "live",
        "meta" | "resend" if has_secret => "live",
        _ => "simulated",
    };
    ChannelView { provider: provider.to_owned(), address: address.to_owned(), sending, created_at }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_sends_only_with_its_providers_sending_settings() {
        assert_eq!(view("twilio", "+441170000000", "{}", true, 1).sending, "simulated");
        assert_eq!(view("twilio", "+441170000000", r#"{"account_sid":"AC1"}"#, true, 1).sending, "live");
        assert_eq!(view("openphone", "+441170000001", r#"{"api_key":"env:QUO"}"#, true, 1).sending, "live");
        assert_eq!(view("openphone", "+441170000001", "not json", true, 1).sending, "simulated");
        assert_eq!(view("chat", "demo", "{}", false, 1).sending, "in_reply");
        assert_eq!(view("meta", "1234", "{}", true, 1).sending, "live");
        assert_eq!(view("meta", "1234", "{}", false, 1).sending, "simulated", "no access token yet");
    }

    #[test]
    fn no_secret_reaches_the_view() {
        let json =
            serde_json::to_string(&view("openphone", "+441", r#"{"api_key":"literal-secret"}"#, true, 1)).unwrap();
        assert!(!json.contains("literal-secret"), "{json}");
    }
}
