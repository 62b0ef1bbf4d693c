-- Calls we place (POST /api/v1/calls, core::voice::outbound). The row is stored `queued`
-- before Twilio is asked; until Twilio answers with the CallSid, `call_sid` holds the call's own
-- id. `purpose` decides the greeting; `request_key` is the client's Idempotency-Key (one call
-- per key per tenant); `error` says why a call could not be placed (status `failed`).
ALTER TABLE calls ADD COLUMN purpose TEXT;
ALTER TABLE calls ADD COLUMN request_key TEXT;
ALTER TABLE calls ADD COLUMN error TEXT;
CREATE UNIQUE INDEX calls_by_request_key ON calls (tenant_id, request_key) WHERE request_key IS NOT NULL;
