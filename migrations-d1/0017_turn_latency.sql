-- A spoken reply's wait (core::voice::latency): ms from the caller's final prompt to the first
-- and the last `text` token the CallDO sent. NULL on every other message.
ALTER TABLE messages ADD COLUMN first_token_ms INTEGER;
ALTER TABLE messages ADD COLUMN last_token_ms INTEGER;
