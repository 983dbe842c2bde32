-- The history of each decree file (issue 17: the administrator's "standards versions" page).
--
-- `service_versions` (0005) keeps every service's versions, but not the decree they came in:
-- its number, its agency, and which services changed together. Every ingest that adds, changes
-- or removes a service of a decree file writes one `decree_versions` row for that file: its
-- version (1, 2, ... per `source`), the counts, the decree's own diff (a StandardsDiff as JSON,
-- the same shape as `ingest_runs.diff`) and the parsed Document before and after it as JSON
-- (`old_document` is NULL for a new decree, `new_document` NULL for a decree file that is
-- gone). The old document is the previous row's new one; on a database from before this
-- migration, the first change of a decree rebuilds it from the stored service versions (no
-- decree number then). Version numbers start at that first recorded ingest. Timestamps are
-- unix seconds. Keep in step with ../postgres/0017_decree_versions.sql.

CREATE TABLE decree_versions (
    id              INTEGER PRIMARY KEY,
    source          TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    ingest_id       INTEGER NOT NULL REFERENCES ingest_runs (id),
    agency          TEXT,
    decree          TEXT,
    added           INTEGER NOT NULL,
    removed         INTEGER NOT NULL,
    changed         INTEGER NOT NULL,
    diff            TEXT    NOT NULL,
    old_document    TEXT,
    new_document    TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (source, version)
);
