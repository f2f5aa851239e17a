package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// eraseOnly lists, for each append-only table an erasure may touch, the
// personal columns and the one value each may be set to (migration 00019).
var eraseOnly = map[string]map[string]string{
	"ledger_entries":         {"donor_name": "''", "donor_email": "''", "donor_town": "''", "public": "0", "public_name": "''", "message": "''"},
	"fund_holds":             {"donor_name": "''", "donor_email": "''", "donor_town": "''", "public": "0", "public_name": "''", "message": "''"},
	"audit_log":              {"actor_name": "'erased'", "before_json": "''", "after_json": "''", "ip": "''"},
	"standing_order_changes": {"before_state": "''", "after_state": "''"},
}

// TestEraseTriggersAllowOnlyErasing: on both engines, each of the four
// append-only tables accepts an UPDATE that sets its personal columns to
// their erased value (the ledger row's thanks are private already, so
// public may stay 0 but not become 1; the hold's go from 1 to 0), and refuses every other: a personal column set to
// anything else, any other column changed (whatever is erased with it),
// and DELETE.
func TestEraseTriggersAllowOnlyErasing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ids := eraseFixture(t, d)
		later := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)
		refused := map[string][]string{
			"ledger_entries": {"amount_minor = amount_minor + 1", "currency = 'EUR'", "method = 'cash'",
				"provider_ref = 'pi_other'", "received_at = $2", "recorded_at = $2", "recorded_by = 'someone'",
				"reason = 'forged'", "campaign_id = campaign_id + 1", "id = id + 100",
				"donor_name = 'Someone Else'", "donor_email = 'x@example.org'", "public = 1",
				"message = 'forged thanks'", "donor_name = '', amount_minor = 1"},
			"fund_holds": {"amount_minor = 1", "hold_key = 'other'", "reason = 'x'", "method = 'cash'",
				"held_at = $2", "donor_town = 'Elsewhere'", "donor_email = '', currency = 'EUR'"},
			"audit_log": {"action = 'forged'", "at = $2", "actor_id = NULL", "object_id = '99'",
				"actor_name = 'someone else'", "before_json = '{}'", "ip = '192.0.2.9'", "after_json = '', action = 'x'"},
			"standing_order_changes": {"action = 'cancelled'", "changed_at = $2", "changed_by = 'x'",
				"after_state = '{}'", "before_state = '', changed_by = 'x'"},
		}
		for table, personal := range eraseOnly {
			t.Run(table, func(t *testing.T) {
				id := ids[table]
				for _, set := range refused[table] {
					args := []any{id}
					if strings.Contains(set, "$2") {
						args = append(args, later)
					}
					_, err := d.ExecContext(ctx, "UPDATE "+table+" SET "+set+" WHERE id = $1", args...)
					if err == nil || !strings.Contains(err.Error(), "append-only") {
						t.Errorf("SET %s: err = %v, want refused as append-only", set, err)
					}
				}
				if _, err := d.ExecContext(ctx, "DELETE FROM "+table+" WHERE id = $1", id); err == nil {
					t.Error("DELETE was allowed")
				}
				var sets []string
				for col, v := range personal {
					sets = append(sets, col+" = "+v)
				}
				if _, err := d.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE id = $1", id); err != nil {
					t.Fatalf("erasing %s: %v", strings.Join(sets, ", "), err)
				}
				// Erased once, the row can be erased again (a no-op) but
				// still not changed.
				if _, err := d.ExecContext(ctx, "UPDATE "+table+" SET "+sets[0]+" WHERE id = $1", id); err != nil {
					t.Errorf("erasing again: %v", err)
				}
			})
		}
	})
}

// TestEraseTriggersNameEveryColumn: SQLite's triggers list the columns
// they compare, so a column added to one of these tables later would be
// silently changeable; each trigger must name every column. (PostgreSQL's
// function compares whole rows and needs no list.)
func TestEraseTriggersNameEveryColumn(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	for table := range eraseOnly {
		var sql string
		if err := d.Reader().QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = $1`,
			table+"_no_update").Scan(&sql); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		rows, err := d.Reader().QueryContext(ctx, `SELECT name FROM pragma_table_info($1)`, table)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var col string
			if err := rows.Scan(&col); err != nil {
				t.Fatal(err)
			}
			n++
			if !strings.Contains(sql, "NEW."+col+" IS OLD."+col) {
				t.Errorf("trigger %s_no_update does not compare column %s", table, col)
			}
		}
		rows.Close()
		if n < 5 {
			t.Fatalf("%s: %d columns read", table, n)
		}
	}
}

// eraseFixture writes one row, full of personal details, to each table of
// eraseOnly, and returns their ids by table.
func eraseFixture(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, time.UTC)
	ids := map[string]int64{}
	insert := func(table, q string, args ...any) int64 {
		var id int64
		if err := d.Writer().QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		ids[table] = id
		return id
	}
	campaign := insert("campaigns", `INSERT INTO campaigns (month, target_minor, currency, created_at, updated_at)
		VALUES ('2024-11', 100, 'GBP', $1, $1)`, now)
	insert("campaigns", `INSERT INTO campaigns (month, target_minor, currency, created_at, updated_at)
		VALUES ('2024-12', 100, 'GBP', $1, $1)`, now)
	insert("ledger_entries", `INSERT INTO ledger_entries (campaign_id, amount_minor, currency, method, donor_name,
		donor_email, donor_town, public, public_name, message, provider_ref, received_at, recorded_at, recorded_by)
		VALUES ($1, 2000, 'GBP', 'cheque', 'Ann Lee', 'ann@example.org', 'Leeds', 0, 'Ann', 'Go on', 'ref-1', $2, $2, 'test')`,
		campaign, now)
	insert("fund_holds", `INSERT INTO fund_holds (hold_key, kind, reason, amount_minor, currency, method, donor_name,
		donor_email, donor_town, public, public_name, message, received_at, recorded_by, held_at)
		VALUES ('k', 'held', 'too large', 2000, 'GBP', 'card', 'Ann Lee', 'ann@example.org', 'Leeds', 1, 'Ann', 'Go on', $1, 'test', $1)`, now)
	actor := insert("accounts", `INSERT INTO accounts (email, name, created_at) VALUES ('ann@example.org', 'Ann Lee', $1)`, now)
	insert("audit_log", `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, before_json, after_json, ip)
		VALUES ($1, $2, 'ann@example.org', 'account.create', 'account', '1', '{"email":"ann@example.org"}', '{"email":"ann@example.org"}', '192.0.2.1')`, now, actor)
	order := insert("standing_orders", `INSERT INTO standing_orders (name, email, amount_minor, currency, frequency,
		reference, reference_key, status, started_on, created_at, created_by, updated_at)
		VALUES ('Ann Lee', 'ann@example.org', 500, 'GBP', 'monthly', 'ANN 1', 'ANN1', 'active', '2024-11-01', $1, 'test', $1)`, now)
	insert("standing_order_changes", `INSERT INTO standing_order_changes (standing_order_id, action, before_state,
		after_state, changed_at, changed_by) VALUES ($1, 'added', '{"name":"Ann Lee"}', '{"name":"Ann Lee"}', $2, 'test')`, order, now)
	return ids
}
