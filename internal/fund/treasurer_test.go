package fund_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

func TestRecordBatchAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if _, err := s.Record(ctx, gift(10, fund.Cheque, ref("chq-1"))); err != nil {
			t.Fatal(err)
		}
		bad := []fund.Entry{gift(5, fund.Cash), gift(0, fund.Cash)}
		_, err := s.RecordBatch(ctx, bad, nil)
		var re fund.RowError
		if !errors.As(err, &re) || re.Row != 1 || re.Err.Field != "amount" {
			t.Fatalf("bad batch: %v, want a RowError for gift 1's amount", err)
		}
		hookErr := errors.New("audit failed")
		_, err = s.RecordBatch(ctx, []fund.Entry{gift(7, fund.Cash)}, func(context.Context, *sql.Tx, fund.Batch) error { return hookErr })
		if !errors.Is(err, hookErr) {
			t.Fatalf("failing hook: %v", err)
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(10) {
			t.Fatalf("after refused batches raised = %v, want £10", tot.Raised)
		}
		var hooked fund.Batch
		b, err := s.RecordBatch(ctx, []fund.Entry{
			gift(20, fund.BankTransfer, ref("tx-1")), gift(10, fund.Cheque, ref("chq-1")),
			gift(3, fund.Cash), gift(20, fund.BankTransfer, ref("tx-1")),
		}, func(_ context.Context, _ *sql.Tx, b fund.Batch) error { hooked = b; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Recorded) != 2 || len(b.Skipped) != 2 || b.Skipped[0].Row != 1 || b.Skipped[1].Row != 3 {
			t.Fatalf("batch = %+v", b)
		}
		if len(hooked.Recorded) != 2 {
			t.Fatalf("hook saw %+v", hooked)
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(33) {
			t.Fatalf("raised = %v, want £33", tot.Raised)
		}
		if box := s.Snapshot().Box(time.Date(2024, 11, 6, 11, 0, 0, 0, london(t))); box.Raised != gbp(33) {
			t.Fatalf("snapshot raised = %v, want £33", box.Raised)
		}
		if r, err := s.Check(ctx); err != nil || !r.OK() {
			t.Fatalf("check: %v %v", r.Problems, err)
		}
	})
}

func TestLargestAndEntriesReceived(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		loc := london(t)
		var ids []int64
		for i, p := range []int64{5, 50, 20, 100} {
			day := []int{2, 1, 3, 4}[i]
			e, err := s.Record(ctx, gift(p, fund.Cheque, at(time.Date(2024, 11, day, 12, 0, 0, 0, loc))))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		if _, err := s.Reverse(ctx, ids[3], "bounced", "test"); err != nil {
			t.Fatal(err)
		}
		top, err := s.Largest(ctx, "2024-11", 2)
		if err != nil || len(top) != 2 || top[0].Amount != gbp(50) || top[1].Amount != gbp(20) {
			t.Fatalf("largest = %+v, %v", top, err)
		}
		got, err := s.EntriesReceived(ctx, time.Date(2024, 11, 1, 0, 0, 0, 0, loc), time.Date(2024, 11, 2, 0, 0, 0, 0, loc))
		if err != nil || len(got) != 1 || got[0].Amount != gbp(50) {
			t.Fatalf("entries received on 1 November = %+v, %v", got, err)
		}
	})
}

func TestReconcileCard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		loc := london(t)
		when := time.Date(2024, 11, 5, 9, 0, 0, 0, loc)
		for _, ev := range []struct{ id, ref string }{{"evt_1", "pi_1"}, {"evt_2", "pi_2"}} {
			if _, err := d.ExecContext(ctx, `INSERT INTO payment_events (provider, event_id, type, payment_ref, purpose, payload, received_at)
				VALUES ('stripe', $1, 'checkout.session.completed', $2, 'donation', '{}', $3)`, ev.id, ev.ref, db.UTC(when)); err != nil {
				t.Fatal(err)
			}
		}
		var first fund.Entry
		for _, r := range []string{"pi_1", "pi_1~kept-after-refund-500", "pi_9"} {
			e, err := s.Record(ctx, gift(10, fund.Card, ref(r), at(when)))
			if err != nil {
				t.Fatal(err)
			}
			if first.ID == 0 {
				first = e
			}
		}
		if _, err := s.Reverse(ctx, first.ID, "refunded", "test"); err != nil {
			t.Fatal(err)
		}
		rec, err := s.ReconcileCard(ctx, "2024-11", "donation")
		if err != nil {
			t.Fatal(err)
		}
		if rec.LedgerTotal != gbp(20) || rec.Matched != gbp(10) || rec.Difference != gbp(10) {
			t.Fatalf("totals = %v / %v / %v", rec.LedgerTotal, rec.Matched, rec.Difference)
		}
		if len(rec.Entries) != 4 || rec.Entries[2].Event != nil || rec.Entries[1].Event == nil || rec.Entries[3].Event == nil {
			t.Fatalf("entries = %+v", rec.Entries)
		}
		if len(rec.Unmatched) != 1 || rec.Unmatched[0].EventID != "evt_2" || !rec.Unmatched[0].AppliedAt.IsZero() {
			t.Fatalf("unmatched = %+v", rec.Unmatched)
		}
	})
}
