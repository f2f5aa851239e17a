-- +goose Up
-- Card payments for shares returned by coopress itself because they came
-- for an application the secretary had rejected, and the board's
-- suspensions of withdrawals with their ends. Like the rest of the
-- society, nothing here is updated or deleted.

-- A card payment (payment_ref, a PaymentIntent) that arrived after its
-- application was rejected, for exactly its amount, refunded through
-- the provider by the payment job as refund_id. The unique payment_ref
-- keeps one return per payment, whatever the redelivery.
CREATE TABLE share_payment_returns (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES share_applications(id),
    event_id       TEXT NOT NULL,
    payment_ref    TEXT NOT NULL UNIQUE CHECK (payment_ref <> ''),
    refund_id      TEXT NOT NULL CHECK (refund_id <> ''),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX share_payment_returns_app ON share_payment_returns(application_id);

-- The board's suspension of withdrawals from starts_on up to the day
-- before ends_on ('' is until further notice), days written YYYY-MM-DD in
-- the society's zone. A suspension is ended, shortened or lengthened by a
-- new row that replaces it (once: replaces is unique); the rows in force
-- are those no row replaces.
CREATE TABLE withdrawal_suspensions (
    id          INTEGER PRIMARY KEY,
    starts_on   TEXT NOT NULL CHECK (length(starts_on) = 10),
    ends_on     TEXT NOT NULL DEFAULT '' CHECK (ends_on = '' OR (length(ends_on) = 10 AND ends_on >= starts_on)),
    replaces    INTEGER UNIQUE REFERENCES withdrawal_suspensions(id),
    resolution  TEXT NOT NULL CHECK (resolution <> ''),
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER share_payment_returns_no_update BEFORE UPDATE ON share_payment_returns BEGIN
    SELECT RAISE(ABORT, 'share_payment_returns is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER share_payment_returns_no_delete BEFORE DELETE ON share_payment_returns BEGIN
    SELECT RAISE(ABORT, 'share_payment_returns is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER withdrawal_suspensions_no_update BEFORE UPDATE ON withdrawal_suspensions BEGIN
    SELECT RAISE(ABORT, 'withdrawal_suspensions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER withdrawal_suspensions_no_delete BEFORE DELETE ON withdrawal_suspensions BEGIN
    SELECT RAISE(ABORT, 'withdrawal_suspensions is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE withdrawal_suspensions;
DROP TABLE share_payment_returns;
