//! Who is acting through the MCP endpoint (and, later, the console): a tenant, the user who
//! signed in through OAuth (none for a tenant API key) and what the grant allows.
//!
//! The OAuth server (`/oauth/*`) mints tokens that resolve to a `Principal`; the MCP endpoint
//! only ever sees this type, so how a caller authenticated does not leak into the tools.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "frontdesk:read")]
    Read,
    #[serde(rename = "frontdesk:write")]
    Write,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::Read, Scope::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "frontdesk:read",
            Scope::Write => "frontdesk:write",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// A space-separated OAuth `scope` value; unknown scopes are dropped.
    pub fn parse_list(raw: &str) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = raw.split_whitespace().filter_map(Self::parse).collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub tenant_id: String,
    /// The signed-in user; none when a tenant API key is used.
    pub user_id: Option<String>,
    /// The OAuth client acting for the user; none for an API key.
    pub client_id: Option<String>,
    /// The OAuth grant the user's token belongs to (its rate-limit bucket); none for an API key.
    #[serde(default)]
    pub grant_id: Option<String>,
    pub scopes: Vec<Scope>,
}

impl Principal {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_keep_known_scopes_once() {
        assert_eq!(
            Scope::parse_list("frontdesk:write openid frontdesk:read frontdesk:write"),
            vec![Scope::Read, Scope::Write]
        );
        assert!(Scope::parse_list("admin").is_empty());
    }

    #[test]
    fn a_read_grant_does_not_allow_writes() {
        let p = Principal {
            tenant_id: "t".into(),
            user_id: None,
            client_id: None,
            grant_id: None,
            scopes: vec![Scope::Read],
        };
        assert!(p.allows(Scope::Read) && !p.allows(Scope::Write));
    }
}
