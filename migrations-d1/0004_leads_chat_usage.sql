-- Website chat visitors are contacts too, keyed by the visitor id in their session token.
ALTER TABLE contacts ADD COLUMN visitor TEXT;
CREATE UNIQUE INDEX contacts_tenant_visitor ON contacts(tenant_id, visitor) WHERE visitor IS NOT NULL;

-- One lead per contact: what qualification has learnt, the explainable score and the status.
CREATE TABLE leads (
  contact_id   TEXT PRIMARY KEY REFERENCES contacts(id),
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'qualifying', 'qualified', 'booked',
                                                          'handed_off', 'won', 'lost')),
  score        INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
  band         TEXT NOT NULL DEFAULT 'cold' CHECK (band IN ('hot', 'warm', 'cold')),
  fields       TEXT NOT NULL DEFAULT '{}',   -- JSON core::lead::LeadFields
  signals      TEXT NOT NULL DEFAULT '{}',   -- JSON: intents seen, max urgency, messages applied
  explanation  TEXT NOT NULL DEFAULT '[]',   -- JSON rubric items with quoted evidence
  applied      TEXT NOT NULL DEFAULT '[]',   -- JSON: message ids applied (retried jobs apply once)
  version      INTEGER NOT NULL DEFAULT 0,   -- optimistic concurrency for the lead job
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX leads_tenant_score ON leads(tenant_id, score DESC, contact_id);

-- Every change of a qualification field: nothing the contact said is silently overwritten.
CREATE TABLE lead_changes (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  contact_id   TEXT NOT NULL REFERENCES contacts(id),
  field        TEXT NOT NULL,
  old_value    TEXT,                          -- JSON or NULL when first learnt
  new_value    TEXT NOT NULL,                 -- JSON
  evidence     TEXT NOT NULL,                 -- the contact's words
  message_id   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (tenant_id, message_id, field)
);
CREATE INDEX lead_changes_contact ON lead_changes(tenant_id, contact_id, id);

-- LLM tokens per tenant per calendar month (the tenant's local month), for the plan's budget.
CREATE TABLE llm_usage (
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  month          TEXT NOT NULL,               -- YYYY-MM
  input_tokens   INTEGER NOT NULL DEFAULT 0,
  output_tokens  INTEGER NOT NULL DEFAULT 0,
  calls          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, month)
);
