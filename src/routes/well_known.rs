//! Discovery: `/.well-known/oauth-authorization-server` (RFC 8414) and
//! `/.well-known/oauth-protected-resource[/mcp]` (RFC 9728), built by core from
//! `PUBLIC_BASE_URL`.

use crate::error::{json_response, AppResult};
use crate::platform::config::public_base_url;
use frontdesk_core::oauth::metadata;
use worker::{Env, Response};

pub fn authorization_server(env: &Env) -> AppResult<Response> {
    Ok(json_response(200, &metadata::authorization_server(&public_base_url(env)?)))
}

pub fn protected_resource(env: &Env) -> AppResult<Response> {
    Ok(json_response(200, &metadata::protected_resource(&public_base_url(env)?)))
}

/// Browser-based MCP clients (the Inspector, web apps) read discovery and call the token,
/// registration and revocation endpoints cross-origin, sending `MCP-Protocol-Version` and, for
/// a confidential client, `Authorization`. Nothing here rides on cookies, so any origin may.
pub fn allow_cross_origin(response: Response) -> Response {
    super::open_to_any_origin(
        response,
        "content-type, authorization, mcp-protocol-version",
        "retry-after, www-authenticate",
    )
}
