-- The console inbox at 100,000 complaints (issue 17) and announcements per regency/city (issue 16).
-- Keep in step with ../postgres/0015_inbox_and_regions.sql (which also has trigram indexes for
-- the word search; SQLite scans, as it did).
--
-- complaints_inbox_counts: the inbox's counts per status and overdue over an officer's handlers
-- read this index alone, never the table.
--
-- announcements.regency: the regency or city ("Kabupaten Pasuruan") whose subscribers (topic
-- `regency:<name>`) receive the announcement besides the agency's and everyone's.

CREATE INDEX complaints_inbox_counts ON complaints (handler_id, status, due_at);

ALTER TABLE announcements ADD COLUMN regency TEXT;
