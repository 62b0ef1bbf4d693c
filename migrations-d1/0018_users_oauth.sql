-- People who sign in to a tenant, and the OAuth 2.1 authorization server MCP clients use
-- (docs/STORAGE.md "Users and OAuth"). Codes, tokens, consent tickets and client secrets are
-- stored only as hex SHA-256 hashes; passwords as PBKDF2-SHA256 (core::users::password).

CREATE TABLE users (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  email            TEXT NOT NULL,                   -- lowercase
  role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
  password_hash    TEXT NOT NULL,                   -- pbkdf2-sha256$<iterations>$<salt>$<hash>
  failed_attempts  INTEGER NOT NULL DEFAULT 0,      -- wrong passwords in a row
  locked_until     INTEGER,                         -- ms; refused before any check until then
  totp_secret      TEXT,                            -- base32 RFC 6238 secret; NULL: no second factor
  created_at       INTEGER NOT NULL,
  UNIQUE (tenant_id, email)
);

-- Clients are the platform's, not a tenant's: a client registers before anyone has said which
-- business they sign in to, and one client (Claude) serves every tenant. Grants and tokens,
-- which are a tenant's, carry tenant_id.
CREATE TABLE oauth_clients (
  id            TEXT PRIMARY KEY,                   -- client_id: cli_… (registered) or an https URL (metadata document)
  kind          TEXT NOT NULL CHECK (kind IN ('registered', 'metadata_document')),
  client_name   TEXT,
  redirect_uris TEXT NOT NULL,                      -- JSON array
  auth_method   TEXT NOT NULL DEFAULT 'none' CHECK (auth_method IN ('none', 'client_secret_basic', 'client_secret_post')),
  secret_hash   TEXT,                               -- confidential clients only
  created_at    INTEGER NOT NULL,
  fetched_at    INTEGER                             -- metadata documents: when last fetched (cache)
);

-- One user's authorization of one client: pending while the consent page is open, active once
-- a code was issued, revoked on sign-out, code replay or refresh-token reuse.
CREATE TABLE oauth_grants (
  id                    TEXT PRIMARY KEY,
  tenant_id             TEXT NOT NULL REFERENCES tenants(id),
  user_id               TEXT NOT NULL REFERENCES users(id),
  client_id             TEXT NOT NULL,
  scope                 TEXT NOT NULL,              -- space-separated, as granted
  resource              TEXT NOT NULL,              -- RFC 8707: the MCP URL the tokens are for
  redirect_uri          TEXT NOT NULL,
  code_challenge        TEXT NOT NULL,              -- PKCE S256
  client_state          TEXT,                       -- the client's `state`, returned with the code
  state                 TEXT NOT NULL CHECK (state IN ('pending', 'active', 'revoked')),
  consent_hash          TEXT UNIQUE,                -- the consent page's ticket, while pending
  refresh_hash          TEXT,                       -- the newest refresh token
  previous_refresh_hash TEXT,                       -- the one before: valid until the newest is used
  created_at            INTEGER NOT NULL,
  expires_at            INTEGER NOT NULL,           -- pending: consent deadline; active: refresh deadline
  revoked_at            INTEGER
);
CREATE INDEX oauth_grants_tenant ON oauth_grants(tenant_id, user_id);

-- Authorization codes, single-use: a second exchange of the same code revokes its grant.
CREATE TABLE oauth_codes (
  code_hash    TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  grant_id     TEXT NOT NULL REFERENCES oauth_grants(id),
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX oauth_codes_grant ON oauth_codes(tenant_id, grant_id);

-- Access tokens, and every refresh token ever issued (so that a reused old one is recognised
-- and revokes its grant), by hash. Revoking a grant deletes them all.
CREATE TABLE oauth_tokens (
  token_hash   TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  grant_id     TEXT NOT NULL REFERENCES oauth_grants(id),
  kind         TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  expires_at   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens(tenant_id, grant_id);
