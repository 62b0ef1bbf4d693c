-- Escalations: a situation a human must handle (emergency, a request for a person, a complaint,
-- an AI failure …), raised by a turn and worked from the dashboard / API. Documented in
-- docs/STORAGE.md.

CREATE TABLE escalations (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  contact_id       TEXT NOT NULL REFERENCES contacts(id),
  conversation_id  TEXT NOT NULL REFERENCES conversations(id),
  message_id       TEXT NOT NULL REFERENCES messages(id),   -- the message that raised it
  reason           TEXT NOT NULL CHECK (reason IN ('emergency', 'human_requested', 'repeated_confusion',
                                                   'high_value_lead', 'complaint', 'ai_failure')),
  priority         TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'normal')),
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  summary          TEXT NOT NULL,                            -- one line for the queue and the pager text
  detail           TEXT NOT NULL DEFAULT '{}',               -- JSON: e.g. {"emergency":"flood","quote":"…"}
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  -- One escalation per reason per message: a redelivered message cannot raise it twice.
  UNIQUE (tenant_id, message_id, reason)
);
CREATE INDEX escalations_tenant_status ON escalations(tenant_id, status, id);
CREATE INDEX escalations_tenant_id ON escalations(tenant_id, id);

-- Jobs that deliver something (a notification, later an outbound message) record it in the
-- outbox under a key that names the effect, so a retried job delivers once.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe ON outbox(tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
