-- Follow-up messages sent to leads who went quiet (core::follow_up): one row per step of a
-- sequence, a sequence being anchored on the contact's last message in a conversation. The
-- primary key makes each step once-only however often the sweeper runs (and the message id
-- is derived from the anchor and the step, so racing sweeps write the same rows). A row whose
-- anchor is no longer the conversation's last inbound message means the contact replied to
-- the sequence: it stops (and never starts again in that conversation).
CREATE TABLE follow_ups (
  tenant_id          TEXT NOT NULL REFERENCES tenants(id),
  anchor_message_id  TEXT NOT NULL REFERENCES messages(id),
  step               INTEGER NOT NULL,
  conversation_id    TEXT NOT NULL REFERENCES conversations(id),
  contact_id         TEXT NOT NULL REFERENCES contacts(id),
  message_id         TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, anchor_message_id, step)
);
CREATE INDEX follow_ups_by_conversation ON follow_ups (tenant_id, conversation_id);
