package supporter_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// soStatement is a November statement: two identical genuine payments
// from Anna on one day, Ben's reference inside a longer description, a
// payment from Carl's lapsed order, Ben at the wrong amount, a reference
// two orders share, a stranger, and debits.
const soStatement = `Date,Description,Amount
01/11/2024,ANNA-2024,5.00
01/11/2024,ANNA-2024,5.00
02/11/2024,STO BEN SMITH REF BEN 1 THANKS,10.00
03/11/2024,CARL77,3.00
04/11/2024,RENT,-500.00
05/11/2024,BEN1,12.00
06/11/2024,SO DORA 99,7.00
07/11/2024,JOHN DOE GIFT,20.00
08/11/2024,PRINTER,-120.00
`

// soOrders adds the orders soStatement is matched against.
func soOrders(t *testing.T, s *supporter.StandingOrders) map[string]supporter.StandingOrder {
	t.Helper()
	ctx := context.Background()
	m := map[string]supporter.StandingOrder{
		"anna": soAdd(t, s, "Anna Jones", "5", "anna 2024"),
		"ben":  soAdd(t, s, "Ben Smith", "10", "BEN-1"),
		"carl": soAdd(t, s, "Carl Brown", "3", "carl77"),
		"dora": soAdd(t, s, "Dora Lee", "7", "DORA99"),
	}
	if _, err := s.LapseStandingOrder(ctx, m["carl"].ID, "t"); err != nil {
		t.Fatal(err)
	}
	// Dora's old lapsed order and her new one share the reference.
	if _, err := s.LapseStandingOrder(ctx, m["dora"].ID, "t"); err != nil {
		t.Fatal(err)
	}
	m["dora2"] = soAdd(t, s, "Dora Lee (new)", "7", "dora-99")
	// A cancelled order is never matched, even on its exact reference.
	cancelled := soAdd(t, s, "Ed Gone", "20", "JOHNDOEGIFT")
	if _, err := s.CancelStandingOrder(ctx, cancelled.ID, "t"); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStatementImport: matching, ambiguity, the exact ledger after
// confirming, and a second import of the same file recording nothing.
func TestStatementImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, f, _ := soSetup(t, d)
		orders := soOrders(t, s)
		st := soMustParse(t, soStatement)
		if st.Debits != 2 || len(st.Lines) != 7 {
			t.Fatalf("%d credits, %d debits", len(st.Lines), st.Debits)
		}
		p, err := s.Preview(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			outcome supporter.Outcome
			order   string
		}{{supporter.Matched, "anna"}, {supporter.Matched, "anna"}, {supporter.Matched, "ben"}, {supporter.Matched, "carl"},
			{supporter.Ambiguous, "ben"}, {supporter.Ambiguous, ""}, {supporter.Unmatched, ""}}
		for i, w := range want {
			l := p.Lines[i]
			if l.Outcome != w.outcome || (w.order != "" && l.Order.ID != orders[w.order].ID) {
				t.Errorf("line %d (%s): %s %q, want %s %s", l.Line, l.Description, l.Outcome, l.Order.Name, w.outcome, w.order)
			}
		}
		if c := p.Lines[5].Candidates; len(c) != 2 || !strings.Contains(p.Lines[5].Reason, "Dora Lee") {
			t.Errorf("shared reference: candidates %+v, reason %q", c, p.Lines[5].Reason)
		}
		if !strings.Contains(p.Lines[4].Reason, "This is £12, but Ben Smith gives £10") {
			t.Errorf("wrong amount: %q", p.Lines[4].Reason)
		}
		if p.Matched != 4 || p.Ambiguous != 2 || p.Unmatched != 1 || p.Imported != 0 || !p.OK() ||
			p.MatchedTotal.Minor != 2300 || p.WaitingTotal.Minor != 3900 {
			t.Fatalf("preview counts %d/%d/%d/%d, totals %v %v", p.Matched, p.Ambiguous, p.Unmatched, p.Imported, p.MatchedTotal, p.WaitingTotal)
		}
		if n := soCount(t, d, "statement_lines") + soCount(t, d, "ledger_entries"); n != 0 {
			t.Fatalf("the preview saved %d rows", n)
		}

		res, err := s.Confirm(ctx, st, "treasurer@example.org", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Recorded) != 4 || res.Waiting != 3 || res.Total.Minor != 2300 {
			t.Fatalf("confirm: %d recorded, %d waiting, %v", len(res.Recorded), res.Waiting, res.Total)
		}
		entries, err := f.Entries(ctx, "2024-11")
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, e := range entries {
			sum += e.Amount.Minor
			if e.Method != fund.StandingOrder || !strings.HasPrefix(e.ProviderRef, "standing-order:") || e.DonorName == "" {
				t.Errorf("entry %+v", e)
			}
		}
		if len(entries) != 4 || sum != 2300 || soRaised(t, f) != 2300 {
			t.Fatalf("%d entries summing to %d, raised %d; want 4, 2300", len(entries), sum, soRaised(t, f))
		}
		if entries[0].DonorName != "Anna Jones" || entries[0].ReceivedAt.Format("2006-01-02") != "2024-11-01" {
			t.Errorf("first entry %+v", entries[0])
		}
		waiting, err := s.WaitingLines(ctx)
		if err != nil || len(waiting) != 3 || !strings.Contains(waiting[0].Note, "Ben Smith gives £10") {
			t.Fatalf("waiting %+v, %v", waiting, err)
		}
		soCheck(t, f)

		// The same file again, and a later statement overlapping it:
		// nothing is recorded twice; only the new line is.
		again, err := s.Preview(ctx, soMustParse(t, soStatement))
		if err != nil || again.Imported != 7 || again.Matched+again.Ambiguous+again.Unmatched != 0 {
			t.Fatalf("second preview: %+v, %v", again, err)
		}
		res, err = s.Confirm(ctx, soMustParse(t, soStatement), "treasurer@example.org", nil)
		if err != nil || len(res.Recorded) != 0 || res.Waiting != 0 || res.Skipped != 7 {
			t.Fatalf("second import: %+v, %v", res, err)
		}
		later := "Date,Description,Amount\n01/11/2024,ANNA-2024,5.00\n01/11/2024,ANNA-2024,5.00\n01/11/2024,ANNA-2024,5.00\n07/11/2024,JOHN DOE GIFT,20.00\n"
		res, err = s.Confirm(ctx, soMustParse(t, later), "treasurer@example.org", nil)
		if err != nil || len(res.Recorded) != 1 || res.Skipped != 3 {
			t.Fatalf("overlapping import: %+v, %v", res, err)
		}
		if soRaised(t, f) != 2800 || soCount(t, d, "statement_lines") != 8 {
			t.Fatalf("raised %d, %d lines; want 2800 and 8", soRaised(t, f), soCount(t, d, "statement_lines"))
		}
		soCheck(t, f)

		// The treasurer assigns the wrong-amount line to Ben and sets the
		// stranger's gift aside; each decision is made once.
		if _, err := s.Dismiss(ctx, waiting[2].ID, " ", "t"); err == nil {
			t.Fatal("set aside without a note")
		}
		r, err := s.Assign(ctx, waiting[0].ID, orders["ben"].ID, "treasurer@example.org")
		if err != nil || r.Entry.Amount.Minor != 1200 || r.Entry.DonorName != "Ben Smith" || r.Entry.Method != fund.StandingOrder {
			t.Fatalf("assign: %+v, %v", r, err)
		}
		if _, err := s.Assign(ctx, waiting[0].ID, orders["anna"].ID, "t"); err == nil {
			t.Fatal("a line was assigned twice")
		}
		if _, err := s.Dismiss(ctx, waiting[2].ID, "A one-off gift, thanked by letter", "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assign(ctx, waiting[2].ID, orders["anna"].ID, "t"); err == nil {
			t.Fatal("a line set aside was assigned")
		}
		if _, err := s.Assign(ctx, waiting[1].ID, 9999, "t"); err == nil {
			t.Fatal("a line was assigned to no order")
		}
		if w, _ := s.WaitingLines(ctx); len(w) != 1 || w[0].ID != waiting[1].ID {
			t.Fatalf("still waiting: %+v", w)
		}
		if soRaised(t, f) != 4000 {
			t.Fatalf("raised %d after the assignment, want 4000", soRaised(t, f))
		}
		soCheck(t, f)

		ls, err := s.ListStandingOrders(ctx, supporter.ListAll)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if l.ID == orders["ben"].ID && (l.Payments != 2 || l.LastPaid.Format("2006-01-02") != "2024-11-05") {
				t.Errorf("Ben: %d payments, last %v", l.Payments, l.LastPaid)
			}
		}
		if _, err := d.ExecContext(ctx, "UPDATE statement_lines SET note = 'x'"); err == nil {
			t.Fatal("statement lines could be changed")
		}
	})
}

// TestStatementWithBadLineRecordsNothing: one malformed line stops the
// whole statement, on both engines, and says how many lines are at fault.
func TestStatementWithBadLineRecordsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, _ := soSetup(t, d)
		soOrders(t, s)
		st := soMustParse(t, soStatement+"09/11/2024,ANNA-2024,5.0.0\n")
		p, err := s.Preview(ctx, st)
		if err != nil || p.OK() || p.Invalid != 1 || p.Lines[len(p.Lines)-1].Outcome != supporter.Invalid {
			t.Fatalf("preview: invalid %d, %v", p.Invalid, err)
		}
		_, err = s.Confirm(ctx, st, "t", nil)
		if v, ok := valid.As(err); !ok || !errors.Is(err, supporter.ErrStatementInvalid) || !strings.Contains(v.Message, "1 line of the statement has problems") {
			t.Fatalf("confirm: %v", err)
		}
		if n := soCount(t, d, "statement_lines") + soCount(t, d, "ledger_entries"); n != 0 {
			t.Fatalf("%d rows saved from a statement with an error", n)
		}
		// A hook that fails (the audit log, say) undoes the whole import.
		_, err = s.Confirm(ctx, soMustParse(t, soStatement), "t", func(context.Context, *sql.Tx, supporter.ImportResult) error {
			return errors.New("audit down")
		})
		if err == nil || soCount(t, d, "statement_lines")+soCount(t, d, "ledger_entries") != 0 {
			t.Fatalf("a failed hook left rows: %v", err)
		}
	})
}

// soCheck fails the test unless fund check passes.
func soCheck(t *testing.T, f *fund.Service) {
	t.Helper()
	r, err := f.Check(context.Background())
	if err != nil || !r.OK() {
		t.Fatalf("fund check: %v %v", r.Problems, err)
	}
}

// TestConcurrentImportsRecordOnce: the same statement confirmed by two
// treasurers at once is recorded once; the loser is told and saves
// nothing, or finds every line imported.
func TestConcurrentImportsRecordOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, f, _ := soSetup(t, d)
		soOrders(t, s)
		const n = 4
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := s.Confirm(ctx, soMustParse(t, soStatement), "t", nil)
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil && !errors.Is(err, supporter.ErrStatementChanged) {
				t.Errorf("confirm: %v", err)
			}
		}
		if soRaised(t, f) != 2300 || soCount(t, d, "statement_lines") != 7 || soCount(t, d, "ledger_entries") != 4 {
			t.Fatalf("raised %d, %d lines, %d entries; want 2300, 7, 4", soRaised(t, f),
				soCount(t, d, "statement_lines"), soCount(t, d, "ledger_entries"))
		}
		soCheck(t, f)
	})
}
