-- +goose Up
-- The teller role: enters returned postal papers and runs a meeting's
-- check-ins, and sees no register. SQLite cannot change a CHECK in
-- place, so account_roles is rebuilt under its own name. No table,
-- index, trigger or view refers to account_roles (its only foreign key
-- points out, to accounts), so dropping it with foreign keys on is safe
-- inside goose's transaction, and the rename touches nothing else; the
-- primary key's own index is rebuilt with the table.
CREATE TABLE account_roles_new (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    role       TEXT NOT NULL CHECK (role IN ('writer','editor','admin','treasurer','secretary','teller','reader')),
    PRIMARY KEY (account_id, role)
);
INSERT INTO account_roles_new (account_id, role) SELECT account_id, role FROM account_roles;
DROP TABLE account_roles;
ALTER TABLE account_roles_new RENAME TO account_roles;

-- +goose Down
-- Going back takes the teller role from whoever holds it: the old CHECK
-- would refuse the rows.
CREATE TABLE account_roles_old (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    role       TEXT NOT NULL CHECK (role IN ('writer','editor','admin','treasurer','secretary','reader')),
    PRIMARY KEY (account_id, role)
);
INSERT INTO account_roles_old (account_id, role) SELECT account_id, role FROM account_roles WHERE role <> 'teller';
DROP TABLE account_roles;
ALTER TABLE account_roles_old RENAME TO account_roles;
