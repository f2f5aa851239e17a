-- +goose Up
-- One fighting-fund campaign per calendar month in the publication's zone.
-- raised_minor caches SUM(ledger_entries.amount_minor) for cheap reads by
-- every node; it is updated in the same transaction as each insert, and
-- `coopress fund check` proves it still equals the sum.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    month        TEXT NOT NULL UNIQUE
                 CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    target_minor INTEGER NOT NULL CHECK (target_minor >= 0),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    raised_minor INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- Every change of a target, so the treasurer's history survives.
CREATE TABLE campaign_target_changes (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    old_target_minor INTEGER NOT NULL,
    new_target_minor INTEGER NOT NULL,
    changed_at       TIMESTAMP NOT NULL,
    changed_by       TEXT NOT NULL
);
CREATE INDEX campaign_target_changes_campaign ON campaign_target_changes(campaign_id, id);

-- The donation ledger. Never updated, never deleted: a mistake or refund is
-- a new entry with a negative amount, reversal_of and a reason.
CREATE TABLE ledger_entries (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    amount_minor INTEGER NOT NULL,
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
    received_at  TIMESTAMP NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    recorded_by  TEXT NOT NULL,
    reversal_of  INTEGER UNIQUE REFERENCES ledger_entries(id),
    reason       TEXT NOT NULL DEFAULT '',
    CHECK ((reversal_of IS NULL AND amount_minor > 0) OR
           (reversal_of IS NOT NULL AND amount_minor < 0 AND reason <> ''))
);
CREATE INDEX ledger_entries_campaign ON ledger_entries(campaign_id, received_at);
CREATE INDEX ledger_entries_received ON ledger_entries(received_at);

-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only: post a reversing entry instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only: post a reversing entry instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER campaign_target_changes_no_update BEFORE UPDATE ON campaign_target_changes BEGIN
    SELECT RAISE(ABORT, 'campaign_target_changes is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER campaign_target_changes_no_delete BEFORE DELETE ON campaign_target_changes BEGIN
    SELECT RAISE(ABORT, 'campaign_target_changes is append-only');
END;
-- +goose StatementEnd

-- One row whose counter goes up in the same transaction as every ledger
-- insert and target change, so another process (the command line, another
-- node) can tell by polling one integer that its fund snapshot is stale.
CREATE TABLE fund_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO fund_state (id, version) VALUES (1, 1);

-- +goose Down
DROP TABLE fund_state;
DROP TABLE ledger_entries;
DROP TABLE campaign_target_changes;
DROP TABLE campaigns;
