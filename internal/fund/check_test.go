package fund_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

// TestLedgerIsAppendOnly tries to change and remove entries behind the
// service's back; the database itself must refuse.
func TestLedgerIsAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		e, err := s.Record(ctx, gift(20, fund.Cheque))
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`UPDATE ledger_entries SET amount_minor = 1 WHERE id = $1`,
			`UPDATE ledger_entries SET reason = 'oops' WHERE id = $1`,
			`DELETE FROM ledger_entries WHERE id = $1`,
		} {
			if _, err := d.ExecContext(ctx, stmt, e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
			}
		}
		if d.Dialect() == db.Postgres {
			if _, err := d.ExecContext(ctx, `TRUNCATE ledger_entries`); err == nil {
				t.Error("TRUNCATE was allowed")
			}
		}
		got, err := s.Entry(ctx, e.ID)
		if err != nil || got.Amount != gbp(20) {
			t.Fatalf("entry after the attempts: %+v %v", got, err)
		}
	})
}

func TestCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		g, _ := s.Record(ctx, gift(20, fund.Cheque))
		if _, err := s.Record(ctx, gift(30, fund.Card)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reverse(ctx, g.ID, "bounced", "t"); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Check(ctx)
		if err != nil || !rep.OK() || len(rep.Campaigns) != 1 || rep.Campaigns[0].Ledger != gbp(30) || len(rep.Triggers) < 2 {
			t.Fatalf("healthy ledger: %+v %v", rep, err)
		}
		// Corrupt the cached total, as a bad manual fix might.
		if _, err := d.ExecContext(ctx, `UPDATE campaigns SET raised_minor = raised_minor + 1`); err != nil {
			t.Fatal(err)
		}
		rep, err = s.Check(ctx)
		if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "ledger sums to £30") {
			t.Fatalf("tampered total: %+v %v", rep, err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE campaigns SET raised_minor = raised_minor - 1`); err != nil {
			t.Fatal(err)
		}
		// Remove a trigger: the ledger is no longer append-only.
		if _, err := d.ExecContext(ctx, `DROP TRIGGER ledger_entries_no_delete`+map[db.Dialect]string{db.Postgres: " ON ledger_entries"}[d.Dialect()]); err != nil {
			t.Fatal(err)
		}
		rep, err = s.Check(ctx)
		if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "ledger_entries_no_delete is missing") {
			t.Fatalf("missing trigger: %+v %v", rep, err)
		}
	})
}
