-- Bookings: viewings and appointments (an interval on a staff calendar, or on the business's
-- own when it lists no staff) and stays (nights at a listing). Staff calendars live in
-- settings.availability.staff (edited with the hours they depend on); `staff_id` names one.
-- `listing_id` is text on purpose: listings (0010) are another table's concern, and a booking
-- must not fail on it.
--
-- No double booking: every insert is one `INSERT … SELECT … WHERE NOT EXISTS (an overlapping
-- confirmed booking of the same calendar or listing)` — one D1 statement, so atomic — and the
-- partial unique indexes below refuse two confirmed bookings starting together on one calendar
-- or one listing even if a writer forgot the guard.
CREATE TABLE bookings (
  id               TEXT PRIMARY KEY,               -- bkg_…
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  kind             TEXT NOT NULL CHECK (kind IN ('viewing', 'appointment', 'stay')),
  listing_id       TEXT,
  contact_id       TEXT NOT NULL REFERENCES contacts(id),
  staff_id         TEXT,
  start_ms         INTEGER NOT NULL,               -- slots: the start; stays: check-in day, local midnight
  end_ms           INTEGER NOT NULL,
  check_in         TEXT,                           -- stays: YYYY-MM-DD (local)
  check_out        TEXT,
  offset_minutes   INTEGER NOT NULL DEFAULT 0,     -- the tenant's UTC offset at start, for display
  status           TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  source           TEXT NOT NULL,                  -- api | conversation | llm
  reminder_sent_at INTEGER,
  review_sent_at   INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK (end_ms > start_ms),
  CHECK (kind <> 'stay' OR (listing_id IS NOT NULL AND check_in IS NOT NULL AND check_out IS NOT NULL))
);
CREATE UNIQUE INDEX bookings_staff_start ON bookings(tenant_id, COALESCE(staff_id, ''), start_ms)
  WHERE status = 'confirmed' AND kind <> 'stay';
CREATE UNIQUE INDEX bookings_listing_start ON bookings(tenant_id, listing_id, start_ms)
  WHERE status = 'confirmed' AND listing_id IS NOT NULL AND kind <> 'stay';
CREATE INDEX bookings_tenant_start ON bookings(tenant_id, status, start_ms);
CREATE INDEX bookings_tenant_contact ON bookings(tenant_id, contact_id, start_ms);
-- The sweeper's reminders and review requests.
CREATE INDEX bookings_reminder_due ON bookings(status, start_ms) WHERE reminder_sent_at IS NULL;
CREATE INDEX bookings_review_due ON bookings(status, end_ms) WHERE review_sent_at IS NULL;
