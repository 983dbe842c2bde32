-- The complaint journey (issue 15). Keep in step with ../postgres/0011_complaint_journey.sql.
--
-- `complaints.citizen_name`: the display name the citizen has on their channel, shown to the
-- handling officers unless the complaint is anonymous; erased with the rest of the identity by
-- `loket purge`.
-- `officer_prompts.used_at`: an officer's note or reply prompt is kept once answered, so a second
-- answer to it is told that it was already taken (instead of being silently ignored).
-- `complaint_ratings`: the citizen's satisfaction with a resolved complaint (1-5 and an optional
-- comment, as SP4N-LAPOR! asks), one per complaint, attributed to the handler that resolved it;
-- `comment_chat_id`/`comment_message_id` name the "write a comment" prompt the citizen answers.
-- `complaint_supporters`: citizens who support an open complaint instead of filing the same one
-- again (counted for the handler, notified of status changes); erased by `loket purge`.
-- Timestamps are unix seconds.

ALTER TABLE complaints ADD COLUMN citizen_name TEXT;
ALTER TABLE officer_prompts ADD COLUMN used_at BIGINT;

CREATE TABLE complaint_ratings (
    complaint_id        BIGINT  PRIMARY KEY REFERENCES complaints (id),
    handler_id          TEXT,
    score               INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment             TEXT,
    comment_chat_id     BIGINT,
    comment_message_id  BIGINT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE INDEX complaint_ratings_handler ON complaint_ratings (handler_id);
CREATE INDEX complaint_ratings_prompt ON complaint_ratings (comment_chat_id, comment_message_id);

CREATE TABLE complaint_supporters (
    complaint_id    BIGINT  NOT NULL REFERENCES complaints (id),
    chat_id         BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (complaint_id, chat_id)
);
