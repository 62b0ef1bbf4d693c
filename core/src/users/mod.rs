//! A tenant's people who sign in (today through the OAuth login page, for MCP clients): who
//! they are (`Role`), how a password is stored (`password`), when an account is locked
//! (`lockout`) and the optional second factor (`totp`). The WebCrypto key derivation and the
//! D1 rows are the Worker's (`src/platform/password.rs`, `src/platform/d1/users.rs`).

pub mod admin;
pub mod lockout;
pub mod password;
pub mod totp;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Agent,
    Viewer,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }

    /// Whether the role may act (send, book, resolve), not only read: a viewer's grant never
    /// carries `frontdesk:write`, whatever the client asked for.
    pub fn may_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

/// Emails are compared as typed but case-insensitively (`users.email` holds the lowercase form).
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_only_viewers_cannot_write() {
        for (raw, role) in [("owner", Role::Owner), ("admin", Role::Admin), ("agent", Role::Agent)] {
            assert_eq!(Role::parse(raw), Some(role));
            assert!(role.may_write());
        }
        assert!(!Role::parse("viewer").unwrap().may_write());
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn emails_match_whatever_the_case_and_spaces() {
        assert_eq!(normalize_email("  Owner@Demo.Example "), "owner@demo.example");
    }
}
