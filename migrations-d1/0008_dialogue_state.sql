-- What each contact's conversation has established (core::dialogue::DialogueState as JSON):
-- the goal, the last question and how often it was asked, what was answered and promised.
-- One row per contact, shared by every channel; written in the turn's claim-guarded batch.
CREATE TABLE dialogue_states (
  tenant_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, contact_id)
);

-- Where contacts.name came from: 'told' (they said it: "this is Priya Shah") or 'profile' (a
-- provider's profile name, e.g. WhatsApp's). A told name is never overwritten by a profile one.
ALTER TABLE contacts ADD COLUMN name_source TEXT;
UPDATE contacts SET name_source = 'profile' WHERE name IS NOT NULL;

-- Follow-up tasks (a viewing to confirm, a question to answer) join the escalation queue at
-- normal priority. SQLite cannot change a CHECK, so the table is rebuilt with the new reason.
CREATE TABLE escalations_new (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  contact_id       TEXT NOT NULL REFERENCES contacts(id),
  conversation_id  TEXT NOT NULL REFERENCES conversations(id),
  message_id       TEXT NOT NULL REFERENCES messages(id),
  reason           TEXT NOT NULL CHECK (reason IN ('emergency', 'human_requested', 'repeated_confusion',
                                                   'high_value_lead', 'complaint', 'ai_failure', 'follow_up')),
  priority         TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'normal')),
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  summary          TEXT NOT NULL,
  detail           TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  page_level       INTEGER NOT NULL DEFAULT 0,
  paged_at         INTEGER,
  UNIQUE (tenant_id, message_id, reason)
);
INSERT INTO escalations_new (id, tenant_id, contact_id, conversation_id, message_id, reason, priority, status,
                             summary, detail, created_at, updated_at, page_level, paged_at)
  SELECT id, tenant_id, contact_id, conversation_id, message_id, reason, priority, status,
         summary, detail, created_at, updated_at, page_level, paged_at FROM escalations;
DROP TABLE escalations;
ALTER TABLE escalations_new RENAME TO escalations;
CREATE INDEX escalations_tenant_status ON escalations(tenant_id, status, id);
CREATE INDEX escalations_tenant_id ON escalations(tenant_id, id);
CREATE INDEX escalations_paging ON escalations(status, priority, paged_at) WHERE status = 'open' AND priority = 'critical';
