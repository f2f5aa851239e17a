-- +goose Up
-- Links between members and reader accounts after admission, and
-- members' requests to withdraw shares with the secretary's decision on
-- each. Like the rest of the society, nothing here is updated or deleted.

-- A member's reader account from now on: the latest row for a member
-- wins over members.account_id (set at admission), and a row with no
-- account_id unlinks them. The secretary links a member who joined on
-- paper to the account they later made, or corrects a wrong link.
CREATE TABLE member_links (
    id          BIGSERIAL PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES members(id),
    account_id  BIGINT REFERENCES accounts(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX member_links_member ON member_links(member_id, id);
CREATE INDEX member_links_account ON member_links(account_id);

-- A member's notice that they want shares repaid: shares is how many, or
-- 0 for all they hold when it is paid. notice_on is the day notice was
-- given, from which the rules' notice period runs.
CREATE TABLE withdrawal_requests (
    id           BIGSERIAL PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    shares       BIGINT NOT NULL CHECK (shares >= 0),
    notice_on    TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    requested_by TEXT NOT NULL
);
CREATE INDEX withdrawal_requests_member ON withdrawal_requests(member_id, id);

-- The one decision on a request (the unique request_id stops two): paid,
-- with the share-ledger entry that repaid it, or rejected with a reason.
CREATE TABLE withdrawal_decisions (
    id             BIGSERIAL PRIMARY KEY,
    request_id     BIGINT NOT NULL UNIQUE REFERENCES withdrawal_requests(id),
    outcome        TEXT NOT NULL CHECK (outcome IN ('paid', 'rejected')),
    share_entry_id BIGINT REFERENCES share_entries(id),
    reason         TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ NOT NULL,
    decided_by     TEXT NOT NULL,
    CHECK ((outcome = 'paid') = (share_entry_id IS NOT NULL)),
    CHECK (outcome <> 'rejected' OR reason <> '')
);

CREATE TRIGGER member_links_no_update BEFORE UPDATE ON member_links
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER member_links_no_delete BEFORE DELETE ON member_links
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER member_links_no_truncate BEFORE TRUNCATE ON member_links
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_requests_no_update BEFORE UPDATE ON withdrawal_requests
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_requests_no_delete BEFORE DELETE ON withdrawal_requests
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_requests_no_truncate BEFORE TRUNCATE ON withdrawal_requests
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_decisions_no_update BEFORE UPDATE ON withdrawal_decisions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_decisions_no_delete BEFORE DELETE ON withdrawal_decisions
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER withdrawal_decisions_no_truncate BEFORE TRUNCATE ON withdrawal_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE withdrawal_decisions;
DROP TABLE withdrawal_requests;
DROP TABLE member_links;
