-- The operator console's browser sessions (docs/STORAGE.md "Console sessions"): the
-- `fd_session` cookie's secret is stored only as its hex SHA-256. A session ends 12 hours
-- after its last use (last_seen_at, written at most every 5 minutes) or at expires_at
-- (7 days after sign-in), or when revoked (sign-out).
CREATE TABLE console_sessions (
  token_hash    TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL REFERENCES tenants(id),
  user_id       TEXT NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX console_sessions_user ON console_sessions(tenant_id, user_id);
