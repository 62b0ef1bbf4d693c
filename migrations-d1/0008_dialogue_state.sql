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
