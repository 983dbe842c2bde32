-- Questions the engine could not answer outright (issue 12, "learning from real traffic").
--
-- One row per hour, normalised question, outcome and offered services, with how many times it
-- was asked in that hour and when last. `question` is lowercased, its whitespace collapsed and
-- any number that could identify someone (NIK, phone) masked; no chat id, no name. `outcome` is
-- `not_found` or `ambiguous` (a choice list, "maybe one of these" included); `offered` is the
-- JSON array of the service ids offered, in order (`[]` for not_found). Rows older than 90 days
-- are deleted on write. `loket unanswered` sums them per question.
-- Keep in step with ../postgres/0008_unanswered.sql.

CREATE TABLE unanswered_questions (
    bucket      INTEGER NOT NULL,
    question    TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('not_found', 'ambiguous')),
    offered     TEXT    NOT NULL,
    times       INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (bucket, question, outcome, offered)
);
