//! The OAuth 2.1 authorization server MCP clients sign in through, as pure decisions: PKCE
//! (`pkce`), which redirect URIs a client may use (`redirect`), the authorization request
//! (`authorize`), client registration and metadata documents (`client`), tokens, their
//! lifetimes and refresh rotation (`tokens`), the error and `WWW-Authenticate` shapes
//! (`error`), the discovery documents (`metadata`) and the login and consent pages (`pages`).
//! The Worker's glue (`src/routes/oauth*.rs`, `src/platform/d1/oauth.rs`) stores and serves.
//!
//! The design follows cloudflare/workers-oauth-provider: tokens, codes and client secrets are
//! stored only as SHA-256 hashes; a grant records the client, user, scopes and the RFC 8707
//! `resource`; a refresh token's predecessor stays valid until the new one is used.

pub mod authorize;
pub mod client;
pub mod error;
pub mod metadata;
pub mod pages;
pub mod pkce;
pub mod redirect;
pub mod tokens;

/// The one protected resource: the MCP endpoint at `{PUBLIC_BASE_URL}/mcp`. Tokens are minted
/// for exactly this URL and the resource server accepts no other audience.
pub fn mcp_resource(base_url: &str) -> String {
    format!("{}/mcp", base_url.trim_end_matches('/'))
}

/// Where a client reads the protected resource's metadata (RFC 9728, path-inserted form).
pub fn resource_metadata_url(base_url: &str) -> String {
    format!("{}/.well-known/oauth-protected-resource/mcp", base_url.trim_end_matches('/'))
}
