-- whatsapp_chat_ids: the next chat id to give a new WhatsApp contact (ids count down from
-- -2^53 - 1, see bot/src/whatsapp/store.rs). A counter row, not MIN(chat_id) - 1: on
-- PostgreSQL many new contacts writing at once computed the same MIN and all but one failed
-- on the unique chat id (the webhook then answered 503), and an id computed from the rows
-- present would be given again if the newest contact's row were ever deleted. The same
-- scheme as webchat_chat_ids (0013). Starts below every id already given out.
-- Keep in step with ../postgres/0018_whatsapp_chat_ids.sql.

CREATE TABLE whatsapp_chat_ids (
    id            INTEGER PRIMARY KEY,
    next_chat_id  INTEGER NOT NULL
);

INSERT INTO whatsapp_chat_ids (id, next_chat_id)
SELECT 1, COALESCE(MIN(chat_id) - 1, -9007199254740993) FROM whatsapp_contacts;
