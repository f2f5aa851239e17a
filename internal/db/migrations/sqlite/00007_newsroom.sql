-- +goose Up
-- Who created an article (writers may edit only their own drafts), and
-- when a scheduled article is due: the publish job checks it, so a
-- reschedule or an unpublish turns older jobs into no-ops. Both are NULL on
-- rows from before the newsroom.
ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES accounts(id);
ALTER TABLE articles ADD COLUMN scheduled_at TIMESTAMP;
CREATE INDEX articles_status_updated ON articles(status, updated_at DESC);

-- An author's byline may belong to a staff account, so a writer's new
-- article can carry their own byline.
ALTER TABLE authors ADD COLUMN account_id INTEGER REFERENCES accounts(id);
CREATE UNIQUE INDEX authors_account ON authors(account_id) WHERE account_id IS NOT NULL;

-- The text of an article as it was after each save, for diffs and
-- restores. Append-only, like the audit log.
CREATE TABLE article_revisions (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id),
    version       INTEGER NOT NULL,
    slug          TEXT NOT NULL,
    headline      TEXT NOT NULL,
    standfirst    TEXT NOT NULL,
    body_md       TEXT NOT NULL,
    section_id    INTEGER NOT NULL REFERENCES sections(id),
    saved_by      INTEGER REFERENCES accounts(id),
    saved_by_name TEXT NOT NULL DEFAULT '',
    saved_at      TIMESTAMP NOT NULL,
    UNIQUE (article_id, version)
);

-- Dated corrections and updates shown under a published article. A
-- correction is itself never corrected in place: append another.
CREATE TABLE article_corrections (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    kind       TEXT NOT NULL CHECK (kind IN ('correction','update')),
    text       TEXT NOT NULL CHECK (text <> ''),
    at         TIMESTAMP NOT NULL,
    by_id      INTEGER REFERENCES accounts(id),
    by_name    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX article_corrections_article ON article_corrections(article_id, at);

-- +goose StatementBegin
CREATE TRIGGER article_revisions_no_update BEFORE UPDATE ON article_revisions BEGIN
    SELECT RAISE(ABORT, 'article_revisions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_revisions_no_delete BEFORE DELETE ON article_revisions BEGIN
    SELECT RAISE(ABORT, 'article_revisions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_corrections_no_update BEFORE UPDATE ON article_corrections BEGIN
    SELECT RAISE(ABORT, 'article_corrections is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_corrections_no_delete BEFORE DELETE ON article_corrections BEGIN
    SELECT RAISE(ABORT, 'article_corrections is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE article_corrections;
DROP TABLE article_revisions;
DROP INDEX authors_account;
ALTER TABLE authors DROP COLUMN account_id;
DROP INDEX articles_status_updated;
ALTER TABLE articles DROP COLUMN scheduled_at;
ALTER TABLE articles DROP COLUMN created_by;
