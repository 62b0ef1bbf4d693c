-- What a call came to (core::voice::summary), written once when the call ends: the status
-- callback that first reports a terminal status wins `summarized_at IS NULL`; a repeated or
-- late callback finds it set and changes nothing. `summary` is the JSON the API shows
-- (intent, outcome, fields, text, follow_ups); `outcome` is repeated as a column to filter on.
-- A recording deleted after the tenant's retention (or by `DELETE /api/v1/calls/{id}/recording`)
-- leaves `recording_deleted_at`; its sid and URL are cleared. Every statement filters on tenant_id.
ALTER TABLE calls ADD COLUMN summary TEXT;
ALTER TABLE calls ADD COLUMN outcome TEXT;
ALTER TABLE calls ADD COLUMN summarized_at INTEGER;
ALTER TABLE calls ADD COLUMN recording_deleted_at INTEGER;
-- The sweeper's two scans: ended calls nobody summarised, recordings past their retention.
CREATE INDEX calls_unsummarized ON calls (status_rank, updated_at) WHERE summarized_at IS NULL;
CREATE INDEX calls_with_recording ON calls (created_at) WHERE recording_sid IS NOT NULL;
