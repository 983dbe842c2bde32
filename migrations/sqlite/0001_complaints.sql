-- Complaints, their append-only event log, the delivery outbox, idempotency keys for the
-- handler API, chats and subscriptions. Timestamps are unix seconds (INTEGER) on both backends;
-- ids of deliveries are UUID text. Keep in step with ../postgres/0001_complaints.sql.

CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    ticket          TEXT    NOT NULL UNIQUE,
    chat_id         INTEGER NOT NULL,
    service_id      TEXT,
    category        TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    place           TEXT,
    incident_date   TEXT,
    attachments     TEXT    NOT NULL DEFAULT '[]',
    anonymous       INTEGER NOT NULL DEFAULT 0,
    confidential    INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL,
    handler_id      TEXT,
    due_at          INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX complaints_chat ON complaints (chat_id, id);
CREATE INDEX complaints_handler_status ON complaints (handler_id, status, id);
CREATE INDEX complaints_due ON complaints (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE complaint_events (
    id              INTEGER PRIMARY KEY,
    complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
    kind            TEXT    NOT NULL DEFAULT 'status' CHECK (kind IN ('status', 'reply')),
    from_status     TEXT,
    to_status       TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    note            TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'complaint_events is append-only');
END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'complaint_events is append-only');
END;

-- The transactional outbox: forwarding to handlers and notifications to citizens.
CREATE TABLE deliveries (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('forward', 'notify')),
    complaint_id    INTEGER REFERENCES complaints (id),
    handler_id      TEXT,
    chat_id         INTEGER,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'in_flight', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    locked_by       TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX deliveries_ready ON deliveries (kind, status, next_attempt_at);
CREATE INDEX deliveries_complaint ON deliveries (complaint_id);

CREATE TABLE idempotency_keys (
    scope           TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    response        TEXT,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE chats (
    chat_id         INTEGER PRIMARY KEY,
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    chat_id         INTEGER NOT NULL REFERENCES chats (chat_id),
    topic           TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (chat_id, topic)
);

-- Telegram dialogue state (teloxide `Storage<State>` on our own pool), serialised as JSON.
CREATE TABLE dialogues (
    chat_id         INTEGER PRIMARY KEY,
    state           TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL
);
