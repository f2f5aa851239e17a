package fund_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func TestCompareDuplicate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if _, err := s.Record(ctx, gift(12, fund.BankTransfer, ref("BT-001"))); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			again   fund.Entry
			wantErr string // empty: a harmless repeat
		}{
			{"same gift", gift(12, fund.BankTransfer, ref("BT-001")), ""},
			{"same gift, other donor details", gift(12, fund.BankTransfer, ref("BT-001"), public("J", "Leeds")), ""},
			{"other amount", gift(99, fund.BankTransfer, ref("BT-001")), "is already recorded as entry 1, £12 by bank-transfer on 6 Nov 2024; this gift, £99 by bank-transfer, differs"},
			{"other method", gift(12, fund.Cheque, ref("BT-001")), "this gift, £12 by cheque, differs"},
			{"other currency", fund.Entry{Amount: money.Major(12, "EUR"), Method: fund.BankTransfer, ProviderRef: "BT-001", RecordedBy: "t"}, "this gift, €12 by bank-transfer"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				stored, err := s.Record(ctx, tc.again)
				if !errors.Is(err, fund.ErrDuplicate) && tc.name != "other currency" {
					t.Fatalf("Record: %v", err)
				}
				if tc.name == "other currency" {
					// A currency the campaign does not take is refused
					// before the reference is looked at; compare directly.
					stored, _ = s.Record(ctx, gift(12, fund.BankTransfer, ref("BT-001")))
				}
				err = fund.CompareDuplicate(stored, tc.again)
				if tc.wantErr == "" {
					if err != nil {
						t.Fatalf("a repeat was called a conflict: %v", err)
					}
					return
				}
				var ce *fund.ConflictError
				if !errors.As(err, &ce) || !errors.Is(err, fund.ErrDuplicate) || !strings.Contains(err.Error(), tc.wantErr) ||
					ce.Stored.ID != 1 || ce.Attempted.Amount != tc.again.Amount {
					t.Fatalf("%v; want a ConflictError with %q", err, tc.wantErr)
				}
			})
		}
		if tot, err := s.Totals(ctx, "2024-11"); err != nil || tot.Raised != gbp(12) || tot.Gifts != 1 {
			t.Errorf("after the duplicates: %+v %v", tot, err)
		}
	})
}

func TestOriginOfTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		steps := []struct {
			do    func() error
			month string
			want  fund.TargetOrigin
		}{
			{func() error { _, err := s.EnsureCampaign(ctx, "2024-10"); return err }, "2024-10", fund.TargetIsDefault},
			{func() error { _, err := s.SetTarget(ctx, "2024-11", gbp(20000), "t"); return err }, "2024-11", fund.TargetSet},
			{func() error { _, err := s.EnsureCampaign(ctx, "2024-12"); return err }, "2024-12", fund.TargetCarried},
			{func() error { return nil }, "2024-10", fund.TargetIsDefault},
		}
		for i, st := range steps {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			if got, err := s.OriginOfTarget(ctx, st.month); err != nil || got != st.want {
				t.Errorf("step %d: %s target is %q (%v), want %q", i, st.month, got, err, st.want)
			}
		}
	})
}
