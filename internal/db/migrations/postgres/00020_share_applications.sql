-- +goose Up
-- Applications to buy shares in the society, and what became of each. An
-- application is written once as the applicant sent it; its life (a
-- checkout started, paid, approved, rejected, refunded, marked for
-- repayment) is a row per step in share_application_events, never an
-- overwrite, each naming who recorded it. Share money is capital: none of
-- it is written to the fighting fund's ledger.
CREATE TABLE share_applications (
    id             BIGSERIAL PRIMARY KEY,
    class          TEXT NOT NULL CHECK (class IN ('individual', 'organisation')),
    name           TEXT NOT NULL CHECK (name <> ''),
    postal_address TEXT NOT NULL CHECK (postal_address <> ''),
    email          TEXT NOT NULL,
    email_use      TEXT NOT NULL CHECK (email_use IN ('none', 'notices', 'notices-and-news')),
    shares         BIGINT NOT NULL CHECK (shares > 0),
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    pay_by         TEXT NOT NULL CHECK (pay_by IN ('card', 'cheque', 'transfer')),
    account_id     BIGINT REFERENCES accounts(id),
    submitted_at   TIMESTAMPTZ NOT NULL,
    submitted_by   TEXT NOT NULL
);
CREATE INDEX share_applications_submitted ON share_applications(submitted_at);

-- One row per step. reference is the provider's checkout session for a
-- checkout, the PaymentIntent or the cheque or transfer's reference for a
-- payment, the provider's refund for a refund. member_number is the
-- member an approval admitted or allotted to.
CREATE TABLE share_application_events (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES share_applications(id),
    kind           TEXT NOT NULL CHECK (kind IN ('checkout', 'paid', 'approved', 'rejected', 'refunded', 'repayment-due')),
    method         TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'card', 'cheque', 'transfer')),
    amount_minor   BIGINT NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT '',
    reference      TEXT NOT NULL DEFAULT '',
    member_number  BIGINT,
    note           TEXT NOT NULL DEFAULT '',
    recorded_at    TIMESTAMPTZ NOT NULL,
    recorded_by    TEXT NOT NULL,
    CHECK (kind <> 'paid' OR (amount_minor > 0 AND method <> '')),
    CHECK (kind <> 'approved' OR member_number IS NOT NULL)
);
CREATE INDEX share_application_events_app ON share_application_events(application_id, id);
-- Each step but a checkout happens once per application; an application is
-- decided once, approved or rejected; a checkout session and a card
-- payment belong to one application.
CREATE UNIQUE INDEX share_application_events_once ON share_application_events(application_id, kind)
    WHERE kind <> 'checkout';
CREATE UNIQUE INDEX share_application_events_decided ON share_application_events(application_id)
    WHERE kind IN ('approved', 'rejected');
CREATE UNIQUE INDEX share_application_events_session ON share_application_events(reference)
    WHERE kind = 'checkout';
CREATE UNIQUE INDEX share_application_events_card ON share_application_events(reference)
    WHERE kind = 'paid' AND method = 'card';

-- A card payment for shares that was not applied, held for the secretary:
-- a checkout coopress did not start, an amount or currency that is not
-- the application's, an application paid or decided already, a dispute or
-- part refund. Stored once per provider event.
CREATE TABLE share_payment_holds (
    id             BIGSERIAL PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    application_id BIGINT REFERENCES share_applications(id),
    session_id     TEXT NOT NULL DEFAULT '',
    payment_ref    TEXT NOT NULL DEFAULT '',
    amount_minor   BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    reason         TEXT NOT NULL CHECK (reason <> ''),
    recorded_at    TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER share_applications_no_update BEFORE UPDATE ON share_applications
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_applications_no_delete BEFORE DELETE ON share_applications
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_applications_no_truncate BEFORE TRUNCATE ON share_applications
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

CREATE TRIGGER share_application_events_no_update BEFORE UPDATE ON share_application_events
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_application_events_no_delete BEFORE DELETE ON share_application_events
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_application_events_no_truncate BEFORE TRUNCATE ON share_application_events
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

CREATE TRIGGER share_payment_holds_no_update BEFORE UPDATE ON share_payment_holds
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_payment_holds_no_delete BEFORE DELETE ON share_payment_holds
    FOR EACH ROW EXECUTE FUNCTION coopress_append_only();
CREATE TRIGGER share_payment_holds_no_truncate BEFORE TRUNCATE ON share_payment_holds
    FOR EACH STATEMENT EXECUTE FUNCTION coopress_append_only();

-- +goose Down
DROP TABLE share_payment_holds;
DROP TABLE share_application_events;
DROP TABLE share_applications;
