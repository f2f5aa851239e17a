-- +goose Up
-- Ballots of the society's members (docs/ballots.md). A ballot is drafted
-- by the secretary, then opened (its electorate fixed from the register at
-- the record date and a voting code issued to each elector), voted on
-- between opens_at and closes_at, and closed, after which its results may
-- be read. Who voted (ballot_voters) and how (ballot_papers) are kept
-- apart with nothing joining them: see ballot_papers below.
CREATE TABLE ballots (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL CHECK (title <> ''),
    meeting      TEXT NOT NULL CHECK (meeting <> ''),
    opens_at     TIMESTAMP NOT NULL,
    closes_at    TIMESTAMP NOT NULL,
    record_date  TEXT NOT NULL,
    allow_change INTEGER NOT NULL CHECK (allow_change IN (0, 1)),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL,
    CHECK (closes_at > opens_at)
);

-- A motion; a special resolution passes when votes for are at least
-- need_num/need_den of the votes for and against (integers, never a
-- float); an ordinary one by a simple majority (1/2, strictly more).
CREATE TABLE ballot_motions (
    id        INTEGER PRIMARY KEY,
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL CHECK (title <> ''),
    body      TEXT NOT NULL DEFAULT '',
    kind      TEXT NOT NULL CHECK (kind IN ('ordinary', 'special')),
    need_num  INTEGER NOT NULL CHECK (need_num > 0),
    need_den  INTEGER NOT NULL CHECK (need_den >= need_num)
);
CREATE INDEX ballot_motions_ballot ON ballot_motions(ballot_id, position);

-- An election of seats from candidates, by block vote or STV.
CREATE TABLE ballot_elections (
    id        INTEGER PRIMARY KEY,
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL CHECK (title <> ''),
    seats     INTEGER NOT NULL CHECK (seats > 0),
    method    TEXT NOT NULL CHECK (method IN ('block', 'stv'))
);
CREATE INDEX ballot_elections_ballot ON ballot_elections(ballot_id, position);

CREATE TABLE ballot_candidates (
    id          INTEGER PRIMARY KEY,
    election_id INTEGER NOT NULL REFERENCES ballot_elections(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL CHECK (name <> ''),
    statement   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ballot_candidates_election ON ballot_candidates(election_id, position);

-- The electorate, fixed when the ballot opens: every member on the
-- register at the record date, with the hash of their voting code (the
-- code itself is shown once, to the secretary, for mailing).
CREATE TABLE ballot_electors (
    ballot_id     INTEGER NOT NULL REFERENCES ballots(id),
    member_number INTEGER NOT NULL,
    code_hash     BLOB NOT NULL UNIQUE,
    code_used     INTEGER NOT NULL DEFAULT 0 CHECK (code_used IN (0, 1)),
    PRIMARY KEY (ballot_id, member_number)
);

-- Who voted, by which channel and when: one row per member per ballot
-- whatever the channel (the primary key), written in the same transaction
-- as their paper. receipt_check is a hash of the voter's receipt under a
-- different prefix from ballot_papers.receipt_hash: the voter, holding the
-- receipt, can prove a paper is theirs to replace it; without the receipt
-- the two hashes match nothing.
CREATE TABLE ballot_voters (
    ballot_id     INTEGER NOT NULL REFERENCES ballots(id),
    member_number INTEGER NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('online', 'postal', 'meeting')),
    voted_at      TIMESTAMP NOT NULL,
    receipt_check BLOB,
    PRIMARY KEY (ballot_id, member_number)
);

-- The secret papers. No member, no time, no sequence: the key is 128
-- random bits and the table has no rowid, so its order, the one a reader
-- sees without ORDER BY and the order of its b-tree, is the random key's.
-- receipt_hash lets a voter find their paper in the count.
CREATE TABLE ballot_papers (
    id           BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    ballot_id    INTEGER NOT NULL REFERENCES ballots(id),
    receipt_hash BLOB NOT NULL UNIQUE,
    choices      TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE ballot_papers;
DROP TABLE ballot_voters;
DROP TABLE ballot_electors;
DROP TABLE ballot_candidates;
DROP TABLE ballot_elections;
DROP TABLE ballot_motions;
DROP TABLE ballots;
