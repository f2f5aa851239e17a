-- +goose Up
-- The co-operative society's members and their shares (the Co-operative
-- and Community Benefit Societies Act 2014). Nothing here is ever updated
-- or deleted: a member's holding, and whether and when they ceased, are
-- replayed from share_entries; their name, addresses and the use they
-- allow of their email are the latest of member_contacts. So the register
-- can be produced as of any past date, and former members stay in it.
CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE CHECK (number > 0),
    class       TEXT NOT NULL CHECK (class IN ('individual', 'organisation')),
    account_id  INTEGER REFERENCES accounts(id),
    admitted_on TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX members_account ON members(account_id);

-- A member's name, postal address and electronic address with what they
-- allow it to be used for, from effective_on; a change is a new row.
-- person_key is the name and address folded (case, spaces and punctuation
-- dropped), by which the same person applying twice is recognised.
CREATE TABLE member_contacts (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL REFERENCES members(id),
    name           TEXT NOT NULL CHECK (name <> ''),
    postal_address TEXT NOT NULL CHECK (postal_address <> ''),
    email          TEXT NOT NULL DEFAULT '',
    email_use      TEXT NOT NULL CHECK (email_use IN ('none', 'notices', 'notices-and-news')),
    person_key     TEXT NOT NULL CHECK (person_key <> ''),
    effective_on   TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX member_contacts_member ON member_contacts(member_id, effective_on, id);
CREATE INDEX member_contacts_person ON member_contacts(person_key);

-- The share ledger. shares and amount_minor carry the sign of the change
-- to the member's holding: allotments and transmissions in are positive;
-- withdrawals, cancellations and transmissions out negative. A
-- transmission on death names the nominee member it went to, or in
-- transferee the estate; a cancellation names the board's resolution.
CREATE TABLE share_entries (
    id                    INTEGER PRIMARY KEY,
    member_id             INTEGER NOT NULL REFERENCES members(id),
    kind                  TEXT NOT NULL CHECK (kind IN ('allotment', 'withdrawal', 'transmission', 'cancellation')),
    entry_on              TEXT NOT NULL,
    shares                INTEGER NOT NULL CHECK (shares <> 0),
    amount_minor          INTEGER NOT NULL,
    currency              TEXT NOT NULL CHECK (length(currency) = 3),
    reason                TEXT NOT NULL CHECK (reason <> ''),
    resolution            TEXT NOT NULL DEFAULT '',
    counterpart_member_id INTEGER REFERENCES members(id),
    transferee            TEXT NOT NULL DEFAULT '',
    recorded_at           TIMESTAMP NOT NULL,
    recorded_by           TEXT NOT NULL,
    CHECK ((shares > 0) = (amount_minor > 0) OR amount_minor = 0),
    CHECK (kind <> 'allotment' OR shares > 0),
    CHECK (kind NOT IN ('withdrawal', 'cancellation') OR shares < 0),
    CHECK (kind <> 'cancellation' OR resolution <> '')
);
CREATE INDEX share_entries_member ON share_entries(member_id, entry_on, id);
CREATE INDEX share_entries_on ON share_entries(entry_on);

-- +goose StatementBegin
CREATE TRIGGER members_no_update BEFORE UPDATE ON members BEGIN
    SELECT RAISE(ABORT, 'members is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER members_no_delete BEFORE DELETE ON members BEGIN
    SELECT RAISE(ABORT, 'members is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_contacts_no_update BEFORE UPDATE ON member_contacts BEGIN
    SELECT RAISE(ABORT, 'member_contacts is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER member_contacts_no_delete BEFORE DELETE ON member_contacts BEGIN
    SELECT RAISE(ABORT, 'member_contacts is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER share_entries_no_update BEFORE UPDATE ON share_entries BEGIN
    SELECT RAISE(ABORT, 'share_entries is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER share_entries_no_delete BEFORE DELETE ON share_entries BEGIN
    SELECT RAISE(ABORT, 'share_entries is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE share_entries;
DROP TABLE member_contacts;
DROP TABLE members;
