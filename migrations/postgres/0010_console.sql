-- The web console (issue 17): accounts, server-side sessions, login failures for the rate
-- limit, and officers' internal notes. Keep in step with ../sqlite/0010_console.sql.
--
-- `console_accounts.role` is officer (the handlers in `handlers`, a JSON array of handler ids),
-- supervisor (every handler of `agency`, resolved through the handlers file) or administrator.
-- `password_hash` is an Argon2id PHC string (NULL until the one-time setup link is used);
-- `setup_token_sha256` is the SHA-256 of that link's token (never the token), valid until
-- `setup_expires_at`. A disabled account cannot log in and its sessions are revoked.
-- `console_sessions.id_sha256` is the SHA-256 of the session cookie (never the cookie);
-- `csrf` is the session's form token. `console_login_failures` holds one row per failed login,
-- keyed `account:<username>` and `address:<ip>`, counted over a window and pruned on write.
-- `console_notes` are officers' internal notes: the citizen never sees them. Timestamps are
-- unix seconds.

CREATE TABLE console_accounts (
    id                  BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('officer', 'supervisor', 'administrator')),
    handlers            TEXT    NOT NULL DEFAULT '[]',
    agency              TEXT,
    password_hash       TEXT,
    setup_token_sha256  TEXT    UNIQUE,
    setup_expires_at    BIGINT,
    disabled_at         BIGINT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);

CREATE TABLE console_sessions (
    id_sha256           TEXT    PRIMARY KEY,
    account_id          BIGINT  NOT NULL REFERENCES console_accounts (id),
    csrf                TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    expires_at          BIGINT  NOT NULL,
    revoked_at          BIGINT
);
CREATE INDEX console_sessions_account ON console_sessions (account_id);

CREATE TABLE console_login_failures (
    key                 TEXT    NOT NULL,
    at                  BIGINT  NOT NULL
);
CREATE INDEX console_login_failures_key ON console_login_failures (key, at);

CREATE TABLE console_notes (
    id                  BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id        BIGINT  NOT NULL REFERENCES complaints (id),
    author              TEXT    NOT NULL,
    note                TEXT    NOT NULL,
    at                  BIGINT  NOT NULL
);
CREATE INDEX console_notes_complaint ON console_notes (complaint_id, id);
