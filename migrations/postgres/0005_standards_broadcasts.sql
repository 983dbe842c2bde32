-- Versioned service standards and broadcast announcements (issue 7).
--
-- `ingest_runs` records every `loket ingest` that stored something (its diff as JSON);
-- `service_versions` keeps one row per version of a service: its fingerprint (content hash per
-- component), the serialized ServiceStandard (the old content is needed to describe a change),
-- and a `removed` tombstone when the service disappears from the decrees. The latest version of
-- a service is the row with the highest `version`.
-- `announcements` are drafts until an administrator approves them (or auto-send is on);
-- `broadcast_tasks` is their outbox: one row per subscriber, claimed with a lease like
-- `deliveries`, marked `sending` just before the Telegram call and `sent` after it, so a crash
-- never sends one subscriber the same announcement twice. Timestamps are unix seconds.
-- Keep in step with ../sqlite/0005_standards_broadcasts.sql.

CREATE TABLE ingest_runs (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          TEXT    NOT NULL,
    added           BIGINT  NOT NULL,
    changed         BIGINT  NOT NULL,
    removed         BIGINT  NOT NULL,
    unchanged       BIGINT  NOT NULL,
    diff            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE service_versions (
    service_id      TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    ingest_id       BIGINT  NOT NULL REFERENCES ingest_runs (id),
    agency          TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    standard        TEXT    NOT NULL,
    removed         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (service_id, version)
);

CREATE TABLE announcements (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ingest_id       BIGINT  REFERENCES ingest_runs (id),
    agency          TEXT,
    text            TEXT    NOT NULL,
    services        TEXT    NOT NULL DEFAULT '[]',
    status          TEXT    NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'approved', 'sending', 'done')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE broadcast_tasks (
    seq             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    announcement_id BIGINT  NOT NULL REFERENCES announcements (id),
    chat_id         BIGINT  NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'in_flight', 'sending', 'sent', 'failed', 'blocked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_until     BIGINT,
    locked_by       TEXT,
    message_id      BIGINT,
    last_error      TEXT,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (announcement_id, chat_id)
);
CREATE INDEX broadcast_tasks_ready ON broadcast_tasks (status, next_attempt_at, seq);
CREATE INDEX broadcast_tasks_announcement ON broadcast_tasks (announcement_id, status);
