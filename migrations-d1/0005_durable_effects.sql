-- Durable after-turn effects (docs/STORAGE.md, "Durable effects and the sweeper").
--
-- A turn writes what it must do next (deliver the reply, page on-call, update the lead) as
-- job intents in its own claim-guarded batch, and enqueues them after the batch commits. A job
-- marks its intent done; the sweeper re-enqueues intents still pending after a grace period,
-- so a queue send that failed (or a Worker that died right after the batch) loses nothing.
CREATE TABLE job_intents (
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  dedupe_key   TEXT NOT NULL,                 -- names the effect: the reply's message id, a page's key, lead:<message id>
  kind         TEXT NOT NULL,                 -- the job's kind (core jobs::Job)
  job          TEXT NOT NULL,                 -- the job as JSON, exactly as enqueued
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,    -- re-enqueues by the sweeper
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,              -- the last (re-)enqueue
  PRIMARY KEY (tenant_id, dedupe_key)
);
CREATE INDEX job_intents_pending ON job_intents(status, updated_at) WHERE status = 'pending';

-- The turn being answered, while its claim is `processing`: the sweeper answers a claim whose
-- holder died (redeploy, killed isolate, a failed second batch) from it. Cleared when done.
ALTER TABLE webhook_events ADD COLUMN turn TEXT;
ALTER TABLE webhook_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX webhook_events_processing ON webhook_events(status, received_at) WHERE status = 'processing';

-- A delivery is sent by whoever holds its lease, so a job delivered twice sends once.
ALTER TABLE outbox ADD COLUMN lease_id TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;

-- Why an outbound message was not delivered (failed or dead delivery), for the timeline.
ALTER TABLE messages ADD COLUMN error TEXT;

-- On-call chain: who was paged last (index into settings.on_call) and when; the sweeper pages
-- the next one when a critical escalation stays open past the tenant's acknowledgement timeout.
ALTER TABLE escalations ADD COLUMN page_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE escalations ADD COLUMN paged_at INTEGER;
CREATE INDEX escalations_paging ON escalations(status, priority, paged_at) WHERE status = 'open' AND priority = 'critical';

-- Platform-level audit entries (tenant_id NULL): a dead job whose JSON no version can read
-- still names no tenant, and is recorded rather than skipped. SQLite cannot relax NOT NULL in
-- place, so the table is rebuilt (nothing references it).
CREATE TABLE audit_log_new (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT REFERENCES tenants(id),       -- NULL: about the platform, not one tenant
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject      TEXT,
  detail       TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL
);
INSERT INTO audit_log_new (id, tenant_id, actor, action, subject, detail, created_at)
  SELECT id, tenant_id, actor, action, subject, detail, created_at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
