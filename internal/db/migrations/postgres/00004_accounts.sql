-- +goose Up
-- People who sign in. Emails are stored lower-cased by the account service;
-- the unique index on lower(email) still refuses a second account that
-- differs only in case, whoever writes the row.
CREATE TABLE accounts (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email <> ''),
    name          TEXT NOT NULL,
    -- Empty until the person sets a password (after a sign-in link).
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts(lower(email));

-- A person may hold several roles; the CHECK keeps typos out of the table.
CREATE TABLE account_roles (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role       TEXT NOT NULL CHECK (role IN ('writer','editor','admin','treasurer','secretary','reader')),
    PRIMARY KEY (account_id, role)
);

-- Server-side sessions. id is the SHA-256 of the cookie's token, so a copy
-- of this table (a backup, a replica) cannot be used to sign in.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Sign-in links and password resets, stored hashed like sessions; used_at
-- makes each usable once.
CREATE TABLE account_tokens (
    hash       TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('signin','reset')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX account_tokens_account ON account_tokens(account_id);

-- Failed sign-ins and reset requests, by key ("account:<email>" or
-- "ip:<addr>"), kept in the database so every node counts the same ones.
CREATE TABLE login_attempts (
    id  BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(key, at);

-- Who did what to which object, and when. Append-only: the triggers below
-- (using coopress_append_only from 00002) refuse UPDATE, DELETE, TRUNCATE.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT REFERENCES accounts(id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE account_tokens;
DROP TABLE sessions;
DROP TABLE account_roles;
DROP TABLE accounts;
