-- +goose Up
-- Supporters who give every month through a provider's subscriptions
-- (Stripe: card or Bacs Direct Debit). Plans are what the treasurer
-- offers; subscriptions are the readers on them, one row each, kept up to
-- date from the provider's webhooks; subscription_history says what
-- happened to each and when, append-only, so new and lapsed supporters per
-- month can be counted and every webhook is applied once. The money itself
-- goes to the fund's ledger, never here.
CREATE TABLE supporter_plans (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE CHECK (name <> ''),
    -- A fixed amount per interval, or 0 for "any amount from min_minor".
    amount_minor     BIGINT NOT NULL CHECK (amount_minor >= 0),
    min_minor        BIGINT NOT NULL CHECK (min_minor > 0),
    currency         TEXT NOT NULL,
    billing_interval TEXT NOT NULL CHECK (billing_interval IN ('month', 'year')),
    -- The provider's product, and its price for a fixed amount (an
    -- any-amount plan prices each subscription as it starts).
    provider_product TEXT NOT NULL,
    provider_price   TEXT NOT NULL DEFAULT '',
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TIMESTAMPTZ NOT NULL,
    created_by       TEXT NOT NULL
);

CREATE TABLE subscriptions (
    id                    BIGSERIAL PRIMARY KEY,
    -- Our own random key, written into the provider's subscription
    -- metadata before the reader is sent to pay: an invoice whose
    -- subscription carries no known join_ref was not started by coopress.
    join_ref              TEXT NOT NULL UNIQUE,
    checkout_session      TEXT NOT NULL DEFAULT '',
    provider_customer     TEXT NOT NULL DEFAULT '',
    -- NULL until the provider has made the subscription.
    provider_subscription TEXT UNIQUE,
    plan_id               BIGINT NOT NULL REFERENCES supporter_plans(id),
    amount_minor          BIGINT NOT NULL CHECK (amount_minor > 0),
    currency              TEXT NOT NULL,
    -- Empty until the provider says how the reader pays.
    method                TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'card', 'direct-debit')),
    status                TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'failing', 'lapsed', 'cancelled')),
    -- When the provider said so: an older event arriving late never
    -- overrides a newer status.
    status_at             TIMESTAMPTZ,
    email                 TEXT NOT NULL,
    name                  TEXT NOT NULL,
    -- The reader's account, once reader accounts exist.
    account_id            BIGINT REFERENCES accounts(id),
    next_payment_at       TIMESTAMPTZ,
    next_amount_minor     BIGINT NOT NULL DEFAULT 0,
    -- Where a failing supporter can put their card or mandate right.
    fix_url               TEXT NOT NULL DEFAULT '',
    -- When it first became a supporter and first ended (lapsed or
    -- cancelled), by the provider's clock: the earliest event wins,
    -- whatever order the webhooks arrive in. The treasurer's joining and
    -- leaving by month counts these.
    joined_at             TIMESTAMPTZ,
    ended_at              TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
-- The treasurer's follow-up list (failing, longest first), and the tally
-- by plan, method and status read from the index alone.
CREATE INDEX subscriptions_status ON subscriptions (status, status_at);
CREATE INDEX subscriptions_tally ON subscriptions (plan_id, method, status, currency, amount_minor);
CREATE INDEX subscriptions_account ON subscriptions (account_id);
CREATE INDEX subscriptions_joined ON subscriptions (joined_at);
CREATE INDEX subscriptions_ended ON subscriptions (ended_at);

CREATE TABLE subscription_history (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    -- The provider's event, or coopress:… for a change made here; each is
    -- applied once.
    event_id        TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('joined', 'paid', 'failed', 'changed', 'paused', 'resumed', 'cancelled', 'lapsed', 'status')),
    -- The subscription's status after the event.
    status          TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL DEFAULT 0,
    -- The payment (Stripe PaymentIntent or invoice) of a paid or failed
    -- invoice, so that its refunds and disputes find their way here.
    payment_ref     TEXT NOT NULL DEFAULT '',
    happened_at     TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX subscription_history_sub ON subscription_history (subscription_id);
CREATE INDEX subscription_history_payment ON subscription_history (payment_ref);

CREATE TRIGGER subscription_history_no_update BEFORE UPDATE ON subscription_history
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER subscription_history_no_delete BEFORE DELETE ON subscription_history
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER subscription_history_no_truncate BEFORE TRUNCATE ON subscription_history
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE subscription_history;
DROP TABLE subscriptions;
DROP TABLE supporter_plans;
