-- Where each booking stands in the tenant's integrations (docs/STORAGE.md), written by the
-- `sync_deal` and `sync_calendar` jobs so a retried job does not repeat what succeeded:
-- the HubSpot deal a booking opened, and its Cal.com copy (uid, and the start Cal.com holds;
-- NULL once cancelled there).
ALTER TABLE bookings ADD COLUMN hubspot_deal_id TEXT;
ALTER TABLE bookings ADD COLUMN calcom_uid TEXT;
ALTER TABLE bookings ADD COLUMN calcom_start_ms INTEGER;
