-- +goose Up
-- The sitemap index numbers every published article, newest first, to find
-- each file's last change; with updated_at in the index it reads the index
-- alone, not 100,000 rows.
CREATE INDEX articles_published_updated ON articles(status, published_at DESC, id DESC, updated_at);

-- +goose Down
DROP INDEX articles_published_updated;
