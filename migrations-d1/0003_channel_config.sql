-- Per-channel provider settings that are not secrets, e.g. Twilio's account SID:
-- {"account_sid": "AC…"}. Without them a channel can receive but not send (deliveries are
-- recorded as `simulated`). Documented in docs/STORAGE.md.
ALTER TABLE tenant_channels ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
