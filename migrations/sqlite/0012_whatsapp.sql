-- WhatsApp Business Cloud API channel (issue 14).
--
-- whatsapp_contacts: one row per citizen's WhatsApp id (their number). chat_id is the citizen's
-- address everywhere else in the store (complaints, dialogues, subscriptions); WhatsApp
-- contacts get ids below -2^53, which no Telegram chat id reaches (Telegram ids fit 52 bits), so
-- a notification knows its channel from the chat id alone. last_inbound_at opens the 24-hour
-- customer-service window; status 'blocked' when Meta says the number cannot be reached.
--
-- whatsapp_inbox: every inbound message, written before the webhook answers 200 and
-- processed by a worker afterwards, so a slow engine or a crash loses nothing. The primary key
-- is Meta's message id: a retried delivery is a no-op. The event is stored in the channel's
-- own compact form (kind + payload), never the raw body.
-- Keep in step with ../postgres/0012_whatsapp.sql.

CREATE TABLE whatsapp_contacts (
    wa_id            TEXT    PRIMARY KEY,
    chat_id          INTEGER  NOT NULL UNIQUE,
    status           TEXT    NOT NULL DEFAULT 'active',
    last_inbound_at  INTEGER  NOT NULL,
    created_at       INTEGER  NOT NULL
);

CREATE TABLE whatsapp_inbox (
    message_id    TEXT    PRIMARY KEY,
    wa_id         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    received_at   INTEGER  NOT NULL,
    lease_until   INTEGER,
    processed_at  INTEGER
);

CREATE INDEX whatsapp_inbox_pending ON whatsapp_inbox (processed_at, received_at);
