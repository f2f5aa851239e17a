-- +goose Up
-- Ballot papers sealed while voting is open (docs/ballots.md, Secrecy).
-- A voter's row and their paper are written in one transaction, so that
-- a member votes once across every channel; while the ballot is open
-- the database's own order of writing (the WAL, PostgreSQL's xmin and
-- heap, a backup taken then) ties the two together. So the marks are
-- not kept in clear while it is open: seal_key is the public half of a
-- key pair made at the opening (32 bytes, X25519), whose private half,
-- the counting key, is given to the secretary once and never stored; a
-- paper's marks are sealed to it (sealed, with choices left empty), and
-- the close, given the counting key, opens every paper and rewrites them
-- all in clear in the order of their random keys. A ballot opened
-- without sealing, or before this migration, has no seal_key and its
-- papers' marks are in choices as before.
ALTER TABLE ballots ADD COLUMN seal_key BYTEA CHECK (seal_key IS NULL OR length(seal_key) = 32);
ALTER TABLE ballot_papers ADD COLUMN sealed BYTEA CHECK (sealed IS NULL OR choices = '');

-- +goose Down
ALTER TABLE ballot_papers DROP COLUMN sealed;
ALTER TABLE ballots DROP COLUMN seal_key;
