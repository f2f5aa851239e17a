-- +goose Up
-- Second factors for staff: an authenticator app (TOTP) or a passkey
-- (WebAuthn). A session records which factor completed it; until one has,
-- a session of an account that has a factor opens nothing but the
-- second-factor page.
ALTER TABLE sessions ADD COLUMN second_factor TEXT NOT NULL DEFAULT ''
    CHECK (second_factor IN ('', 'totp', 'passkey', 'recovery'));

CREATE TABLE second_factors (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    kind          TEXT NOT NULL CHECK (kind IN ('totp', 'passkey')),
    -- What the person called it ("Phone", "YubiKey").
    name          TEXT NOT NULL,
    -- TOTP: the shared secret, base32. The server must read it to check a
    -- code, so it cannot be hashed; backups hold it (docs/backup.md).
    secret        TEXT NOT NULL DEFAULT '',
    -- TOTP: the last time step accepted, so that no code is used twice.
    last_step     BIGINT NOT NULL DEFAULT 0,
    -- Passkey: the credential id (base64url) and the credential as the
    -- WebAuthn library stores it (public key, sign count, flags), JSON.
    credential_id TEXT NOT NULL DEFAULT '',
    credential    TEXT NOT NULL DEFAULT '',
    -- NULL while a TOTP secret waits for its first code.
    confirmed_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    CHECK ((kind = 'totp' AND secret <> '') OR (kind = 'passkey' AND credential_id <> '' AND credential <> ''))
);
CREATE INDEX second_factors_account ON second_factors(account_id);
CREATE UNIQUE INDEX second_factors_credential ON second_factors(credential_id) WHERE kind = 'passkey';

-- One-time recovery codes, stored as SHA-256: each has 80 random bits,
-- which a fast hash protects well enough.
CREATE TABLE recovery_codes (
    hash       TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX recovery_codes_account ON recovery_codes(account_id);

-- A WebAuthn ceremony in progress: the challenge the server issued to one
-- session, checked and deleted when the browser answers.
CREATE TABLE webauthn_challenges (
    session_id TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('register', 'signin')),
    data       TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, purpose)
);

-- +goose Down
DROP TABLE webauthn_challenges;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
ALTER TABLE sessions DROP COLUMN second_factor;
