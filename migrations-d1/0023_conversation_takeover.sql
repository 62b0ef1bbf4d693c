-- Human takeover and read marks for the operator console (docs/STORAGE.md "conversations";
-- core::console::takeover). While held_by is set the AI does not answer in the conversation.
ALTER TABLE conversations ADD COLUMN held_by TEXT;        -- who holds it: 'user:<id>' or 'api_key:<id>'; NULL: the AI answers
ALTER TABLE conversations ADD COLUMN held_since INTEGER;  -- ms
ALTER TABLE conversations ADD COLUMN read_at INTEGER;     -- ms: inbound messages after it are unread
-- The sweeper's look-up of held conversations whose contact waits on staff.
CREATE INDEX conversations_held ON conversations(held_by) WHERE held_by IS NOT NULL;
