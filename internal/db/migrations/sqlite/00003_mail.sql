-- +goose Up
-- The mail outbox: every email coopress sends is a row here first, written
-- in the same transaction as the change that needs it, with a job to send
-- it. The row outlives the job, so an operator can see what was sent, what
-- is still trying and what gave up.
CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    -- An idempotency key such as "receipt:ledger:42": a second message with
    -- the same ref is never queued. NULLs do not collide.
    ref        TEXT UNIQUE,
    status     TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
-- Operators look for mail that is stuck or gave up, newest first.
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);

-- +goose Down
DROP TABLE mail_outbox;
