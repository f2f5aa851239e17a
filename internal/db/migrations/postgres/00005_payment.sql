-- +goose Up
-- Every webhook a payment provider sends, stored once under its id with the
-- raw body it came in, in the same transaction as the job that applies it.
-- A redelivery finds the row already there and is acknowledged without a
-- second job, so an external event is applied exactly once.
CREATE TABLE payment_events (
    id          BIGSERIAL PRIMARY KEY,
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    api_version TEXT NOT NULL DEFAULT '',
    -- The provider's id for the payment the event is about (a Stripe
    -- PaymentIntent), so a refund can find the purpose its checkout named.
    payment_ref TEXT NOT NULL DEFAULT '',
    -- What the payment was for ("donation"), from the metadata coopress put
    -- on it; empty when the event does not say.
    purpose     TEXT NOT NULL DEFAULT '',
    payload     TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    applied_at  TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    UNIQUE (provider, event_id)
);
-- Refunds and disputes look up the purpose by payment; operators look for
-- events not yet applied.
CREATE INDEX payment_events_payment ON payment_events(provider, payment_ref);
CREATE INDEX payment_events_pending ON payment_events(applied_at, id);

-- +goose Down
DROP TABLE payment_events;
