-- +goose Up
-- Readers sign in by an emailed one-time link. A link may be asked for by
-- an address that has no account yet (following it makes the account), so
-- it names an email rather than an account: a new table rather than
-- account_tokens, whose account_id is NOT NULL and whose purpose CHECK
-- SQLite could only change by rebuilding the table. hash is the SHA-256 of
-- the token, as for sessions; used_at makes each link usable once.
CREATE TABLE reader_links (
    hash       TEXT PRIMARY KEY,
    email      TEXT NOT NULL CHECK (email <> ''),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX reader_links_email ON reader_links(email);

-- How a session began: 'staff' by password (and second factor), or
-- 'reader' by a reader's link or passkey. A reader session opens /account
-- only, whatever the account's roles: an emailed link is not the staff
-- password step.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'staff'
    CHECK (kind IN ('staff', 'reader'));

-- +goose Down
ALTER TABLE sessions DROP COLUMN kind;
DROP TABLE reader_links;
