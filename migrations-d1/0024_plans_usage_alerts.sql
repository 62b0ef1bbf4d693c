-- Plans and quotas (core::plan, docs/API.md "Usage"). Usage itself is counted from the rows it
-- is made of (messages, calls, llm_usage, kb_chunks); this table only remembers which alerts
-- the owner has had, so each is sent once: a quota alert once per tenant, month and metric
-- level ('sms:80', 'sms:100'), an unusual-activity alert once per clock hour and kind.
CREATE TABLE usage_alerts (
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  period      TEXT NOT NULL,               -- YYYY-MM (local month) or the clock hour (ms / 3,600,000)
  kind        TEXT NOT NULL,               -- <metric>:80 | <metric>:100 | outbound_burst | contact_burst:<prefix>
  detail      TEXT NOT NULL DEFAULT '{}',  -- JSON: the numbers that raised it
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, period, kind)
);

-- The month's counts and the retention sweep read a tenant's rows by time.
CREATE INDEX messages_tenant_created ON messages(tenant_id, created_at);
CREATE INDEX calls_tenant_created ON calls(tenant_id, created_at);
CREATE INDEX contacts_tenant_created ON contacts(tenant_id, created_at);
