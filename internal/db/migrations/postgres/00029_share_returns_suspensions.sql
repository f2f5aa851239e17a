-- +goose Up
-- Card payments for shares returned by coopress itself because they came
-- for an application the secretary had rejected, and the board's
-- suspensions of withdrawals with their ends (see the SQLite file for
-- each column). Append-only, as the rest of the society.

CREATE TABLE share_payment_returns (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES share_applications(id),
    event_id       TEXT NOT NULL,
    payment_ref    TEXT NOT NULL UNIQUE CHECK (payment_ref <> ''),
    refund_id      TEXT NOT NULL CHECK (refund_id <> ''),
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX share_payment_returns_app ON share_payment_returns(application_id);

CREATE TABLE withdrawal_suspensions (
    id          BIGSERIAL PRIMARY KEY,
    starts_on   TEXT NOT NULL CHECK (length(starts_on) = 10),
    ends_on     TEXT NOT NULL DEFAULT '' CHECK (ends_on = '' OR (length(ends_on) = 10 AND ends_on >= starts_on)),
    replaces    BIGINT UNIQUE REFERENCES withdrawal_suspensions(id),
    resolution  TEXT NOT NULL CHECK (resolution <> ''),
    recorded_at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE TRIGGER share_payment_returns_no_update BEFORE UPDATE ON share_payment_returns
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_payment_returns_no_delete BEFORE DELETE ON share_payment_returns
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_payment_returns_no_truncate BEFORE TRUNCATE ON share_payment_returns
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_suspensions_no_update BEFORE UPDATE ON withdrawal_suspensions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_suspensions_no_delete BEFORE DELETE ON withdrawal_suspensions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_suspensions_no_truncate BEFORE TRUNCATE ON withdrawal_suspensions
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE withdrawal_suspensions;
DROP TABLE share_payment_returns;
