-- Signed webhook events our parser could not read, kept raw (core::unparsed): the provider gets
-- its 2xx instead of retrying into loss, and POST /api/v1/unparsed/{id}/replay runs the body
-- through the provider's path again once a newer build reads the format.
CREATE TABLE unparsed_events (
  id           TEXT PRIMARY KEY,                  -- unp_…
  -- NULL only for a platform-level provider (Meta: one app secret for all tenants) whose body
  -- names no number a tenant owns; such rows are in no tenant's list (logged when kept).
  tenant_id    TEXT REFERENCES tenants(id),
  provider     TEXT NOT NULL,                     -- openphone | twilio | meta
  event_id     TEXT,                              -- provider's event id, else sha256:<hex> of the body
  headers      TEXT NOT NULL DEFAULT '{}',        -- JSON: content-type, user-agent, webhook-id, webhook-timestamp (never signatures)
  body         TEXT NOT NULL,                     -- the raw body as received
  error        TEXT NOT NULL,                     -- the parser's error (the latest replay's, after one)
  status       TEXT NOT NULL DEFAULT 'unparsed' CHECK (status IN ('unparsed', 'replayed', 'failed')),
  received_at  INTEGER NOT NULL,
  replayed_at  INTEGER
);
-- A provider's retries of one event are stored once (COALESCE: NULL tenants are one tenant here).
CREATE UNIQUE INDEX unparsed_events_event ON unparsed_events(COALESCE(tenant_id, ''), provider, event_id)
  WHERE event_id IS NOT NULL;
CREATE INDEX unparsed_events_tenant ON unparsed_events(tenant_id, id);
