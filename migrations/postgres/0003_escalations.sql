-- Overdue escalation: the deadline (due_at) for which the handler was last sent an overdue notice,
-- so each stage's deadline escalates once.
ALTER TABLE complaints ADD COLUMN escalated_due_at BIGINT;
