-- +goose Up
-- A payment closed by a full refund or a dispute: its gift and every part
-- kept after partial refunds have been reversed, and no later refund event
-- may re-record anything of it. The row is written in the transaction of
-- the reversal that closes the payment; before this table the mark was the
-- suffix " [payment closed]" on that reversal's reason.
CREATE TABLE closed_payments (
    -- The provider's payment (a Stripe PaymentIntent), as payref writes it.
    payment_ref TEXT PRIMARY KEY,
    -- The reversal that closed it.
    entry_id    BIGINT NOT NULL REFERENCES ledger_entries(id),
    -- The provider's event that asked for it; empty for closures recorded
    -- before this table, whose reason names the event.
    event_id    TEXT NOT NULL DEFAULT '',
    closed_at   TIMESTAMPTZ NOT NULL
);

-- Nothing is reopened once closed.
CREATE TRIGGER closed_payments_no_update BEFORE UPDATE ON closed_payments
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER closed_payments_no_delete BEFORE DELETE ON closed_payments
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();

-- Closures recorded the old way: the first reversal whose reason ends with
-- the mark closes the payment its gift (or kept part, "pi_…~kept-…") names.
INSERT INTO closed_payments (payment_ref, entry_id, event_id, closed_at)
SELECT split_part(g.provider_ref, '~', 1), MIN(r.id), '', MIN(r.recorded_at)
FROM ledger_entries r JOIN ledger_entries g ON g.id = r.reversal_of
WHERE r.reason LIKE '% [payment closed]' AND g.provider_ref IS NOT NULL
GROUP BY 1;

-- +goose Down
DROP TABLE closed_payments;
