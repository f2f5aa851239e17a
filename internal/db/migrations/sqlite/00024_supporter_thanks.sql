-- +goose Up
-- A supporter may ask to be thanked in the printed fund column, like a
-- donor who ticks the box: thanks says yes (0 or 1), thanks_name is the
-- name to print (empty: "a reader") and thanks_town the town after it.
-- Each of their payments is recorded in the ledger with these as its
-- public thanks. Erasing the person blanks them with the rest.
ALTER TABLE subscriptions ADD COLUMN thanks INTEGER NOT NULL DEFAULT 0 CHECK (thanks IN (0, 1));
ALTER TABLE subscriptions ADD COLUMN thanks_name TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN thanks_town TEXT NOT NULL DEFAULT '';
ALTER TABLE standing_orders ADD COLUMN thanks INTEGER NOT NULL DEFAULT 0 CHECK (thanks IN (0, 1));
ALTER TABLE standing_orders ADD COLUMN thanks_name TEXT NOT NULL DEFAULT '';
ALTER TABLE standing_orders ADD COLUMN thanks_town TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE standing_orders DROP COLUMN thanks_town;
ALTER TABLE standing_orders DROP COLUMN thanks_name;
ALTER TABLE standing_orders DROP COLUMN thanks;
ALTER TABLE subscriptions DROP COLUMN thanks_town;
ALTER TABLE subscriptions DROP COLUMN thanks_name;
ALTER TABLE subscriptions DROP COLUMN thanks;
