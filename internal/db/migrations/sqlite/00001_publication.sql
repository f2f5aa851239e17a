-- +goose Up
CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    id    INTEGER PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    bio   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tags (
    id    INTEGER PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    headline      TEXT NOT NULL,
    standfirst    TEXT NOT NULL DEFAULT '',
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    body_text     TEXT NOT NULL DEFAULT '',
    section_id    INTEGER NOT NULL REFERENCES sections(id),
    dateline      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft','submitted','scheduled','published','unpublished')),
    image_url     TEXT NOT NULL DEFAULT '',
    image_alt     TEXT NOT NULL DEFAULT '',
    image_caption TEXT NOT NULL DEFAULT '',
    image_credit  TEXT NOT NULL DEFAULT '',
    top_story     INTEGER NOT NULL DEFAULT 0,
    published_at  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_published ON articles(status, published_at DESC, id DESC);
CREATE INDEX articles_section_published ON articles(section_id, status, published_at DESC, id DESC);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors(id),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors(author_id, article_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

-- Old slugs of an article, answered with a 301 to its current slug.
CREATE TABLE article_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

-- Slugs of articles taken down for good, answered with 410 Gone.
CREATE TABLE gone_slugs (
    slug       TEXT PRIMARY KEY,
    removed_at TIMESTAMP NOT NULL
);

-- One row whose counter goes up on every published change, so that every
-- process sharing the database can tell cheaply that its caches are stale.
CREATE TABLE content_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO content_state (id, version) VALUES (1, 1);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    headline, standfirst, body_text,
    content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);

-- +goose StatementBegin
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, headline, standfirst, body_text)
    VALUES (new.id, new.headline, new.standfirst, new.body_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, headline, standfirst, body_text)
    VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, standfirst, body_text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, headline, standfirst, body_text)
    VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
    INSERT INTO articles_fts(rowid, headline, standfirst, body_text)
    VALUES (new.id, new.headline, new.standfirst, new.body_text);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE articles_fts;
DROP TABLE content_state;
DROP TABLE gone_slugs;
DROP TABLE article_redirects;
DROP TABLE article_tags;
DROP TABLE article_authors;
DROP TABLE articles;
DROP TABLE tags;
DROP TABLE authors;
DROP TABLE sections;
