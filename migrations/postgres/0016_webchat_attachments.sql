-- Photos a web chat citizen attaches while filing a complaint (issue 14).
--
-- Telegram and WhatsApp keep the files: loket stores only their references and fetches a file
-- when an officer opens it. The web chat has no such store, so the checked image itself is kept
-- here, and the complaint's attachment list names it `web_<id>`. The console passes it through
-- (`Cache-Control: private, no-store`) only to the officers of the complaint's handler; no
-- public URL ever names it. chat_id is the session that sent it; content_type one of
-- image/jpeg, image/png, image/webp, checked against the file's own first bytes.
-- Keep in step with ../sqlite/0016_webchat_attachments.sql.

CREATE TABLE webchat_attachments (
    id            BIGSERIAL PRIMARY KEY,
    chat_id       BIGINT   NOT NULL,
    content_type  TEXT     NOT NULL,
    bytes         BYTEA    NOT NULL,
    created_at    BIGINT   NOT NULL
);

CREATE INDEX webchat_attachments_chat ON webchat_attachments (chat_id);
