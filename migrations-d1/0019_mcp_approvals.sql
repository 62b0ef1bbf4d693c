-- MCP write-tool calls a tenant wants a person to approve first (`settings.mcp.approval_required`,
-- docs/API.md "Approvals"). A row is created `pending` by the call; an operator's decision moves
-- it to `approved` or `rejected` in one conditional UPDATE, and only the request whose UPDATE
-- changed the row runs the tool, so an approval executes at most once.
CREATE TABLE approvals (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  tool         TEXT NOT NULL,
  arguments    TEXT NOT NULL,                      -- JSON, as the client sent them
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by TEXT NOT NULL,                      -- audit actor: api_key:<id> | user:<id>
  user_id      TEXT,
  client_id    TEXT,
  decided_by   TEXT,
  result       TEXT,                               -- JSON: the tool's outcome once approved
  created_at   INTEGER NOT NULL,
  decided_at   INTEGER
);
CREATE INDEX approvals_tenant ON approvals(tenant_id, status, id);

-- The MCP `get_message_history` / `get_conversation_context` tools read a contact's messages
-- across their conversations.
CREATE INDEX messages_contact ON messages(tenant_id, contact_id, id);
