//! Which write tools wait for a person (`settings.mcp.approval_required`: `"all"` or a list of
//! write tool names). Such a call is stored as a pending approval and nothing is done until an
//! operator approves it (`POST /api/v1/approvals/{id}`), which runs it exactly once.

use super::tools;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A call nobody decided on within three days is rejected by the sweeper: by then the text or
/// booking it asked for answers a moment that has passed, and sending it late would surprise
/// the guest more than not sending it.
pub const PENDING_TTL_MS: u64 = 3 * 24 * 60 * 60 * 1000;

/// Who `decided_by` names for an approval the sweeper rejected because it waited too long.
pub const EXPIRED_BY: &str = "system:expired";

/// The `result` an expired approval keeps, shaped like a refused tool call's.
pub fn expired_result() -> Value {
    json!({ "isError": true, "message": "not approved within 3 days; nothing was done" })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpSettings {
    #[serde(default)]
    pub approval_required: ApprovalRequired,
}

/// `"all"` (every write tool) or the write tools named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ApprovalRequired {
    Keyword(String),
    Tools(Vec<String>),
}

impl Default for ApprovalRequired {
    fn default() -> Self {
        ApprovalRequired::Tools(Vec::new())
    }
}

impl McpSettings {
    /// Whether a call of `tool` waits for approval. Read tools never do.
    pub fn needs_approval(&self, tool: &str) -> bool {
        if !tools::find(tool).is_some_and(|t| t.is_write()) {
            return false;
        }
        match &self.approval_required {
            ApprovalRequired::Keyword(k) => k == "all",
            ApprovalRequired::Tools(names) => names.iter().any(|n| n == tool),
        }
    }

    pub fn validate(&self) -> Vec<String> {
        match &self.approval_required {
            ApprovalRequired::Keyword(k) if k == "all" => Vec::new(),
            ApprovalRequired::Keyword(k) => {
                vec![format!("mcp.approval_required must be \"all\" or a list of write tools, not {k:?}")]
            }
            ApprovalRequired::Tools(names) => names
                .iter()
                .filter(|n| !tools::find(n).is_some_and(|t| t.is_write()))
                .map(|n| format!("mcp.approval_required: {n:?} is not a write tool"))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }

    /// The status an approval takes.
    pub fn status(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
        }
    }
}

/// The tool's `structuredContent` for a call stored for approval: the model is told nothing
/// was done yet and given the id to mention.
pub fn pending(approval_id: &str, tool: &str) -> Value {
    json!({
        "status": "pending_approval",
        "approval_id": approval_id,
        "message": format!("{tool} needs a person's approval before it runs; nothing has been done yet. Approval id: {approval_id}."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(raw: Value) -> McpSettings {
        serde_json::from_value(json!({ "approval_required": raw })).unwrap()
    }

    #[test]
    fn all_means_every_write_tool_and_never_a_read() {
        let all = settings(json!("all"));
        assert!(all.needs_approval("send_sms") && all.needs_approval("create_ticket"));
        assert!(!all.needs_approval("search_contacts"));
        assert!(all.validate().is_empty());
    }

    #[test]
    fn a_list_names_the_tools_that_wait() {
        let some = settings(json!(["send_sms"]));
        assert!(some.needs_approval("send_sms"));
        assert!(!some.needs_approval("send_whatsapp"));
        assert!(!McpSettings::default().needs_approval("send_sms"));
    }

    #[test]
    fn unknown_keywords_and_read_tools_are_refused() {
        assert_eq!(settings(json!("some")).validate().len(), 1);
        let problems = settings(json!(["send_sms", "list_leads", "launch"])).validate();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn decisions_are_approve_or_reject() {
        assert_eq!(Decision::parse("approve"), Some(Decision::Approve));
        assert_eq!(Decision::parse("reject").map(Decision::status), Some("rejected"));
        assert_eq!(Decision::parse("yes"), None);
    }
}
