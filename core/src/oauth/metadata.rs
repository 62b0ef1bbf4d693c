//! The discovery documents: authorization server metadata (RFC 8414) and protected resource
//! metadata (RFC 9728), both derived from `PUBLIC_BASE_URL` so that the issuer, the endpoints
//! and the resource are the URLs clients actually use.

use super::mcp_resource;
use crate::principal::Scope;
use serde_json::{json, Value};

fn scopes() -> Vec<&'static str> {
    Scope::ALL.iter().map(|s| s.as_str()).collect()
}

/// `/.well-known/oauth-authorization-server`. The issuer is the origin (no path), so the
/// metadata sits at the root well-known URL and the `iss` of RFC 9207 is the same string.
pub fn authorization_server(base_url: &str) -> Value {
    let base = base_url.trim_end_matches('/');
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "registration_endpoint": format!("{base}/oauth/register"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "scopes_supported": scopes(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
    })
}

/// `/.well-known/oauth-protected-resource[/mcp]`: `resource` is the exact MCP URL (the TS SDK
/// aborts sign-in when it is not a prefix of the URL it connects to).
pub fn protected_resource(base_url: &str) -> Value {
    let base = base_url.trim_end_matches('/');
    json!({
        "resource": mcp_resource(base),
        "authorization_servers": [base],
        "scopes_supported": scopes(),
        "bearer_methods_supported": ["header"],
        "resource_name": "Frontdesk",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_server_metadata_has_what_mcp_clients_require() {
        let m = authorization_server("https://fd.example/");
        assert_eq!(m["issuer"], "https://fd.example");
        assert_eq!(m["authorization_endpoint"], "https://fd.example/oauth/authorize");
        assert_eq!(m["token_endpoint"], "https://fd.example/oauth/token");
        assert_eq!(m["registration_endpoint"], "https://fd.example/oauth/register");
        assert_eq!(m["revocation_endpoint"], "https://fd.example/oauth/revoke");
        assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(m["client_id_metadata_document_supported"], true);
        assert_eq!(m["response_types_supported"], json!(["code"]));
        assert_eq!(m["grant_types_supported"], json!(["authorization_code", "refresh_token"]));
        assert!(m["token_endpoint_auth_methods_supported"].as_array().unwrap().contains(&json!("none")));
        assert_eq!(m["scopes_supported"], json!(["frontdesk:read", "frontdesk:write"]));
    }

    #[test]
    fn protected_resource_metadata_names_the_exact_mcp_url() {
        let m = protected_resource("https://fd.example");
        assert_eq!(m["resource"], "https://fd.example/mcp");
        assert_eq!(m["authorization_servers"], json!(["https://fd.example"]));
        assert_eq!(m["bearer_methods_supported"], json!(["header"]));
        assert!(!m["scopes_supported"].as_array().unwrap().contains(&json!("offline_access")));
    }
}
