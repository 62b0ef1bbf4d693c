-- Frontdesk D1 schema, version 1. Documented table by table in docs/STORAGE.md.
-- Every row carries tenant_id and every query filters on it. Secrets are stored only as hashes,
-- except channel signing secrets, which must be usable to recompute HMACs: those hold either a
-- literal (dev tenants only) or `env:NAME`, a reference to a wrangler secret.
-- Times are integer milliseconds since the Unix epoch (UTC). Ids are time-ordered text
-- (`<prefix>_<13 hex ms><10 hex random>`), so ORDER BY id is creation order.

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  timezone    TEXT NOT NULL DEFAULT 'UTC',
  settings    TEXT NOT NULL DEFAULT '{}',        -- JSON: hours, tone, questions (core::tenant::Settings)
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  created_at  INTEGER NOT NULL
);

-- A provider address (phone number, WhatsApp phone_number_id, OpenPhone number id) that
-- belongs to a tenant. Inbound webhooks resolve their tenant here.
CREATE TABLE tenant_channels (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  provider     TEXT NOT NULL,                     -- twilio | meta | openphone | form
  address      TEXT NOT NULL,                     -- E.164 number or provider id
  secret_ref   TEXT NOT NULL,                     -- signing secret: literal (dev) or env:NAME
  created_at   INTEGER NOT NULL,
  UNIQUE (provider, address)
);
CREATE INDEX tenant_channels_tenant ON tenant_channels(tenant_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  key_hash     TEXT NOT NULL UNIQUE,              -- hex SHA-256 of the whole key
  prefix       TEXT NOT NULL,                     -- first 12 chars, to recognise a key in the UI
  label        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

CREATE TABLE contacts (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  phone        TEXT,                              -- E.164
  email        TEXT,                              -- lower-cased
  name         TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_tenant_phone ON contacts(tenant_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_tenant_email ON contacts(tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_tenant_id ON contacts(tenant_id, id);

CREATE TABLE conversations (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  contact_id       TEXT NOT NULL REFERENCES contacts(id),
  channel          TEXT NOT NULL,                 -- sms | whatsapp | voice | chat | form | email
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  started_at       INTEGER NOT NULL,
  last_message_at  INTEGER NOT NULL
);
CREATE INDEX conversations_tenant_id ON conversations(tenant_id, id);
CREATE INDEX conversations_contact_open ON conversations(tenant_id, contact_id, channel, status, last_message_at);

CREATE TABLE messages (
  id                   TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL REFERENCES tenants(id),
  conversation_id      TEXT NOT NULL REFERENCES conversations(id),
  contact_id           TEXT NOT NULL REFERENCES contacts(id),
  direction            TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  channel              TEXT NOT NULL,
  body                 TEXT NOT NULL,
  provider_message_id  TEXT,
  status               TEXT NOT NULL,             -- received | sent | delivered | failed | simulated | queued
  media                TEXT,                      -- JSON [[url, content type], ...] or NULL
  created_at           INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages(tenant_id, conversation_id, id);
CREATE UNIQUE INDEX messages_provider_id ON messages(tenant_id, channel, provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- The idempotency ledger: one row per provider event, claimed atomically before any effect.
-- `claim_id` is the token of the request that holds the claim; every write of that request
-- is guarded by it (see src/platform/d1/inbound.rs). A 'failed' claim, or a 'processing'
-- one older than 30 s, may be taken over by a retry.
-- `response` holds what the first delivery answered, so a retry gets the same answer.
CREATE TABLE webhook_events (
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  provider     TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'done', 'failed')),
  claim_id     TEXT NOT NULL,
  response     TEXT,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, provider, event_id)
);

CREATE TABLE outbox (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  message_id   TEXT REFERENCES messages(id),
  channel      TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  payload      TEXT NOT NULL,                     -- JSON the sender needs
  status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'simulated', 'failed', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX outbox_tenant_status ON outbox(tenant_id, status, id);

CREATE TABLE audit_log (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  actor        TEXT NOT NULL,                     -- api_key:<id> | system | webhook:<provider>
  action       TEXT NOT NULL,
  subject      TEXT,
  detail       TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
