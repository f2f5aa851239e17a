-- +goose Up
CREATE TABLE sections (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    id    BIGSERIAL PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    bio   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tags (
    id    BIGSERIAL PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

CREATE TABLE articles (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    headline      TEXT NOT NULL,
    standfirst    TEXT NOT NULL DEFAULT '',
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    body_text     TEXT NOT NULL DEFAULT '',
    section_id    BIGINT NOT NULL REFERENCES sections(id),
    dateline      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft','submitted','scheduled','published','unpublished')),
    image_url     TEXT NOT NULL DEFAULT '',
    image_alt     TEXT NOT NULL DEFAULT '',
    image_caption TEXT NOT NULL DEFAULT '',
    image_credit  TEXT NOT NULL DEFAULT '',
    top_story     INTEGER NOT NULL DEFAULT 0,
    published_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    search        TSVECTOR GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', headline), 'A') ||
                      setweight(to_tsvector('english', standfirst), 'B') ||
                      setweight(to_tsvector('english', body_text), 'C')) STORED
);
CREATE INDEX articles_published ON articles(status, published_at DESC, id DESC);
CREATE INDEX articles_section_published ON articles(section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_search ON articles USING GIN (search);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES authors(id),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors(author_id, article_id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

CREATE TABLE article_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE gone_slugs (
    slug       TEXT PRIMARY KEY,
    removed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE content_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_state (id, version) VALUES (1, 1);

-- +goose Down
DROP TABLE content_state;
DROP TABLE gone_slugs;
DROP TABLE article_redirects;
DROP TABLE article_tags;
DROP TABLE article_authors;
DROP TABLE articles;
DROP TABLE tags;
DROP TABLE authors;
DROP TABLE sections;
