-- Telegram side (issue 6): markers that keep an outgoing message from being sent twice after a
-- crash, the complaint posts in officer chats (edited when the status changes) and the pending
-- "write a note" prompts of officers. Dialogue state, chats (blocked flag) and subscriptions use
-- the tables of 0001. Timestamps are unix seconds. Keep in step with the other backend's file.

CREATE TABLE telegram_sends (
    key             TEXT    PRIMARY KEY,
    chat_id         BIGINT  NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('sending', 'sent')),
    message_id      BIGINT,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE officer_posts (
    ticket          TEXT    NOT NULL,
    chat_id         BIGINT  NOT NULL,
    message_id      BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (ticket, chat_id, message_id)
);

CREATE TABLE officer_prompts (
    chat_id         BIGINT  NOT NULL,
    message_id      BIGINT  NOT NULL,
    ticket          TEXT    NOT NULL,
    to_status       TEXT    NOT NULL,
    user_id         BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
