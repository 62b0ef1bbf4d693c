//! What a tenant API route needs of its caller's role, decided in one table and checked once,
//! where every `/api/v1` route authenticates (`src/routes/mod.rs`). An API key acts as the
//! owner; a console session acts as its user's role.

use crate::users::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Look only: every role.
    Read,
    /// Act on the day's work — reply, take over, book, acknowledge and resolve escalations,
    /// edit leads and tickets: agents and up.
    Write,
    /// Change how the front desk behaves or who uses it — settings, templates, knowledge,
    /// approvals, users, keys, tenants, the audit log: admins and owners.
    Admin,
}

impl Role {
    pub fn may(self, access: Access) -> bool {
        match access {
            Access::Read => true,
            Access::Write => self.may_write(),
            Access::Admin => matches!(self, Role::Owner | Role::Admin),
        }
    }
}

/// `(method, path under /api/v1 with `*` for one id, access)`. A route missing here needs
/// [`Access::Admin`], so a new route is closed to agents and viewers until it is listed.
const TABLE: &[(&str, &str, Access)] = &[
    ("GET", "*", Access::Read),
    ("GET", "*/*", Access::Read),
    ("GET", "*/*/*", Access::Read),
    ("GET", "*/*/*/*", Access::Read),
    ("GET", "audit", Access::Admin),
    // Who may sign in and with which keys is the admins' business, to read as to change.
    ("GET", "users", Access::Admin),
    ("POST", "users", Access::Admin),
    ("PATCH", "users/*", Access::Admin),
    ("DELETE", "users/*", Access::Admin),
    ("GET", "keys", Access::Admin),
    ("POST", "keys", Access::Admin),
    ("POST", "keys/*/rotate", Access::Admin),
    ("DELETE", "keys/*", Access::Admin),
    // Only an owner creates a tenant (`core::onboarding::may_create_tenant`, in the route).
    ("POST", "tenants", Access::Admin),
    ("POST", "tenant/pause", Access::Admin),
    ("POST", "tenant/resume", Access::Admin),
    // Signing in and out: the login itself is not authenticated (`src/routes/session.rs`).
    ("POST", "session", Access::Read),
    ("DELETE", "session", Access::Read),
    ("POST", "understand", Access::Read),
    ("POST", "conversations/*/takeover", Access::Write),
    ("POST", "conversations/*/handback", Access::Write),
    ("POST", "conversations/*/reply", Access::Write),
    ("POST", "conversations/*/suggest", Access::Write),
    ("POST", "conversations/*/read", Access::Read),
    ("POST", "calls", Access::Write),
    ("POST", "contacts/*/messages", Access::Write),
    ("POST", "contacts/*/info-pack", Access::Write),
    ("POST", "contacts/*/interest", Access::Write),
    ("POST", "contacts/*/saved-searches", Access::Write),
    ("DELETE", "contacts/*/saved-searches/*", Access::Write),
    ("POST", "leads/*", Access::Write),
    ("POST", "escalations/*", Access::Write),
    ("POST", "tickets", Access::Write),
    ("POST", "tickets/*", Access::Write),
    ("POST", "bookings", Access::Write),
    ("POST", "bookings/*", Access::Write),
    ("POST", "listings", Access::Write),
    ("POST", "listings/import", Access::Write),
    ("PUT", "listings/*", Access::Write),
    ("DELETE", "listings/*", Access::Write),
    // Erasing a contact and everything about them cannot be undone.
    ("DELETE", "contacts/*", Access::Admin),
];

/// What `method` on `/api/v1/<rest...>` needs.
pub fn required_access(method: &str, rest: &[&str]) -> Access {
    let matches = |pattern: &str| {
        let parts: Vec<&str> = pattern.split('/').collect();
        parts.len() == rest.len() && parts.iter().zip(rest).all(|(p, s)| *p == "*" || p == s)
    };
    // The most specific entry wins: fewer wildcards, so `GET audit` beats `GET *`.
    TABLE
        .iter()
        .filter(|(m, pattern, _)| m.eq_ignore_ascii_case(method) && matches(pattern))
        .min_by_key(|(_, pattern, _)| pattern.split('/').filter(|p| *p == "*").count())
        .map_or(Access::Admin, |(_, _, access)| *access)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `/api/v1` route the router knows, as `(METHOD, path with * for ids)`, read from
    /// the router's own source so a route added there is checked here.
    fn router_routes() -> Vec<(String, String)> {
        let source = include_str!("../../../src/router.rs");
        let mut routes = Vec::new();
        for line in source.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("(Method::") else { continue };
            let Some((method, rest)) = rest.split_once(", [\"api\", \"v1\"") else { continue };
            let Some((path, _)) = rest.split_once(']') else { continue };
            let segments: Vec<String> = path
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| if s.starts_with('"') { s.trim_matches('"').to_owned() } else { "*".to_owned() })
                .collect();
            routes.push((method.to_uppercase(), segments.join("/")));
        }
        routes
    }

    fn expected(method: &str, path: &str) -> Access {
        let admin = [
            ("PUT", "settings"),
            ("POST", "settings/template"),
            ("POST", "approvals/*"),
            ("GET", "audit"),
            ("POST", "unparsed/*/replay"),
            ("DELETE", "calls/*/recording"),
            // Erasing a contact and all their history cannot be undone: the business's decision.
            ("DELETE", "contacts/*"),
            // Forges a customer's text (development and test only): for whoever sets the business up.
            ("POST", "simulator/sms"),
        ];
        if admin.contains(&(method, path)) || path.starts_with("kb") && method != "GET" {
            return Access::Admin;
        }
        if ["users", "keys"].contains(&path) && method == "GET" {
            return Access::Admin;
        }
        if ["users", "keys", "tenant", "tenants"].iter().any(|p| path.split('/').next() == Some(p)) && method != "GET" {
            return Access::Admin;
        }
        if method == "GET" || (method, path) == ("POST", "understand") || path == "session" {
            return Access::Read;
        }
        if (method, path) == ("POST", "conversations/*/read") {
            return Access::Read;
        }
        Access::Write
    }

    #[test]
    fn every_router_route_needs_what_its_role_rules_say() {
        let routes = router_routes();
        assert!(routes.len() > 60, "read {} routes from router.rs", routes.len());
        for (method, path) in routes {
            let rest: Vec<&str> = path.split('/').collect();
            assert_eq!(required_access(&method, &rest), expected(&method, &path), "{method} /api/v1/{path}");
        }
    }

    #[test]
    fn viewers_read_agents_act_admins_configure() {
        let conversation = ["conversations", "cnv_1", "reply"];
        let settings = ["settings"];
        assert!(Role::Viewer.may(required_access("GET", &["conversations"])));
        assert!(!Role::Viewer.may(required_access("POST", &conversation)));
        assert!(Role::Agent.may(required_access("POST", &conversation)));
        assert!(!Role::Agent.may(required_access("PUT", &settings)));
        assert!(!Role::Agent.may(required_access("POST", &["approvals", "apr_1"])));
        assert!(Role::Admin.may(required_access("PUT", &settings)));
        assert!(Role::Owner.may(required_access("POST", &["approvals", "apr_1"])));
    }

    #[test]
    fn an_unlisted_route_is_admin_only() {
        assert_eq!(required_access("POST", &["something-new"]), Access::Admin);
        assert_eq!(required_access("PATCH", &["conversations", "cnv_1"]), Access::Admin);
        assert_eq!(required_access("GET", &["audit"]), Access::Admin);
    }
}
