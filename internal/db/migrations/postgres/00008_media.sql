-- +goose Up
-- Uploaded images. The file itself lives on disk under storage_key (see
-- internal/media); the row keeps what pages need without opening it.
-- sha256 is unique so that the same file uploaded twice is one image.
-- width and height are the original's; rendition_ext is the format the
-- resized copies were written in (PNG sources stay PNG, others are JPEG).
CREATE TABLE media (
    id            BIGSERIAL PRIMARY KEY,
    filename      TEXT NOT NULL,
    storage_key   TEXT NOT NULL UNIQUE,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/webp')),
    rendition_ext TEXT NOT NULL CHECK (rendition_ext IN ('jpg','png')),
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    bytes         INTEGER NOT NULL CHECK (bytes > 0),
    sha256        TEXT NOT NULL UNIQUE,
    -- Alt text is required: an image without it is invisible to people
    -- who use screen readers.
    alt           TEXT NOT NULL CHECK (alt <> ''),
    caption       TEXT NOT NULL DEFAULT '',
    credit        TEXT NOT NULL DEFAULT '',
    uploaded_by   BIGINT REFERENCES accounts(id),
    uploaded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_uploaded_at ON media(uploaded_at, id);

-- +goose Down
DROP TABLE media;
