-- +goose Up
-- The register of officers, kept apart from the register of members as
-- the 2014 Act and the society's rules ask: who held which office (Chair,
-- Secretary, Treasurer, a director on the board) and from when to when.
-- Both tables are append-only: an officer's term ends with a row in
-- officer_ends, and an appointment recorded by mistake is ended with the
-- reason "recorded in error", never edited or deleted, so the register
-- as of any past day can be replayed.
CREATE TABLE officers (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL CHECK (name <> ''),
    office         TEXT NOT NULL CHECK (office <> ''),
    postal_address TEXT NOT NULL DEFAULT '',
    -- The officer's membership number when they are a member; many
    -- societies' rules require it of directors, not of the secretary.
    member_number  BIGINT REFERENCES members(number),
    appointed_on   TEXT NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX officers_appointed ON officers(appointed_on, id);

-- The end of an officer's term; at most one per officer (the UNIQUE
-- refuses a second end even when two requests race).
CREATE TABLE officer_ends (
    id          BIGSERIAL PRIMARY KEY,
    officer_id  BIGINT NOT NULL UNIQUE REFERENCES officers(id),
    ended_on    TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    recorded_at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE TRIGGER officers_no_update BEFORE UPDATE ON officers
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER officers_no_delete BEFORE DELETE ON officers
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER officers_no_truncate BEFORE TRUNCATE ON officers
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER officer_ends_no_update BEFORE UPDATE ON officer_ends
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER officer_ends_no_delete BEFORE DELETE ON officer_ends
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER officer_ends_no_truncate BEFORE TRUNCATE ON officer_ends
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE officer_ends;
DROP TABLE officers;
