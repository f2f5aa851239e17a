-- +goose Up
-- Money the fund would not credit on its own: a gift offered under a
-- reference the ledger already holds with a different amount, currency or
-- method (a conflict), or a provider's payment outside what the fund
-- accepts unattended (held). Each waits here, beside the entry it clashes
-- with, until the treasurer resolves it; fund check fails while any is
-- open. Both tables are append-only.
CREATE TABLE fund_holds (
    id            BIGSERIAL PRIMARY KEY,
    -- Says what was held, so a redelivery or a retry holds it once.
    hold_key      TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('conflict', 'held')),
    reason        TEXT NOT NULL,
    -- The entry the attempt clashes with, for a conflict.
    entry_id      BIGINT REFERENCES ledger_entries(id),
    -- The attempted gift, as it would have been recorded.
    provider_ref  TEXT NOT NULL DEFAULT '',
    amount_minor  BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    method        TEXT NOT NULL,
    donor_name    TEXT NOT NULL DEFAULT '',
    donor_email   TEXT NOT NULL DEFAULT '',
    donor_town    TEXT NOT NULL DEFAULT '',
    public        INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    public_name   TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    received_at   TIMESTAMPTZ NOT NULL,
    recorded_by   TEXT NOT NULL,
    held_at       TIMESTAMPTZ NOT NULL
);

-- The treasurer's decision on a hold, with who made it and why.
CREATE TABLE fund_hold_resolutions (
    hold_id     BIGINT PRIMARY KEY REFERENCES fund_holds(id),
    resolved_by TEXT NOT NULL,
    note        TEXT NOT NULL CHECK (note <> ''),
    resolved_at TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER fund_holds_no_update BEFORE UPDATE ON fund_holds
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER fund_holds_no_delete BEFORE DELETE ON fund_holds
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER fund_hold_resolutions_no_update BEFORE UPDATE ON fund_hold_resolutions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER fund_hold_resolutions_no_delete BEFORE DELETE ON fund_hold_resolutions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE fund_hold_resolutions;
DROP TABLE fund_holds;
