-- +goose Up
-- Every checkout session coopress has started with a payment provider, as
-- the provider returned it. A paid checkout is credited only when it
-- matches one of these, amount and currency included: a session made
-- elsewhere on the same account, whatever its metadata says, is held for
-- the treasurer instead.
CREATE TABLE checkouts (
    -- The provider's session id (Stripe's cs_…).
    session_id   TEXT PRIMARY KEY,
    -- What the payment is for, as its metadata says ("donation").
    purpose      TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE checkouts;
