-- Complaints, their append-only event log, the delivery outbox, idempotency keys for the
-- handler API, chats and subscriptions. Timestamps are unix seconds (BIGINT) on both backends;
-- ids of deliveries are UUID text. Keep in step with ../sqlite/0001_complaints.sql.

CREATE TABLE complaints (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket          TEXT    NOT NULL UNIQUE,
    chat_id         BIGINT  NOT NULL,
    service_id      TEXT,
    category        TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    place           TEXT,
    incident_date   TEXT,
    attachments     TEXT    NOT NULL DEFAULT '[]',
    anonymous       BOOLEAN NOT NULL DEFAULT FALSE,
    confidential    BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT    NOT NULL,
    handler_id      TEXT,
    due_at          BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX complaints_chat ON complaints (chat_id, id);
CREATE INDEX complaints_handler_status ON complaints (handler_id, status, id);
CREATE INDEX complaints_due ON complaints (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE complaint_events (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id    BIGINT  NOT NULL REFERENCES complaints (id),
    kind            TEXT    NOT NULL DEFAULT 'status' CHECK (kind IN ('status', 'reply')),
    from_status     TEXT,
    to_status       TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    note            TEXT,
    at              BIGINT  NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaint_events is append-only';
END;
$$;
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();

-- The transactional outbox: forwarding to handlers and notifications to citizens.
CREATE TABLE deliveries (
    seq             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('forward', 'notify')),
    complaint_id    BIGINT  REFERENCES complaints (id),
    handler_id      TEXT,
    chat_id         BIGINT,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'in_flight', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_until     BIGINT,
    locked_by       TEXT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX deliveries_ready ON deliveries (kind, status, next_attempt_at);
CREATE INDEX deliveries_complaint ON deliveries (complaint_id);

CREATE TABLE idempotency_keys (
    scope           TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    response        TEXT,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE chats (
    chat_id         BIGINT  PRIMARY KEY,
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE subscriptions (
    chat_id         BIGINT  NOT NULL REFERENCES chats (chat_id),
    topic           TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (chat_id, topic)
);

-- Telegram dialogue state (teloxide `Storage<State>` on our own pool), serialised as JSON.
CREATE TABLE dialogues (
    chat_id         BIGINT  PRIMARY KEY,
    state           TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL
);
