package fund_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/valid"
)

// TestPersonCannotRecordProviderReference: the finding's cheque typed as
// pi_rtCOLL. Whatever path a person's gift takes to Record (the form, the
// import, the command line, or code that builds an Entry itself), a
// reference in Stripe's namespace is refused unless the webhook records
// it, so the real payment can never find it taken.
func TestPersonCannotRecordProviderReference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, r := range []string{"pi_rtCOLL", "PI_rtcoll2", "ch_1", "pi_9~kept-after-refund-100"} {
			cheque := gift(1, fund.Cheque)
			cheque.ProviderRef = r
			_, err := s.Record(ctx, cheque)
			if v, ok := valid.As(err); !ok || v.Field != fund.FieldReference || !strings.Contains(v.Message, "Stripe") && !strings.Contains(v.Message, "kept") {
				t.Errorf("a person's %s: %v; want refused on the reference", r, err)
			}
			if _, err := s.RecordBatch(ctx, []fund.Entry{cheque}, nil); err == nil {
				t.Errorf("a batch with %s was recorded", r)
			}
		}
		card := gift(500, fund.Card)
		card.ProviderRef, card.RecordedBy = "pi_rtCOLL", fund.ProviderRecorder
		if _, err := s.Record(ctx, card); err != nil {
			t.Fatalf("the webhook's own credit: %v", err)
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(500) {
			t.Fatalf("raised %s, want the card's £500 alone", tot.Raised)
		}
	})
}

// TestConflictingDuplicateIsHeld: a second gift under a reference the
// ledger holds, differing in amount, currency or method, credits nothing
// and is never acknowledged silently: Record returns a ConflictError and
// holds the attempt beside the stored entry, once however often it comes;
// fund check fails until the treasurer resolves it. A true repeat is
// still plain ErrDuplicate and holds nothing.
func TestConflictingDuplicateIsHeld(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		first, err := s.Record(ctx, gift(1, fund.Card, ref("pi_rtCOLL")))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Record(ctx, gift(1, fund.Card, ref("pi_rtCOLL")))
		var ce *fund.ConflictError
		if !errors.Is(err, fund.ErrDuplicate) || errors.As(err, &ce) {
			t.Fatalf("the same gift again: %v, want plain ErrDuplicate", err)
		}
		attempts := []fund.Entry{
			gift(500, fund.Card, ref("pi_rtCOLL")),
			gift(500, fund.Card, ref("pi_rtCOLL")), // redelivered: held once
			gift(1, fund.Cheque, ref("pi_rtCOLL")),
			{Amount: money1250p(), Method: fund.Card, ProviderRef: "pi_rtCOLL", RecordedBy: fund.ProviderRecorder},
		}
		attempts[3].Amount.Currency = "EUR"
		for i, a := range attempts {
			got, err := s.Record(ctx, a)
			if !errors.As(err, &ce) || !errors.Is(err, fund.ErrDuplicate) || got.ID != first.ID || ce.Stored.ID != first.ID {
				t.Fatalf("attempt %d: %+v %v; want a ConflictError against entry %d", i, got, err, first.ID)
			}
		}
		holds, err := s.OpenHolds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(holds) != 3 {
			t.Fatalf("%d holds, want 3 (the redelivery held once): %+v", len(holds), holds)
		}
		h := holds[0]
		if h.Kind != fund.KindConflict || h.Stored.ID != first.ID || h.Stored.Amount != gbp(1) ||
			h.Attempted.Amount != gbp(500) || h.Attempted.ProviderRef != "pi_rtCOLL" || !strings.Contains(h.Reason, "pi_rtCOLL") {
			t.Fatalf("hold %+v", h)
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(1) || tot.Gifts != 1 {
			t.Fatalf("conflicts credited: %+v", tot)
		}
		if n, err := s.OpenHoldCount(ctx); err != nil || n != 3 {
			t.Fatalf("open count %d %v", n, err)
		}
		r, err := s.Check(ctx)
		if err != nil || r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "conflict") {
			t.Fatalf("check with open conflicts: %v %v", r.Problems, err)
		}
		if _, err := s.ResolveHold(ctx, h.ID, "  ", "treasurer"); err == nil {
			t.Fatal("resolved without a note")
		}
		for _, h := range holds {
			res, err := s.ResolveHold(ctx, h.ID, "the cheque was typed with Stripe's id; refunded the card", "treasurer")
			if err != nil || !res.Resolved {
				t.Fatalf("resolve %d: %+v %v", h.ID, res, err)
			}
		}
		if _, err := s.ResolveHold(ctx, h.ID, "again", "treasurer"); err == nil {
			t.Fatal("resolved twice")
		}
		if _, err := s.Record(ctx, gift(500, fund.Card, ref("pi_rtCOLL"))); !errors.As(err, &ce) {
			t.Fatalf("the resolved conflict offered again: %v", err)
		}
		if n, _ := s.OpenHoldCount(ctx); n != 0 {
			t.Fatalf("a resolved conflict reopened: %d open", n)
		}
		if r, err := s.Check(ctx); err != nil || !r.OK() {
			t.Fatalf("check after resolving: %v %v", r.Problems, err)
		}
	})
}

// TestConflictInBatchIsHeld: the import and the treasurer's form record
// through RecordBatch, which skips a true repeat but holds a conflict.
func TestConflictInBatchIsHeld(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if _, err := s.Record(ctx, gift(20, fund.Cheque, ref("chq-7"))); err != nil {
			t.Fatal(err)
		}
		b, err := s.RecordBatch(ctx, []fund.Entry{gift(20, fund.Cheque, ref("chq-7")), gift(200, fund.Cheque, ref("chq-7"))}, nil)
		if err != nil || len(b.Skipped) != 2 || b.Skipped[0].Conflict != nil || b.Skipped[1].Conflict == nil {
			t.Fatalf("batch: %+v %v", b, err)
		}
		if holds, err := s.OpenHolds(ctx); err != nil || len(holds) != 1 || holds[0].Attempted.Amount != gbp(200) {
			t.Fatalf("holds %+v %v", holds, err)
		}
	})
}
