-- +goose Up
-- PostgreSQL's 00013 adds TRUNCATE triggers to four append-only tables.
-- SQLite has no TRUNCATE (DELETE without WHERE meets the row triggers), so
-- this version only keeps both engines' migration numbers in step.
SELECT 1;

-- +goose Down
SELECT 1;
