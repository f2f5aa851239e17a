-- +goose Up
-- TRUNCATE skips row triggers, so every append-only table needs a statement
-- trigger too. The ledger, the audit log, revisions and corrections had one
-- from the start; these four append-only tables did not.
CREATE TRIGGER campaign_target_changes_no_truncate BEFORE TRUNCATE ON campaign_target_changes
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER closed_payments_no_truncate BEFORE TRUNCATE ON closed_payments
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER fund_holds_no_truncate BEFORE TRUNCATE ON fund_holds
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER fund_hold_resolutions_no_truncate BEFORE TRUNCATE ON fund_hold_resolutions
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TRIGGER fund_hold_resolutions_no_truncate ON fund_hold_resolutions;
DROP TRIGGER fund_holds_no_truncate ON fund_holds;
DROP TRIGGER closed_payments_no_truncate ON closed_payments;
DROP TRIGGER campaign_target_changes_no_truncate ON campaign_target_changes;
