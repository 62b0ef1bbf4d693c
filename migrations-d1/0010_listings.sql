-- The listings catalogue (core::listings, docs/STORAGE.md "Listings") and each contact's interest
-- in listings. Every query filters on tenant_id.
CREATE TABLE listings (
  id              TEXT PRIMARY KEY,                 -- lst_…
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  reference       TEXT NOT NULL,                    -- upper-case, e.g. MP-2026-014
  kind            TEXT NOT NULL CHECK (kind IN ('rent', 'sale', 'stay')),
  type            TEXT NOT NULL CHECK (type IN ('flat', 'house', 'studio', 'maisonette', 'cottage', 'apartment', 'room')),
  beds            INTEGER NOT NULL,
  baths           INTEGER NOT NULL,
  price           REAL NOT NULL,                    -- pounds, per price_period
  price_period    TEXT NOT NULL CHECK (price_period IN ('month', 'total', 'night')),
  area            TEXT NOT NULL,
  postcode        TEXT NOT NULL DEFAULT '',         -- 'BS8 1AB', or '' when unknown
  address         TEXT NOT NULL,
  features        TEXT NOT NULL DEFAULT '[]',       -- JSON array of snake_case words
  available_from  TEXT,                             -- YYYY-MM-DD; NULL = now
  status          TEXT NOT NULL DEFAULT 'available'
                  CHECK (status IN ('available', 'let_agreed', 'under_offer', 'sold', 'withdrawn')),
  description     TEXT NOT NULL DEFAULT '',
  rules           TEXT,                             -- JSON: the booking engine's ListingRules, opaque here
  landlord        TEXT,                             -- JSON {name, phone?, email?}
  -- Derived by core at every write (never sent by clients): what search and the conversation
  -- lookup pre-filter on, so neither has to load the whole catalogue.
  search_text     TEXT NOT NULL DEFAULT '',         -- Listing::search_text(), lower-case
  street          TEXT NOT NULL DEFAULT '',         -- listings::street(address), e.g. 'elm road'
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX listings_reference ON listings(tenant_id, reference);
-- Search: kind first (every search from a conversation names it), then the price ceiling.
CREATE INDEX listings_kind_price ON listings(tenant_id, kind, price);
CREATE INDEX listings_area ON listings(tenant_id, area COLLATE NOCASE);
CREATE INDEX listings_list ON listings(tenant_id, id);

-- One row per (contact, listing, level): asked about, sent, viewed, booked. `at` and
-- `message_id` are the first time the level was reached.
CREATE TABLE listing_interest (
  tenant_id   TEXT NOT NULL,
  contact_id  TEXT NOT NULL,
  listing_id  TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('asked', 'sent', 'viewed', 'booked')),
  at          INTEGER NOT NULL,
  message_id  TEXT,
  PRIMARY KEY (tenant_id, contact_id, listing_id, level)
);
CREATE INDEX listing_interest_listing ON listing_interest(tenant_id, listing_id);
