-- Where each booking stands in the tenant's integrations (docs/STORAGE.md), written by the
-- `sync_deal` and `sync_calendar` jobs so a retried job does not repeat what succeeded:
-- the HubSpot deal a booking opened, and its Cal.com copy (uid, and the start Cal.com holds;
-- NULL once cancelled there).
ALTER TABLE bookings ADD COLUMN hubspot_deal_id TEXT;
ALTER TABLE bookings ADD COLUMN calcom_uid TEXT;
ALTER TABLE bookings ADD COLUMN calcom_start_ms INTEGER;
-- The job syncing each integration holds a lease on the booking (until this time, ms), so two
-- copies of the job — or a move's job racing its creation's — take turns instead of both
-- booking Cal.com or both opening a deal.
ALTER TABLE bookings ADD COLUMN calcom_lease_until INTEGER;
ALTER TABLE bookings ADD COLUMN deal_lease_until INTEGER;
