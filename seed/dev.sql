-- Dev-only demo tenants for `make dev` and the tests. Every secret here is public and fake;
-- production tenants keep their signing secrets in wrangler secrets (secret_ref = 'env:NAME').
-- Idempotent: re-running replaces the rows.
INSERT OR REPLACE INTO tenants (id, slug, name, timezone, settings, status, created_at) VALUES
  ('ten_demo', 'demo', 'Maple & Pine Lettings', 'Europe/London',
   '{"hours":{"mon":["09:00","18:00"],"tue":["09:00","18:00"],"wed":["09:00","18:00"],"thu":["09:00","18:00"],"fri":["09:00","17:30"],"sat":["10:00","14:00"]},"next_step":"Reply with the property you are interested in and a good time for a viewing, and we will confirm it.","address":"14 Elm Road, Bristol BS1 4QA","template":"letting_agent","on_call":[{"name":"Sam Carter (on call)","phone":"+447700900999","email":"oncall@mapleandpine.example"}]}',
   'active', 1767225600000),
  ('ten_demo2', 'demo2', 'Harbour View Holiday Lets', 'Europe/London',
   '{"hours":{"mon":["08:00","20:00"],"tue":["08:00","20:00"],"wed":["08:00","20:00"],"thu":["08:00","20:00"],"fri":["08:00","20:00"],"sat":["09:00","17:00"],"sun":["09:00","17:00"]},"next_step":"Tell us your dates and party size and we will check availability.","template":"vacation_rental"}',
   'active', 1767225600000);

INSERT OR REPLACE INTO tenant_channels (id, tenant_id, provider, address, secret_ref, created_at) VALUES
  ('chn_demo_twilio', 'ten_demo', 'twilio', '+14155550100', 'demo-twilio-auth-token', 1767225600000),
  ('chn_demo2_twilio', 'ten_demo2', 'twilio', '+14155550199', 'demo2-twilio-auth-token', 1767225600000),
  -- WhatsApp Cloud: address = phone_number_id; secret_ref = the Graph access token ('' = none,
  -- so replies are recorded as simulated until one is set).
  ('chn_demo_meta', 'ten_demo', 'meta', '106540352242922', '', 1767225600000),
  -- OpenPhone: address = the tenant's OpenPhone number; secret_ref = the webhook signing key
  -- (base64 of "dev-openphone-signing-key"); the API key goes in config.api_key to send.
  ('chn_demo_openphone', 'ten_demo', 'openphone', '+14155550123', 'ZGV2LW9wZW5waG9uZS1zaWduaW5nLWtleQ==', 1767225600000),
  -- Website forms: address = the tenant's slug; secret_ref = the HMAC key form services sign
  -- with (the tenant's API key works too).
  ('chn_demo_form', 'ten_demo', 'form', 'demo', 'demo-form-signing-secret', 1767225600000),
  ('chn_demo2_form', 'ten_demo2', 'form', 'demo2', 'demo2-form-signing-secret', 1767225600000),
  -- Website chat: address = the slug (sessions are signed with the platform's key).
  ('chn_demo_chat', 'ten_demo', 'chat', 'demo', '', 1767225600000),
  ('chn_demo2_chat', 'ten_demo2', 'chat', 'demo2', '', 1767225600000);

-- key_hash = hex(sha256(key)); the keys themselves are in the README (dev only).
INSERT OR REPLACE INTO api_keys (id, tenant_id, key_hash, prefix, label, created_at) VALUES
  ('key_demo_dev', 'ten_demo', 'b5ff6db1dbed33de2582c3770180c87d1b380d13e4fb4e04c47138e6310809bb', 'fd_demo_devk', 'dev key', 1767225600000),
  ('key_demo2_dev', 'ten_demo2', '9a0d7c616d5b9277afd2b7e35a2b55b72fdebf175788f8be67c56fb1ab37ebe6', 'fd_demo2_dev', 'dev key', 1767225600000);
