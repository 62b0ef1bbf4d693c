-- The first business on a fresh production database (README.md, "Deploy to Cloudflare", step 5).
-- Every later business is created from the console or `POST /api/v1/tenants` by an owner; this
-- one has nobody to create it. Edit the values marked EDIT, then:
--   npx wrangler d1 execute frontdesk --remote --env production --file deploy/first_tenant.sql
-- No secret is stored here: each channel names a Worker secret (`env:NAME`) that you set with
-- `npx wrangler secret put NAME --env production`; the API key is stored as its SHA-256 only.
-- Delete the rows of channels you do not use. scripts/check_deploy_guide.mjs runs this file
-- against a local database migrated like production, so it cannot drift from the schema.

INSERT INTO tenants (id, slug, name, timezone, settings, status, created_at) VALUES
  ('ten_acme', 'acme', 'Acme Lettings', 'Europe/London', '{}', 'active', unixepoch() * 1000); -- EDIT slug, name, timezone

INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, config, created_at) VALUES
  -- Twilio: the number (E.164) SMS, WhatsApp-via-Twilio and calls arrive on; the auth token
  -- verifies Twilio's signatures and sends; the account SID lets it send (else `simulated`).
  ('chn_acme_twilio', 'ten_acme', 'twilio', '+15005550006', 'env:TWILIO_AUTH_TOKEN_ACME',
   '{"account_sid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}', unixepoch() * 1000), -- EDIT number, account_sid
  -- WhatsApp Cloud: the Meta phone_number_id; the secret is the Graph API access token.
  ('chn_acme_meta', 'ten_acme', 'meta', '100000000000000', 'env:META_TOKEN_ACME', '{}', unixepoch() * 1000), -- EDIT phone_number_id
  -- OpenPhone / Quo: the line's number; the secret is the webhook's signing key, config.api_key
  -- the workspace API key it sends with.
  ('chn_acme_openphone', 'ten_acme', 'openphone', '+15005550007', 'env:OPENPHONE_SIGNING_KEY_ACME',
   '{"api_key": "env:OPENPHONE_API_KEY_ACME"}', unixepoch() * 1000), -- EDIT number
  -- Website forms and chat: the address is the slug; forms are signed with the form secret,
  -- chat sessions with the platform's CHAT_SESSION_SECRET.
  ('chn_acme_form', 'ten_acme', 'form', 'acme', 'env:FORM_SECRET_ACME', '{}', unixepoch() * 1000),
  ('chn_acme_chat', 'ten_acme', 'chat', 'acme', '', '{}', unixepoch() * 1000);

-- The owner's first API key (it acts as the owner: sign in to the console with it, "Use an API
-- key instead", and add people in Team & keys). key_hash = hex SHA-256 of the key, prefix its
-- first 12 characters; README step 5 makes one.
INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, created_at) VALUES
  ('key_acme_first', 'ten_acme', 'PASTE_THE_SHA256_OF_YOUR_KEY_HERE', 'fd_acme_', 'first key', unixepoch() * 1000); -- EDIT key_hash, prefix
