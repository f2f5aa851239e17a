-- +goose Up
-- Supporters who give by standing order from their own bank: the treasurer
-- records each one, and their payments are found on the bank statement by
-- the reference the supporter gave their bank. reference_key is that
-- reference folded (upper case, letters and digits only) for matching;
-- two active orders may not share it, or a payment could not be placed.
CREATE TABLE standing_orders (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL CHECK (name <> ''),
    email          TEXT NOT NULL DEFAULT '',
    postal_address TEXT NOT NULL DEFAULT '',
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    frequency      TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly')),
    reference      TEXT NOT NULL,
    reference_key  TEXT NOT NULL CHECK (reference_key <> ''),
    status         TEXT NOT NULL CHECK (status IN ('active', 'lapsed', 'cancelled')),
    started_on     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX standing_orders_active_reference ON standing_orders(reference_key) WHERE status = 'active';
CREATE INDEX standing_orders_reference ON standing_orders(reference_key);

-- Every change to a standing order, as it was before and after (JSON), by
-- whom: the order itself is updated in place, so this is its history.
CREATE TABLE standing_order_changes (
    id                BIGSERIAL PRIMARY KEY,
    standing_order_id BIGINT NOT NULL REFERENCES standing_orders(id),
    action            TEXT NOT NULL CHECK (action IN ('added', 'updated', 'lapsed', 'resumed', 'cancelled')),
    before_state      TEXT NOT NULL DEFAULT '',
    after_state       TEXT NOT NULL,
    changed_at        TIMESTAMPTZ NOT NULL,
    changed_by        TEXT NOT NULL
);
CREATE INDEX standing_order_changes_order ON standing_order_changes(standing_order_id, id);

-- Each credit line of an imported bank statement, stored once under its
-- fingerprint (the day, amount, description and the line's place among
-- identical lines of its statement), so that a statement imported again
-- records nothing twice while two genuine like payments stay two. A line
-- matched at import names its order and the ledger entry it became; an
-- unmatched one waits for the treasurer (statement_line_resolutions).
CREATE TABLE statement_lines (
    id                BIGSERIAL PRIMARY KEY,
    fingerprint       TEXT NOT NULL UNIQUE,
    statement_key     TEXT NOT NULL,
    line_no           INTEGER NOT NULL,
    booked_on         TEXT NOT NULL,
    description       TEXT NOT NULL,
    amount_minor      BIGINT NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    standing_order_id BIGINT REFERENCES standing_orders(id),
    entry_id          BIGINT UNIQUE REFERENCES ledger_entries(id),
    note              TEXT NOT NULL DEFAULT '',
    imported_at       TIMESTAMPTZ NOT NULL,
    imported_by       TEXT NOT NULL,
    CHECK ((standing_order_id IS NULL) = (entry_id IS NULL))
);
CREATE INDEX statement_lines_order ON statement_lines(standing_order_id, booked_on);

-- The treasurer's decision on a line left unmatched: assigned to an order
-- (with the ledger entry it became) or not a supporter's payment.
CREATE TABLE statement_line_resolutions (
    line_id           BIGINT PRIMARY KEY REFERENCES statement_lines(id),
    outcome           TEXT NOT NULL CHECK (outcome IN ('assigned', 'not-supporter')),
    standing_order_id BIGINT REFERENCES standing_orders(id),
    entry_id          BIGINT UNIQUE REFERENCES ledger_entries(id),
    note              TEXT NOT NULL DEFAULT '',
    resolved_at       TIMESTAMPTZ NOT NULL,
    resolved_by       TEXT NOT NULL,
    CHECK ((outcome = 'assigned') = (entry_id IS NOT NULL AND standing_order_id IS NOT NULL))
);

CREATE TRIGGER standing_order_changes_no_update BEFORE UPDATE ON standing_order_changes
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER standing_order_changes_no_delete BEFORE DELETE ON standing_order_changes
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER standing_order_changes_no_truncate BEFORE TRUNCATE ON standing_order_changes
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_lines_no_update BEFORE UPDATE ON statement_lines
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_lines_no_truncate BEFORE TRUNCATE ON statement_lines
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_line_resolutions_no_update BEFORE UPDATE ON statement_line_resolutions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_line_resolutions_no_delete BEFORE DELETE ON statement_line_resolutions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER statement_line_resolutions_no_truncate BEFORE TRUNCATE ON statement_line_resolutions
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE statement_line_resolutions;
DROP TABLE statement_lines;
DROP TABLE standing_order_changes;
DROP TABLE standing_orders;
