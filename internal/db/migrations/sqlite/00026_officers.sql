-- +goose Up
-- The register of officers, kept apart from the register of members as
-- the 2014 Act and the society's rules ask: who held which office (Chair,
-- Secretary, Treasurer, a director on the board) and from when to when.
-- Both tables are append-only: an officer's term ends with a row in
-- officer_ends, and an appointment recorded by mistake is ended with the
-- reason "recorded in error", never edited or deleted, so the register
-- as of any past day can be replayed.
CREATE TABLE officers (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL CHECK (name <> ''),
    office         TEXT NOT NULL CHECK (office <> ''),
    postal_address TEXT NOT NULL DEFAULT '',
    -- The officer's membership number when they are a member; many
    -- societies' rules require it of directors, not of the secretary.
    member_number  INTEGER REFERENCES members(number),
    appointed_on   TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX officers_appointed ON officers(appointed_on, id);

-- The end of an officer's term; at most one per officer (the UNIQUE
-- refuses a second end even when two requests race).
CREATE TABLE officer_ends (
    id          INTEGER PRIMARY KEY,
    officer_id  INTEGER NOT NULL UNIQUE REFERENCES officers(id),
    ended_on    TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER officers_no_update BEFORE UPDATE ON officers BEGIN
    SELECT RAISE(ABORT, 'officers is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER officers_no_delete BEFORE DELETE ON officers BEGIN
    SELECT RAISE(ABORT, 'officers is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER officer_ends_no_update BEFORE UPDATE ON officer_ends BEGIN
    SELECT RAISE(ABORT, 'officer_ends is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER officer_ends_no_delete BEFORE DELETE ON officer_ends BEGIN
    SELECT RAISE(ABORT, 'officer_ends is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE officer_ends;
DROP TABLE officers;
