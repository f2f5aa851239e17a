-- +goose Up
-- One fighting-fund campaign per calendar month in the publication's zone.
-- raised_minor caches SUM(ledger_entries.amount_minor) for cheap reads by
-- every node; it is updated in the same transaction as each insert, and
-- `coopress fund check` proves it still equals the sum.
CREATE TABLE campaigns (
    id           BIGSERIAL PRIMARY KEY,
    month        TEXT NOT NULL UNIQUE CHECK (month ~ '^[0-9]{4}-[01][0-9]$'),
    target_minor BIGINT NOT NULL CHECK (target_minor >= 0),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    raised_minor BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- Every change of a target, so the treasurer's history survives.
CREATE TABLE campaign_target_changes (
    id               BIGSERIAL PRIMARY KEY,
    campaign_id      BIGINT NOT NULL REFERENCES campaigns(id),
    old_target_minor BIGINT NOT NULL,
    new_target_minor BIGINT NOT NULL,
    changed_at       TIMESTAMPTZ NOT NULL,
    changed_by       TEXT NOT NULL
);
CREATE INDEX campaign_target_changes_campaign ON campaign_target_changes(campaign_id, id);

-- The donation ledger. Never updated, never deleted: a mistake or refund is
-- a new entry with a negative amount, reversal_of and a reason.
CREATE TABLE ledger_entries (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id),
    amount_minor BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('card','direct-debit','supporter','cheque',
                 'postal-order','bank-transfer','standing-order','cash')),
    donor_name   TEXT NOT NULL DEFAULT '',
    donor_email  TEXT NOT NULL DEFAULT '',
    donor_town   TEXT NOT NULL DEFAULT '',
    public       INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    public_name  TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT '',
    provider_ref TEXT UNIQUE,
    received_at  TIMESTAMPTZ NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    recorded_by  TEXT NOT NULL,
    reversal_of  BIGINT UNIQUE REFERENCES ledger_entries(id),
    reason       TEXT NOT NULL DEFAULT '',
    CHECK ((reversal_of IS NULL AND amount_minor > 0) OR
           (reversal_of IS NOT NULL AND amount_minor < 0 AND reason <> ''))
);
CREATE INDEX ledger_entries_campaign ON ledger_entries(campaign_id, received_at);
CREATE INDEX ledger_entries_received ON ledger_entries(received_at);

-- +goose StatementBegin
CREATE FUNCTION coopress_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused; post a reversing entry instead',
        TG_TABLE_NAME, TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER campaign_target_changes_no_update BEFORE UPDATE ON campaign_target_changes
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER campaign_target_changes_no_delete BEFORE DELETE ON campaign_target_changes
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();

-- One row whose counter goes up in the same transaction as every ledger
-- insert and target change, so another process (the command line, another
-- node) can tell by polling one integer that its fund snapshot is stale.
CREATE TABLE fund_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO fund_state (id, version) VALUES (1, 1);

-- +goose Down
DROP TABLE fund_state;
DROP TABLE ledger_entries;
DROP TABLE campaign_target_changes;
DROP TABLE campaigns;
DROP FUNCTION coopress_append_only();
