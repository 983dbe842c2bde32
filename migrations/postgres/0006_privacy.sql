-- Privacy (issue 13). Keep in step with ../sqlite/0006_privacy.sql.
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

UPDATE complaints SET confidential = TRUE;
ALTER TABLE complaints ALTER COLUMN confidential SET DEFAULT TRUE;
ALTER TABLE complaints ADD COLUMN purged_at BIGINT;
ALTER TABLE complaints ADD COLUMN open311_client TEXT;
ALTER TABLE complaint_events ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;

CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor LIKE 'citizen:%' AND NEW.actor = 'citizen'
       AND NEW.id = OLD.id AND NEW.complaint_id = OLD.complaint_id AND NEW.kind = OLD.kind
       AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status AND NEW.to_status = OLD.to_status
       AND NEW.note IS NOT DISTINCT FROM OLD.note AND NEW.at = OLD.at AND NEW.public = OLD.public THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'complaint_events is append-only';
END;
$$;

CREATE TABLE open311_clients (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    key_sha256      TEXT    NOT NULL UNIQUE,
    per_hour        INTEGER NOT NULL,
    created_at      BIGINT  NOT NULL,
    revoked_at      BIGINT
);
CREATE INDEX complaints_open311_client ON complaints (open311_client, created_at);
CREATE INDEX complaints_purge ON complaints (status, updated_at) WHERE purged_at IS NULL;
