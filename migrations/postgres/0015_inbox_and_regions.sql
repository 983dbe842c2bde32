-- The console inbox at 100,000 complaints (issue 17) and announcements per regency/city (issue 16).
-- Keep in step with ../sqlite/0015_inbox_and_regions.sql.
--
-- complaints_inbox_counts: the inbox's counts per status and overdue over an officer's handlers
-- read this index alone (an index-only scan), never the table.
--
-- complaints_*_trgm: the inbox's word search (LOWER(title) / LOWER(description) LIKE '%...%')
-- through trigram indexes that lead with the handler, so a search reads only the matching
-- complaints of the officer's handlers (not every handler's matches, nor every complaint), and
-- the planner knows how many match. pg_trgm and btree_gin ship with PostgreSQL (contrib) and are
-- trusted extensions (PostgreSQL 13+): the database owner may create them. Where they are not
-- installed or may not be created, the search still works, by scanning; loket starts either way.
--
-- announcements.regency: the regency or city ("Kabupaten Pasuruan") whose subscribers (topic
-- `regency:<name>`) receive the announcement besides the agency's and everyone's.

CREATE INDEX complaints_inbox_counts ON complaints (handler_id, status, due_at);

DO $$
BEGIN
    IF (SELECT COUNT(*) FROM pg_available_extensions WHERE name IN ('pg_trgm', 'btree_gin')) = 2 THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE EXTENSION IF NOT EXISTS btree_gin;
        CREATE INDEX complaints_title_trgm ON complaints
            USING gin (handler_id, LOWER(title) gin_trgm_ops);
        CREATE INDEX complaints_description_trgm ON complaints
            USING gin (handler_id, LOWER(description) gin_trgm_ops);
    ELSE
        RAISE NOTICE 'pg_trgm or btree_gin is not available: the console search scans instead of using an index';
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pg_trgm or btree_gin may not be created here: the console search scans instead of using an index';
END
$$;

ALTER TABLE announcements ADD COLUMN regency TEXT;
