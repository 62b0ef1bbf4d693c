-- Saved searches (core::listings::saved, docs/STORAGE.md "Saved searches and listing offers"):
-- a contact's criteria kept so that a listing coming on the market, back on it or cheaper is
-- offered to them. Every query filters on tenant_id.
CREATE TABLE saved_searches (
  id          TEXT PRIMARY KEY,                      -- svs_…
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  contact_id  TEXT NOT NULL REFERENCES contacts(id),
  criteria    TEXT NOT NULL,                         -- JSON core::listings::saved::Criteria
  source      TEXT NOT NULL CHECK (source IN ('conversation', 'staff')),
  opt_in      TEXT,                                  -- the contact's words that opted in (conversation)
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
  created_at  INTEGER NOT NULL,
  stopped_at  INTEGER                                -- an opt-out (STOP) stopped it
);
-- The same criteria saved twice by one contact is one search.
CREATE UNIQUE INDEX saved_searches_once ON saved_searches(tenant_id, contact_id, criteria) WHERE status = 'active';
CREATE INDEX saved_searches_active ON saved_searches(tenant_id, status, id);

-- One row per listing offered to a contact at a price: the primary key is what makes an offer
-- once-only (never twice at the same price), whoever writes it first. 'pending' waits for the
-- tenant's hours and quiet hours (the sweeper sends it then); 'cancelled' = the search was
-- stopped or the listing changed before it could go.
CREATE TABLE listing_offers (
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  contact_id       TEXT NOT NULL,
  listing_id       TEXT NOT NULL,
  price            REAL NOT NULL,
  saved_search_id  TEXT NOT NULL,
  reason           TEXT NOT NULL CHECK (reason IN ('new', 'repriced')),
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'cancelled')),
  message_id       TEXT NOT NULL,                    -- derived from search, listing and price
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  PRIMARY KEY (tenant_id, contact_id, listing_id, price)
);
CREATE INDEX listing_offers_pending ON listing_offers(status, created_at) WHERE status = 'pending';
CREATE INDEX listing_offers_listing ON listing_offers(tenant_id, listing_id);
