-- +goose Up
-- Who created an article (writers may edit only their own drafts), and
-- when a scheduled article is due: the publish job checks it, so a
-- reschedule or an unpublish turns older jobs into no-ops. Both are NULL on
-- rows from before the newsroom.
ALTER TABLE articles ADD COLUMN created_by BIGINT REFERENCES accounts(id);
ALTER TABLE articles ADD COLUMN scheduled_at TIMESTAMPTZ;
CREATE INDEX articles_status_updated ON articles(status, updated_at DESC);

-- An author's byline may belong to a staff account, so a writer's new
-- article can carry their own byline.
ALTER TABLE authors ADD COLUMN account_id BIGINT REFERENCES accounts(id);
CREATE UNIQUE INDEX authors_account ON authors(account_id) WHERE account_id IS NOT NULL;

-- The text of an article as it was after each save, for diffs and
-- restores. Append-only, like the audit log.
CREATE TABLE article_revisions (
    id            BIGSERIAL PRIMARY KEY,
    article_id    BIGINT NOT NULL REFERENCES articles(id),
    version       INTEGER NOT NULL,
    slug          TEXT NOT NULL,
    headline      TEXT NOT NULL,
    standfirst    TEXT NOT NULL,
    body_md       TEXT NOT NULL,
    section_id    BIGINT NOT NULL REFERENCES sections(id),
    saved_by      BIGINT REFERENCES accounts(id),
    saved_by_name TEXT NOT NULL DEFAULT '',
    saved_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (article_id, version)
);

-- Dated corrections and updates shown under a published article. A
-- correction is itself never corrected in place: append another.
CREATE TABLE article_corrections (
    id         BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id),
    kind       TEXT NOT NULL CHECK (kind IN ('correction','update')),
    text       TEXT NOT NULL CHECK (text <> ''),
    at         TIMESTAMPTZ NOT NULL,
    by_id      BIGINT REFERENCES accounts(id),
    by_name    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX article_corrections_article ON article_corrections(article_id, at);

-- coopress_append_only comes from 00002.
CREATE TRIGGER article_revisions_no_update BEFORE UPDATE ON article_revisions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER article_revisions_no_delete BEFORE DELETE ON article_revisions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER article_revisions_no_truncate BEFORE TRUNCATE ON article_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER article_corrections_no_update BEFORE UPDATE ON article_corrections
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER article_corrections_no_delete BEFORE DELETE ON article_corrections
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER article_corrections_no_truncate BEFORE TRUNCATE ON article_corrections
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE article_corrections;
DROP TABLE article_revisions;
DROP INDEX authors_account;
ALTER TABLE authors DROP COLUMN account_id;
DROP INDEX articles_status_updated;
ALTER TABLE articles DROP COLUMN scheduled_at;
ALTER TABLE articles DROP COLUMN created_by;
