-- Telegram's send limits shared by every `loket serve` process on one database (issue 13 item 8).
--
-- One row per scope and millisecond in which sends went out: `global` (the bot's overall rate,
-- about 30/s) or `chat:<id>` (1/s per chat), with how many. A sender takes a slot only while
-- the scope's sends within the last window (one second plus a margin) are below the limit, in
-- one transaction serialised across processes, so the busiest second of all processes together
-- stays within the limit. Rows older than a minute are pruned by the senders.
-- Keep in step with ../postgres/0009_send_slots.sql.

CREATE TABLE send_slots (
    scope   TEXT    NOT NULL,
    at_ms   INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (scope, at_ms)
);

CREATE INDEX send_slots_at ON send_slots (at_ms);
