-- +goose Up
-- PostgreSQL notifies every node of changes (see the postgres migration of
-- the same number). SQLite has one machine and is polled; nothing to do,
-- but the number is kept so both engines stay at the same version.
SELECT 1;

-- +goose Down
SELECT 1;
