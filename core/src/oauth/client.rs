//! Who a client is: registered through RFC 7591 (`POST /oauth/register`), or described by a
//! Client ID Metadata Document — its `client_id` is an https URL the server fetches (size and
//! time limited, public hosts only) and caches. Also the client credentials a confidential
//! client presents at the token and revocation endpoints.

use super::error::OAuthError;
use super::redirect;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

/// A metadata document is a few hundred bytes; anything past this is not one (and is not read).
pub const MAX_METADATA_BYTES: usize = 5 * 1024;
/// A client's own host that does not answer in this long fails the sign-in.
pub const METADATA_TIMEOUT_MS: u64 = 3_000;
/// How long a fetched document is trusted before it is fetched again.
pub const METADATA_CACHE_MS: u64 = 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A public client (native app, browser, CLI): PKCE is its only proof.
    None,
    ClientSecretBasic,
    ClientSecretPost,
}

impl AuthMethod {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "none" => Some(AuthMethod::None),
            "client_secret_basic" => Some(AuthMethod::ClientSecretBasic),
            "client_secret_post" => Some(AuthMethod::ClientSecretPost),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
        }
    }
}

/// A client as the authorization endpoint needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    pub client_id: String,
    pub client_name: Option<String>,
    pub redirect_uris: Vec<String>,
    pub auth_method: AuthMethod,
}

/// RFC 7591 §2 client metadata; unknown members are ignored, as §3.1 asks.
#[derive(Debug, Deserialize)]
pub struct Registration {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
    pub token_endpoint_auth_method: Option<String>,
    pub client_id: Option<String>,
}

/// What a registration (or metadata document) may ask for: the authorization code flow with
/// refresh tokens, redirect URIs we accept, a known authentication method.
pub fn validate(reg: &Registration) -> Result<(Vec<String>, Option<String>, AuthMethod), OAuthError> {
    if reg.redirect_uris.is_empty() {
        return Err(OAuthError::invalid_redirect_uri("redirect_uris must list at least one URI"));
    }
    if reg.redirect_uris.len() > 10 {
        return Err(OAuthError::invalid_redirect_uri("at most 10 redirect_uris"));
    }
    for uri in &reg.redirect_uris {
        redirect::validate(uri).map_err(OAuthError::invalid_redirect_uri)?;
    }
    if let Some(grants) = &reg.grant_types {
        if let Some(bad) = grants.iter().find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token")) {
            return Err(OAuthError::invalid_client_metadata(format!("grant type {bad:?} is not supported")));
        }
    }
    if let Some(types) = &reg.response_types {
        if types.iter().any(|t| t != "code") {
            return Err(OAuthError::invalid_client_metadata("only the response type \"code\" is supported"));
        }
    }
    let method = match reg.token_endpoint_auth_method.as_deref() {
        None => AuthMethod::None,
        Some(raw) => AuthMethod::parse(raw).ok_or_else(|| {
            OAuthError::invalid_client_metadata(format!("token_endpoint_auth_method {raw:?} is not supported"))
        })?,
    };
    let name = reg.client_name.as_deref().map(|n| n.chars().filter(|c| !c.is_control()).take(100).collect());
    Ok((reg.redirect_uris.clone(), name, method))
}

/// RFC 7591 §3.2.1: the client as registered, with its secret (shown only this once).
pub fn registration_response(client: &ClientInfo, secret: Option<&str>, issued_at_s: u64) -> Value {
    let mut body = json!({
        "client_id": client.client_id,
        "client_id_issued_at": issued_at_s,
        "redirect_uris": client.redirect_uris,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": client.auth_method.as_str(),
    });
    if let Some(name) = &client.client_name {
        body["client_name"] = json!(name);
    }
    if let Some(secret) = secret {
        body["client_secret"] = json!(secret);
        body["client_secret_expires_at"] = json!(0);
    }
    body
}

/// Whether `client_id` names a metadata document: an https URL with a path (the draft's
/// requirement, so that one host can describe several clients).
pub fn is_metadata_document_url(client_id: &str) -> bool {
    client_id
        .strip_prefix("https://")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(host, path)| !host.is_empty() && !path.is_empty() && !client_id.contains('#'))
}

/// A fetched metadata document as a client. Its `client_id` must be the URL it was fetched
/// from (otherwise any page could claim to be any client), and a document cannot hold a
/// shared secret, so only public clients are described this way.
pub fn from_metadata_document(url: &str, body: &[u8]) -> Result<ClientInfo, String> {
    if body.len() > MAX_METADATA_BYTES {
        return Err(format!("the client metadata document is larger than {MAX_METADATA_BYTES} bytes"));
    }
    let reg: Registration =
        serde_json::from_slice(body).map_err(|e| format!("the client metadata document is not JSON metadata: {e}"))?;
    if reg.client_id.as_deref() != Some(url) {
        return Err("the client metadata document's client_id is not its own URL".into());
    }
    let (redirect_uris, client_name, method) = validate(&reg).map_err(|e| e.description)?;
    if method != AuthMethod::None {
        return Err(
            "a client metadata document can only describe a public client (token_endpoint_auth_method none)".into()
        );
    }
    Ok(ClientInfo { client_id: url.to_owned(), client_name, redirect_uris, auth_method: AuthMethod::None })
}

/// The client id and secret a request presents: HTTP Basic (RFC 6749 §2.3.1) or the body's
/// `client_id` / `client_secret`.
pub fn presented_credentials(
    authorization: Option<&str>,
    form_id: Option<&str>,
    form_secret: Option<&str>,
) -> (Option<String>, Option<String>) {
    if let Some((id, secret)) = authorization.and_then(basic) {
        return (Some(id), Some(secret));
    }
    (form_id.map(str::to_owned), form_secret.map(str::to_owned))
}

fn basic(header: &str) -> Option<(String, String)> {
    let (scheme, value) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(value.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let form = crate::form::Form::parse(format!("i={id}&s={secret}").as_bytes()).ok()?;
    Some((form.get("i")?.to_owned(), form.get("s")?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(json: Value) -> Registration {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_public_client_registers_with_loopback_and_https_redirects() {
        let (uris, name, method) = validate(&reg(json!({
            "redirect_uris": ["http://127.0.0.1:8976/callback", "https://claude.ai/api/mcp/auth_callback"],
            "client_name": "Claude", "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"], "token_endpoint_auth_method": "none", "application_type": "native"
        })))
        .unwrap();
        assert_eq!(uris.len(), 2);
        assert_eq!(name.as_deref(), Some("Claude"));
        assert_eq!(method, AuthMethod::None);
    }

    #[test]
    fn bad_registrations_say_what_is_wrong() {
        assert_eq!(validate(&reg(json!({}))).unwrap_err().error, "invalid_redirect_uri");
        assert_eq!(
            validate(&reg(json!({"redirect_uris": ["http://evil.example/cb"]}))).unwrap_err().error,
            "invalid_redirect_uri"
        );
        assert_eq!(
            validate(&reg(json!({"redirect_uris": ["https://a.example/cb"], "grant_types": ["implicit"]})))
                .unwrap_err()
                .error,
            "invalid_client_metadata"
        );
        assert_eq!(
            validate(&reg(
                json!({"redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "private_key_jwt"})
            ))
            .unwrap_err()
            .error,
            "invalid_client_metadata"
        );
    }

    #[test]
    fn metadata_documents_must_name_their_own_url() {
        let url = "https://app.example/oauth/client.json";
        assert!(is_metadata_document_url(url));
        assert!(!is_metadata_document_url("https://app.example"));
        assert!(!is_metadata_document_url("http://app.example/client.json"));
        assert!(!is_metadata_document_url("cli_0123"));
        let doc =
            json!({"client_id": url, "client_name": "App", "redirect_uris": ["https://app.example/cb"]}).to_string();
        let client = from_metadata_document(url, doc.as_bytes()).unwrap();
        assert_eq!(client.redirect_uris, vec!["https://app.example/cb"]);
        let other = json!({"client_id": "https://evil.example/c.json", "redirect_uris": ["https://app.example/cb"]})
            .to_string();
        assert!(from_metadata_document(url, other.as_bytes()).unwrap_err().contains("own URL"));
        let secret = json!({"client_id": url, "redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "client_secret_post"}).to_string();
        assert!(from_metadata_document(url, secret.as_bytes()).is_err());
        assert!(from_metadata_document(url, &vec![b' '; MAX_METADATA_BYTES + 1]).unwrap_err().contains("larger"));
    }

    #[test]
    fn credentials_come_from_basic_or_the_body() {
        let header = format!("Basic {}", STANDARD.encode("cli_1:s%3Acret"));
        assert_eq!(presented_credentials(Some(&header), None, None), (Some("cli_1".into()), Some("s:cret".into())));
        assert_eq!(presented_credentials(None, Some("cli_2"), Some("x")), (Some("cli_2".into()), Some("x".into())));
        assert_eq!(presented_credentials(Some("Bearer x"), Some("cli_3"), None), (Some("cli_3".into()), None));
    }
}
