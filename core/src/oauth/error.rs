//! OAuth's error shapes: the JSON body of the token, registration and revocation endpoints
//! (RFC 6749 §5.2, RFC 7591 §3.2.2) and the resource server's `WWW-Authenticate: Bearer`
//! challenges (RFC 6750 §3, RFC 9728 §5.1).

use crate::principal::Scope;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: u16,
    /// The registered error code (`invalid_grant`, …).
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        Self { status, error, description: description.into() }
    }
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", description)
    }
    /// Unknown client, or a confidential client whose secret is wrong or missing.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(401, "invalid_client", description)
    }
    /// A code or refresh token that is unknown, expired, used, revoked or not this client's,
    /// or a PKCE verifier that does not match.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_grant", description)
    }
    pub fn unsupported_grant_type(grant_type: &str) -> Self {
        Self::new(400, "unsupported_grant_type", format!("grant_type {grant_type:?} is not supported"))
    }
    pub fn unsupported_response_type() -> Self {
        Self::new(400, "unsupported_response_type", "only response_type=code is supported")
    }
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_scope", description)
    }
    /// RFC 8707: the `resource` is not this server's MCP endpoint.
    pub fn invalid_target(resource: &str) -> Self {
        Self::new(400, "invalid_target", format!("resource {resource:?} is not served here"))
    }
    pub fn access_denied(description: impl Into<String>) -> Self {
        Self::new(400, "access_denied", description)
    }
    pub fn invalid_redirect_uri(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_redirect_uri", description)
    }
    pub fn invalid_client_metadata(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_client_metadata", description)
    }

    pub fn body(&self) -> Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

/// A refusal of the resource server: status, `WWW-Authenticate` value and JSON body. The
/// Worker turns it into a response (`src/platform/oauth_bearer.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerRefusal {
    pub status: u16,
    pub www_authenticate: String,
    pub body: Value,
}

fn scope_list(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

fn quoted(value: &str) -> String {
    value.replace(['"', '\\'], "")
}

/// 401 for a request without a usable token (none, unknown, expired, revoked, or for another
/// resource): where to find the authorization server and the scopes to ask for. Without a
/// token at all RFC 6750 §3.1 says to send no error code; with a bad one, `invalid_token`.
pub fn unauthorized(resource_metadata_url: &str, scopes: &[Scope], token_was_presented: bool) -> BearerRefusal {
    let mut challenge =
        format!("Bearer resource_metadata=\"{}\", scope=\"{}\"", quoted(resource_metadata_url), scope_list(scopes));
    let (error, description) = if token_was_presented {
        challenge.push_str(", error=\"invalid_token\", error_description=\"the access token is invalid or expired\"");
        ("invalid_token", "the access token is invalid or expired")
    } else {
        ("invalid_token", "an OAuth access token is required: Authorization: Bearer <token>")
    };
    BearerRefusal {
        status: 401,
        www_authenticate: challenge,
        body: json!({ "error": error, "error_description": description }),
    }
}

/// 403 for a valid token whose grant lacks `needed` (RFC 6750 §3.1 `insufficient_scope`): the
/// client may ask the user for a grant with that scope.
pub fn insufficient_scope(resource_metadata_url: &str, needed: &[Scope]) -> BearerRefusal {
    let description = format!("this needs the scope {}", scope_list(needed));
    BearerRefusal {
        status: 403,
        www_authenticate: format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{}\", error_description=\"{}\"",
            scope_list(needed),
            quoted(resource_metadata_url),
            description
        ),
        body: json!({ "error": "insufficient_scope", "error_description": description }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRM: &str = "https://fd.example/.well-known/oauth-protected-resource/mcp";

    #[test]
    fn a_missing_token_challenge_names_the_metadata_and_scopes() {
        let refusal = unauthorized(PRM, &Scope::ALL, false);
        assert_eq!(refusal.status, 401);
        assert_eq!(
            refusal.www_authenticate,
            "Bearer resource_metadata=\"https://fd.example/.well-known/oauth-protected-resource/mcp\", \
             scope=\"frontdesk:read frontdesk:write\""
        );
        let bad = unauthorized(PRM, &[Scope::Read], true);
        assert!(bad.www_authenticate.contains("error=\"invalid_token\""));
        assert_eq!(bad.body["error"], "invalid_token");
    }

    #[test]
    fn insufficient_scope_is_403_naming_the_missing_scope() {
        let refusal = insufficient_scope(PRM, &[Scope::Write]);
        assert_eq!(refusal.status, 403);
        assert!(refusal.www_authenticate.starts_with("Bearer error=\"insufficient_scope\", scope=\"frontdesk:write\""));
        assert!(refusal.www_authenticate.contains(PRM));
        assert_eq!(refusal.body["error"], "insufficient_scope");
    }

    #[test]
    fn error_bodies_follow_rfc_6749() {
        let e = OAuthError::invalid_target("https://other.example/mcp");
        assert_eq!(e.status, 400);
        assert_eq!(e.body()["error"], "invalid_target");
        assert!(e.body()["error_description"].as_str().unwrap().contains("other.example"));
    }
}
