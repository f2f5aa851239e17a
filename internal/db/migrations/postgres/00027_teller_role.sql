-- +goose Up
-- The teller role: enters returned postal papers and runs a meeting's
-- check-ins, and sees no register. account_roles_role_check is the name
-- PostgreSQL gave 00004's unnamed column CHECK; it is replaced in one
-- transaction, so no moment allows any role.
ALTER TABLE account_roles DROP CONSTRAINT account_roles_role_check;
ALTER TABLE account_roles ADD CONSTRAINT account_roles_role_check
    CHECK (role IN ('writer','editor','admin','treasurer','secretary','teller','reader'));

-- +goose Down
-- Going back takes the teller role from whoever holds it: the old CHECK
-- would refuse the rows.
DELETE FROM account_roles WHERE role = 'teller';
ALTER TABLE account_roles DROP CONSTRAINT account_roles_role_check;
ALTER TABLE account_roles ADD CONSTRAINT account_roles_role_check
    CHECK (role IN ('writer','editor','admin','treasurer','secretary','reader'));
