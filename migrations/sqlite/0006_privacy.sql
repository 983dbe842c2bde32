-- Privacy (issue 13). Keep in step with ../postgres/0006_privacy.sql.
--
-- Complaints are confidential (LAPOR! "rahasia") unless the citizen agreed to publish them: every
-- complaint filed before this migration becomes confidential, because nobody was asked. An
-- officer's status note is public only when the officer marked it so (`complaint_events.public`).
-- `purged_at` marks a complaint whose citizen identity and contact were erased by `loket purge`
-- (UU 27/2022); the anonymous record and its events stay. The append-only rule on
-- complaint_events gains one exception for that: a `citizen:<chat id>` actor may become plain
-- `citizen`, nothing else may change.
-- Open311 clients (portals, 311 apps) file with intake-only keys: `open311_clients` holds the
-- SHA-256 of each key (never the key) and its hourly limit; `complaints.open311_client` records
-- which client filed a complaint. Timestamps are unix seconds.

UPDATE complaints SET confidential = 1;
ALTER TABLE complaints ADD COLUMN purged_at INTEGER;
ALTER TABLE complaints ADD COLUMN open311_client TEXT;
ALTER TABLE complaint_events ADD COLUMN public INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER complaint_events_no_update;
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
WHEN NOT (OLD.actor LIKE 'citizen:%' AND NEW.actor = 'citizen'
          AND NEW.id = OLD.id AND NEW.complaint_id = OLD.complaint_id AND NEW.kind = OLD.kind
          AND NEW.from_status IS OLD.from_status AND NEW.to_status = OLD.to_status
          AND NEW.note IS OLD.note AND NEW.at = OLD.at AND NEW.public = OLD.public)
BEGIN
    SELECT RAISE(ABORT, 'complaint_events is append-only');
END;

CREATE TABLE open311_clients (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    key_sha256      TEXT    NOT NULL UNIQUE,
    per_hour        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);
CREATE INDEX complaints_open311_client ON complaints (open311_client, created_at);
CREATE INDEX complaints_purge ON complaints (status, updated_at) WHERE purged_at IS NULL;
