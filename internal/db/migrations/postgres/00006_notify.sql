-- +goose Up
-- Every node LISTENs on coopress_changes; a committed change to published
-- content or to the fund wakes them all at once, so caches and the fund box
-- do not wait for the next poll. The payload names the table.
-- +goose StatementBegin
CREATE FUNCTION coopress_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('coopress_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER content_state_notify AFTER UPDATE ON content_state
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_notify_change();
CREATE TRIGGER fund_state_notify AFTER UPDATE ON fund_state
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_notify_change();

-- +goose Down
DROP TRIGGER fund_state_notify ON fund_state;
DROP TRIGGER content_state_notify ON content_state;
DROP FUNCTION coopress_notify_change();
