//! The `WWW-Authenticate` challenges of an OAuth 2.1 resource server (RFC 6750, RFC 9728):
//! where a client finds how to get a token, and which scope a refused call needed.

use crate::principal::Scope;

/// The protected-resource metadata URL for the MCP endpoint at `public_base`.
pub fn resource_metadata_url(public_base: &str) -> String {
    format!("{}/.well-known/oauth-protected-resource/mcp", public_base.trim_end_matches('/'))
}

/// 401: no credentials, or ones we do not accept.
pub fn unauthorized(public_base: &str) -> String {
    format!(r#"Bearer resource_metadata="{}""#, resource_metadata_url(public_base))
}

/// 403: authenticated, but the grant lacks `needed`.
pub fn insufficient_scope(public_base: &str, needed: Scope) -> String {
    format!(
        r#"Bearer error="insufficient_scope", scope="{}", resource_metadata="{}", error_description="this tool needs the {} scope""#,
        needed.as_str(),
        resource_metadata_url(public_base),
        needed.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_point_at_the_mcp_resource_metadata() {
        assert_eq!(
            unauthorized("https://fd.example/"),
            r#"Bearer resource_metadata="https://fd.example/.well-known/oauth-protected-resource/mcp""#
        );
        let refused = insufficient_scope("https://fd.example", Scope::Write);
        assert!(refused.starts_with(r#"Bearer error="insufficient_scope", scope="frontdesk:write""#));
    }
}
