package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestTellerRoleMigration puts an account with roles, a session, a
// passkey, a recovery code, a sign-in token and audit rows in the schema
// of migration 26, applies 27 (which rebuilds account_roles on SQLite and
// replaces its CHECK on PostgreSQL) and finds every row of every table
// as it was, foreign keys intact, and the teller role now accepted while
// an unknown role is still refused.
func TestTellerRoleMigration(t *testing.T) {
	ctx := context.Background()
	engines := map[string]func(t *testing.T) *db.DB{
		"sqlite": func(t *testing.T) *db.DB {
			d, err := db.Open(ctx, "", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		},
		"postgres": func(t *testing.T) *db.DB {
			d, err := db.Open(ctx, dbtest.PostgresURL(t), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			d := engines[name](t)
			if err := d.MigrateTo(ctx, 26); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := d.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			at := "2026-11-30T12:00:00Z"
			exec(`INSERT INTO accounts (id, email, name, password_hash, created_at) VALUES (7, 'sec@example.org', 'Sec', 'h', $1)`, at)
			exec(`INSERT INTO accounts (id, email, name, created_at) VALUES (8, 'w@example.org', 'W', $1)`, at)
			exec(`INSERT INTO account_roles (account_id, role) VALUES (7, 'secretary'), (7, 'admin'), (8, 'writer')`)
			exec(`INSERT INTO sessions (id, account_id, created_at, expires_at, last_seen_at, ip, second_factor)
				VALUES ('s1', 7, $1, $1, $1, '10.0.0.1', 'passkey')`, at)
			exec(`INSERT INTO second_factors (id, account_id, kind, name, credential_id, credential, confirmed_at, created_at)
				VALUES (3, 7, 'passkey', 'Key', 'cred', '{}', $1, $1)`, at)
			exec(`INSERT INTO recovery_codes (hash, account_id, created_at) VALUES ('rc', 7, $1)`, at)
			exec(`INSERT INTO account_tokens (hash, account_id, purpose, created_at, expires_at) VALUES ('tk', 8, 'signin', $1, $1)`, at)
			exec(`INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id)
				VALUES ($1, 7, 'sec@example.org', 'account.grant', 'account', '8'), ($1, NULL, 'cli', 'account.create', 'account', '7')`, at)
			before := dumpAll(t, d)
			if !slices.ContainsFunc(before["account_roles"], func(r string) bool { return strings.Contains(r, "secretary") }) {
				t.Fatalf("the rows were not read: %v", before)
			}

			if err := d.MigrateTo(ctx, 27); err != nil {
				t.Fatal(err)
			}
			after := dumpAll(t, d)
			for table, rows := range before {
				if !slices.Equal(rows, after[table]) {
					t.Errorf("%s changed in the migration:\nbefore %q\nafter  %q", table, rows, after[table])
				}
			}
			if d.Dialect() == db.SQLite {
				var n int
				if err := d.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&n); err != nil || n != 0 {
					t.Errorf("foreign key check after the rebuild: %d broken, %v", n, err)
				}
			}
			exec(`INSERT INTO account_roles (account_id, role) VALUES (8, 'teller')`)
			if _, err := d.ExecContext(ctx, `INSERT INTO account_roles (account_id, role) VALUES (8, 'scrutineer')`); err == nil {
				t.Error("an unknown role was accepted after the migration")
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO account_roles (account_id, role) VALUES (99, 'teller')`); err == nil {
				t.Error("a role of no account was accepted: the foreign key was lost")
			}
		})
	}
}

// dumpAll reads every row of every table but goose's own, each row as one
// line of text, sorted, so that two reads can be compared.
func dumpAll(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
	if d.Dialect() == db.SQLite {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	}
	var tables []string
	rows, err := d.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "goose_db_version" && !strings.HasPrefix(n, "articles_fts") {
			tables = append(tables, n)
		}
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		out[table] = dumpTable(t, d, table)
	}
	return out
}

func dumpTable(t *testing.T, d *db.DB, table string) []string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			parts[i] = fmt.Sprintf("%s=%q", cols[i], v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
