-- Phone calls to a tenant's Twilio number (core::voice). One row per CallSid per tenant,
-- written before the voice webhook answers. `status` only moves forward: `status_rank`
-- (core::voice::status::rank) is compared on every callback, so a late or repeated `ringing`
-- never undoes `completed`. The recording is reachable only through the tenant's API.
CREATE TABLE calls (
  id                  TEXT PRIMARY KEY,
  tenant_id           TEXT NOT NULL REFERENCES tenants(id),
  call_sid            TEXT NOT NULL,
  contact_id          TEXT REFERENCES contacts(id),
  from_number         TEXT NOT NULL,
  to_number           TEXT NOT NULL,
  direction           TEXT NOT NULL DEFAULT 'inbound',
  mode                TEXT NOT NULL CHECK (mode IN ('relay', 'gather', 'voicemail')),
  status              TEXT NOT NULL,
  status_rank         INTEGER NOT NULL DEFAULT 0,
  duration_seconds    INTEGER,
  recording_sid       TEXT,
  recording_url       TEXT,
  recording_duration  INTEGER,
  handoff             TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX calls_by_sid ON calls (tenant_id, call_sid);
CREATE INDEX calls_by_contact ON calls (tenant_id, contact_id, id);
CREATE INDEX calls_by_tenant ON calls (tenant_id, id);
