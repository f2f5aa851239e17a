package db_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestMigrationFoldersListTheSameVersions: every migration exists once per
// engine, under the same version, so neither engine can run ahead.
func TestMigrationFoldersListTheSameVersions(t *testing.T) {
	versions := func(engine string) []string {
		t.Helper()
		files, err := filepath.Glob(filepath.Join("migrations", engine, "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("migrations/%s: %d files, %v", engine, len(files), err)
		}
		var out []string
		for _, f := range files {
			v, _, ok := strings.Cut(filepath.Base(f), "_")
			if !ok {
				t.Fatalf("%s: want VERSION_name.sql", f)
			}
			out = append(out, v)
		}
		return out
	}
	sq, pg := versions("sqlite"), versions("postgres")
	if !slices.Equal(sq, pg) {
		t.Fatalf("migration versions differ:\nsqlite   %v\npostgres %v", sq, pg)
	}
}

// engineOnly lists every object that exists on one engine only, each for a
// reason. The guard fails on anything else found on one side only, and on
// an entry here that is no longer true, so the list cannot go stale.
var engineOnly = map[db.Dialect][]string{
	db.SQLite: {
		// Full-text search: an FTS5 table and the shadow tables SQLite
		// keeps for it, and triggers that keep it in step with articles.
		// PostgreSQL searches a generated column instead.
		"table articles_fts", "table articles_fts_config", "table articles_fts_data",
		"table articles_fts_docsize", "table articles_fts_idx",
		"trigger articles_fts_insert", "trigger articles_fts_update", "trigger articles_fts_delete",
	},
	db.Postgres: {
		// PostgreSQL's search: a generated tsvector column and its GIN index.
		"column articles.search", "index articles_search",
		// TRUNCATE skips row triggers, so append-only tables also refuse it
		// with a statement trigger; SQLite has no TRUNCATE.
		"trigger ledger_entries_no_truncate", "trigger audit_log_no_truncate",
		"trigger article_revisions_no_truncate", "trigger article_corrections_no_truncate",
		"trigger campaign_target_changes_no_truncate", "trigger closed_payments_no_truncate",
		"trigger fund_holds_no_truncate", "trigger fund_hold_resolutions_no_truncate",
		"trigger standing_order_changes_no_truncate", "trigger statement_lines_no_truncate",
		"trigger statement_line_resolutions_no_truncate",
		"trigger subscription_history_no_truncate",
		"trigger members_no_truncate", "trigger member_contacts_no_truncate", "trigger share_entries_no_truncate",
		"trigger share_applications_no_truncate", "trigger share_application_events_no_truncate",
		"trigger share_payment_holds_no_truncate",
		"trigger ballot_meeting_tallies_no_truncate",
		"trigger member_links_no_truncate", "trigger withdrawal_requests_no_truncate",
		"trigger withdrawal_decisions_no_truncate",
		"trigger officers_no_truncate", "trigger officer_ends_no_truncate",
		"trigger share_payment_returns_no_truncate", "trigger withdrawal_suspensions_no_truncate",
		// NOTIFY tells the other nodes that content or the fund changed;
		// on SQLite there is one node, which watches data_version.
		"trigger content_state_notify", "trigger fund_state_notify",
	},
}

// TestMigratedSchemasMatch migrates a fresh database on each engine and
// compares what the migrations made: tables, their columns (by name: the
// engines' types differ on purpose), the indexes the migrations create
// (not those an engine makes for a UNIQUE or PRIMARY KEY constraint, which
// each names its own way) and triggers.
func TestMigratedSchemasMatch(t *testing.T) {
	ctx := context.Background()
	sq := readSchema(t, ctx, dbtest.SQLite(t))
	pg := readSchema(t, ctx, dbtest.Postgres(t))
	// Columns are compared for tables both engines have; an engine-only
	// table is one entry.
	dropColumnsOfOneSidedTables(sq, pg)
	dropColumnsOfOneSidedTables(pg, sq)
	check := func(engine db.Dialect, mine, other map[string]bool) {
		allowed := map[string]bool{}
		for _, name := range engineOnly[engine] {
			allowed[name] = true
			if !mine[name] || other[name] {
				t.Errorf("engineOnly lists %q for %s, but it is not %s-only: remove it from the list", name, engine, engine)
			}
		}
		var extra []string
		for name := range mine {
			if !other[name] && !allowed[name] {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		for _, name := range extra {
			t.Errorf("%s only: %s (add it to the other engine's migration, or to engineOnly with the reason)", engine, name)
		}
	}
	check(db.SQLite, sq, pg)
	check(db.Postgres, pg, sq)
	if len(sq) < 100 {
		t.Fatalf("only %d objects read from SQLite: the catalogue queries are wrong", len(sq))
	}
}

// dropColumnsOfOneSidedTables removes from s the columns of tables other
// does not have.
func dropColumnsOfOneSidedTables(s, other map[string]bool) {
	for name := range s {
		if column, ok := strings.CutPrefix(name, "column "); ok {
			table, _, _ := strings.Cut(column, ".")
			if !other["table "+table] {
				delete(s, name)
			}
		}
	}
}

// readSchema returns the set of "table T", "column T.C", "index I" and
// "trigger X" in d's catalogue.
func readSchema(t *testing.T, ctx context.Context, d *db.DB) map[string]bool {
	t.Helper()
	var tablesQ, columnsQ, indexesQ, triggersQ string
	switch d.Dialect() {
	case db.SQLite:
		tablesQ = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
		columnsQ = `SELECT name FROM pragma_table_info($1)`
		// An index with no SQL is one SQLite made for a constraint.
		indexesQ = `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`
		triggersQ = `SELECT name FROM sqlite_master WHERE type = 'trigger'`
	default:
		tablesQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
		columnsQ = `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`
		indexesQ = `SELECT i.relname FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_class r ON r.oid = x.indrelid
			JOIN pg_namespace n ON n.oid = r.relnamespace
			WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`
		triggersQ = `SELECT t.tgname FROM pg_trigger t
			JOIN pg_class r ON r.oid = t.tgrelid
			JOIN pg_namespace n ON n.oid = r.relnamespace
			WHERE n.nspname = 'public' AND NOT t.tgisinternal`
	}
	names := func(q string, args ...any) []string {
		t.Helper()
		rows, err := d.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	s := map[string]bool{}
	for _, table := range names(tablesQ) {
		s["table "+table] = true
		for _, c := range names(columnsQ, table) {
			s["column "+table+"."+c] = true
		}
	}
	for _, i := range names(indexesQ) {
		s["index "+i] = true
	}
	for _, tr := range names(triggersQ) {
		s["trigger "+tr] = true
	}
	return s
}

// TestAppendOnlyTablesRefuseTruncate: on PostgreSQL TRUNCATE skips row
// triggers, so a table that refuses UPDATE (an append-only table) must
// also refuse DELETE and TRUNCATE; the check reads the catalogue, so a
// new append-only table that forgets one fails here.
func TestAppendOnlyTablesRefuseTruncate(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Postgres(t)
	s := readSchema(t, ctx, d)
	var appendOnly []string
	for name := range s {
		if table, ok := strings.CutSuffix(strings.TrimPrefix(name, "trigger "), "_no_update"); ok && strings.HasPrefix(name, "trigger ") {
			appendOnly = append(appendOnly, table)
		}
	}
	if len(appendOnly) < 8 {
		t.Fatalf("found %d append-only tables (%v); the catalogue query is wrong", len(appendOnly), appendOnly)
	}
	for _, table := range appendOnly {
		for _, op := range []string{"delete", "truncate"} {
			if !s["trigger "+table+"_no_"+op] {
				t.Errorf("append-only table %s has no %s_no_%s trigger", table, table, op)
			}
		}
		if _, err := d.ExecContext(ctx, "TRUNCATE "+table+" CASCADE"); err == nil {
			t.Errorf("TRUNCATE %s succeeded", table)
		}
	}
}
