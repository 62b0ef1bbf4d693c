//! What `audit_log` keeps of a tool call: who (tenant, user, client), which tool, a digest of
//! the arguments rather than the arguments (they carry people's words and numbers), and how
//! it ended.

use crate::auth::sha256_hex;
use crate::principal::Principal;
use serde_json::{json, Value};

pub const ACTION: &str = "mcp.tool_call";

/// How a tool call ended, as `audit_log` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused for a reason the model was told (`isError`).
    Refused,
    /// The grant lacks the tool's scope (403).
    Forbidden,
    /// Stored for a person to approve; nothing done yet.
    PendingApproval,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Forbidden => "forbidden",
            Outcome::PendingApproval => "pending_approval",
            Outcome::Failed => "failed",
        }
    }
}

/// SHA-256 (hex) of the arguments' JSON as received (object keys sorted, as serde_json keeps
/// them), so the same call always has the same digest.
pub fn arguments_digest(arguments: &Value) -> String {
    sha256_hex(arguments.to_string().as_bytes())
}

/// The `detail` JSON of the entry.
pub fn detail(principal: &Principal, tool: &str, arguments: &Value, outcome: Outcome) -> Value {
    json!({
        "tool": tool,
        "user_id": principal.user_id,
        "client_id": principal.client_id,
        "arguments_sha256": arguments_digest(arguments),
        "outcome": outcome.as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::Scope;

    #[test]
    fn the_entry_names_the_tool_and_digests_the_arguments_without_keeping_them() {
        let p = Principal {
            tenant_id: "t".into(),
            user_id: Some("u1".into()),
            client_id: None,
            grant_id: None,
            scopes: vec![Scope::Read],
        };
        let args = json!({"contact_id": "c1", "body": "Your code is 1234"});
        let d = detail(&p, "send_sms", &args, Outcome::Forbidden);
        assert_eq!(d["tool"], "send_sms");
        assert_eq!(d["user_id"], "u1");
        assert_eq!(d["outcome"], "forbidden");
        assert_eq!(d["arguments_sha256"].as_str().unwrap().len(), 64);
        assert!(!d.to_string().contains("1234"));
        let reordered: Value = serde_json::from_str(r#"{"body": "Your code is 1234", "contact_id": "c1"}"#).unwrap();
        assert_eq!(arguments_digest(&reordered), arguments_digest(&args));
    }
}
