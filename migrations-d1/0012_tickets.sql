-- Maintenance tickets (core::tickets): a property fault reported by a contact on any channel,
-- opened in the turn's claim-guarded batch (once per message: the unique index), or by staff
-- through the API (no message). Worked open -> assigned -> resolved; `notes` is a JSON array of
-- {who, text, at}; `media` the reporting message's attachments as [{url, content_type}].
-- `listing_id` names the property when it is known (listings, migration 0010); no foreign key,
-- so tickets do not depend on that migration's order.
CREATE TABLE tickets (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  contact_id       TEXT REFERENCES contacts(id),
  conversation_id  TEXT REFERENCES conversations(id),
  message_id       TEXT REFERENCES messages(id),
  listing_id       TEXT,
  category         TEXT NOT NULL CHECK (category IN ('plumbing', 'heating', 'electrical', 'locks', 'appliances', 'other')),
  urgency          TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'routine')),
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'resolved')),
  assignee         TEXT,
  notes            TEXT NOT NULL DEFAULT '[]',
  media            TEXT NOT NULL DEFAULT '[]',
  escalation_id    TEXT REFERENCES escalations(id),
  summary          TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX tickets_by_message ON tickets (tenant_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX tickets_by_status ON tickets (tenant_id, status, id);
CREATE INDEX tickets_by_contact ON tickets (tenant_id, contact_id, id);
