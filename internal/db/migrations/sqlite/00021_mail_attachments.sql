-- +goose Up
-- Files sent with an outbox mail (a share certificate), in the database
-- beside the mail rather than on disk: they are written in the same
-- transaction as the mail, so they survive a crash exactly as it does,
-- and every node of a cluster can send them. position keeps their order.
CREATE TABLE mail_attachments (
    id           INTEGER PRIMARY KEY,
    outbox_id    INTEGER NOT NULL REFERENCES mail_outbox(id),
    position     INTEGER NOT NULL,
    filename     TEXT NOT NULL CHECK (filename <> ''),
    content_type TEXT NOT NULL CHECK (content_type <> ''),
    data         BLOB NOT NULL,
    UNIQUE (outbox_id, position)
);

-- +goose Down
DROP TABLE mail_attachments;
