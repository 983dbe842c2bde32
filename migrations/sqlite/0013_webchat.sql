-- Web chat channel (issue 14): the chat an agency embeds on its own site.
--
-- webchat_sessions: one row per anonymous browser session. The citizen's browser holds a random
-- token; only its SHA-256 is stored. chat_id is the citizen's address everywhere else in the
-- store (complaints, dialogues, subscriptions, notification tasks); web sessions get ids above
-- 2^53, which no Telegram chat id reaches (Telegram ids fit 52 bits) and WhatsApp contacts
-- (below -2^53) never take, so a notification knows its channel from the chat id alone.
-- Sessions idle past the retention period are deleted, unless a complaint they filed is still
-- open (its notifications must still arrive).
--
-- webchat_chat_ids: the next chat id to give out. A counter, not MAX(chat_id) + 1, so the id of
-- a deleted session is never given to another citizen (who would then see its complaints).
--
-- webchat_messages: the transcript of each session, both ways, and the per-session outbox of
-- status notifications the widget fetches. seq counts per session without gaps and is never
-- reused (the session's last_seq, raised in the appending transaction, also after old lines
-- were deleted, so a page that has seen number n has seen everything before); delivery_id is
-- the notification task a message came from (a retried task adds nothing). body is the
-- rendered message as JSON (lines with their style, buttons with their choice ids).
-- Keep in step with ../postgres/0013_webchat.sql.

CREATE TABLE webchat_sessions (
    token_sha256  TEXT    PRIMARY KEY,
    chat_id       INTEGER  NOT NULL UNIQUE,
    created_at    INTEGER  NOT NULL,
    last_seen_at  INTEGER  NOT NULL,
    last_seq      INTEGER  NOT NULL DEFAULT 0
);

CREATE INDEX webchat_sessions_seen ON webchat_sessions (last_seen_at);

CREATE TABLE webchat_chat_ids (
    id            INTEGER PRIMARY KEY,
    next_chat_id  INTEGER  NOT NULL
);

INSERT INTO webchat_chat_ids (id, next_chat_id) VALUES (1, 9007199254740993);

CREATE TABLE webchat_messages (
    chat_id      INTEGER  NOT NULL,
    seq          INTEGER  NOT NULL,
    author       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    delivery_id  TEXT    UNIQUE,
    created_at   INTEGER  NOT NULL,
    PRIMARY KEY (chat_id, seq)
);

CREATE INDEX webchat_messages_age ON webchat_messages (created_at);
