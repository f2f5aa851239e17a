package fund_test

import (
	"context"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func TestRecordAndTotals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		loc := london(t)
		gifts := []fund.Entry{
			gift(5000, fund.Card, ref("pi_1")),
			gift(20, fund.Cheque, public("", "Swansea")),
			gift(27, fund.StandingOrder),
		}
		for _, g := range gifts {
			if _, err := s.Record(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		tot, err := s.Totals(ctx, "2024-11")
		if err != nil {
			t.Fatal(err)
		}
		if tot.Raised != gbp(5047) || tot.Target != gbp(18010) || tot.StillNeeded != gbp(12963) || tot.Gifts != 3 {
			t.Fatalf("totals = %+v", tot)
		}
		want := []fund.MethodTotal{{fund.Card, gbp(5000), 1}, {fund.Cheque, gbp(20), 1}, {fund.StandingOrder, gbp(27), 1}}
		if len(tot.ByMethod) != len(want) {
			t.Fatalf("by method = %+v", tot.ByMethod)
		}
		for i := range want {
			if tot.ByMethod[i] != want[i] {
				t.Errorf("by method[%d] = %+v, want %+v", i, tot.ByMethod[i], want[i])
			}
		}
		b, err := s.Box(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.RaisedText != "£5,047" || b.StillNeededText != "£12,963" || b.DaysRemaining != 25 {
			t.Fatalf("box from the database = %+v", b)
		}
		// A cheque dated in October counts towards October's campaign,
		// which starts with the default target.
		oct, err := s.Record(ctx, gift(10, fund.Cheque, at(time.Date(2024, 10, 31, 23, 30, 0, 0, loc))))
		if err != nil || oct.Month != "2024-10" {
			t.Fatalf("October cheque: %+v %v", oct, err)
		}
		if _, err := s.Totals(ctx, "2023-01"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("totals of a month without a campaign: %v", err)
		}
	})
}

func TestRecordRefusesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		tests := []struct {
			name  string
			entry fund.Entry
			field string
		}{
			{"zero", fund.Entry{Amount: gbp(0), Method: fund.Cash, RecordedBy: "t"}, "amount"},
			{"negative", fund.Entry{Amount: gbp(-5), Method: fund.Cash, RecordedBy: "t"}, "amount"},
			{"huge", fund.Entry{Amount: money.New(money.MaxEntry+1, "GBP"), Method: fund.Cash, RecordedBy: "t"}, "amount"},
			{"wrong currency", fund.Entry{Amount: money.Major(5, "EUR"), Method: fund.Cash, RecordedBy: "t"}, "amount"},
			{"unknown currency", fund.Entry{Amount: money.Major(5, "XYZ"), Method: fund.Cash, RecordedBy: "t"}, "amount"},
			{"unknown method", fund.Entry{Amount: gbp(5), Method: "paypal", RecordedBy: "t"}, "method"},
			{"no recorder", fund.Entry{Amount: gbp(5), Method: fund.Cash}, "recorded_by"},
			{"bad email", fund.Entry{Amount: gbp(5), Method: fund.Cash, RecordedBy: "t", DonorEmail: "not an email"}, "donor_email"},
			{"future", fund.Entry{Amount: gbp(5), Method: fund.Cash, RecordedBy: "t", ReceivedAt: c.Now().Add(48 * time.Hour)}, "received_at"},
			{"reversal", fund.Entry{Amount: gbp(5), Method: fund.Cash, RecordedBy: "t", ReversalOf: 1}, "reversal_of"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Record(ctx, tt.entry)
				var ve valid.Error
				if !errors.As(err, &ve) || ve.Field != tt.field || ve.Message == "" {
					t.Fatalf("err = %v, want a valid.Error on %s", err, tt.field)
				}
			})
		}
		if tot, err := s.Totals(ctx, "2024-11"); err == nil && (tot.Gifts != 0 || tot.Raised.Minor != 0) {
			t.Fatalf("refused gifts were recorded: %+v", tot)
		}
	})
}

func TestDuplicateProviderRef(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		first, err := s.Record(ctx, gift(20, fund.Card, ref("pi_dup")))
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Record(ctx, gift(99, fund.Card, ref("pi_dup")))
		if !errors.Is(err, fund.ErrDuplicate) || again.ID != first.ID || again.Amount != gbp(20) {
			t.Fatalf("second record = %+v, %v; want entry %d and ErrDuplicate", again, err, first.ID)
		}
		tot, _ := s.Totals(ctx, "2024-11")
		if tot.Raised != gbp(20) {
			t.Fatalf("raised %s after a duplicate", tot.Raised)
		}
	})
}

func TestReverse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		g, err := s.Record(ctx, gift(50, fund.Cheque, public("J Smith", "Leeds")))
		if err != nil {
			t.Fatal(err)
		}
		keep, _ := s.Record(ctx, gift(7, fund.Cash))
		rev, err := s.Reverse(ctx, g.ID, "cheque bounced", "treasurer")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Amount != gbp(-50) || rev.ReversalOf != g.ID || rev.Month != "2024-11" || rev.Reason != "cheque bounced" {
			t.Fatalf("reversal = %+v", rev)
		}
		tot, _ := s.Totals(ctx, "2024-11")
		if tot.Raised != gbp(7) || tot.Gifts != 2 || tot.Reversals != 1 {
			t.Fatalf("totals after reversal = %+v", tot)
		}
		tests := []struct {
			name   string
			id     int64
			reason string
			is     error
			field  string
		}{
			{"twice", g.ID, "again", fund.ErrAlreadyReversed, "id"},
			{"a reversal", rev.ID, "undo", nil, "id"},
			{"no reason", keep.ID, " ", nil, "reason"},
			{"missing", 9999, "x", db.ErrNotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Reverse(ctx, tt.id, tt.reason, "treasurer")
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Fatalf("err = %v, want %v", err, tt.is)
				}
				var ve valid.Error
				if tt.field != "" && (!errors.As(err, &ve) || ve.Field != tt.field) {
					t.Fatalf("err = %v, want a valid.Error on %s", err, tt.field)
				}
			})
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(7) {
			t.Fatalf("refused reversals changed the total: %s", tot.Raised)
		}
	})
}

func TestTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if _, err := s.SetTarget(ctx, "2024-11", gbp(20000), "treasurer"); err != nil {
			t.Fatal(err)
		}
		// December starts from November's target, not the default.
		dec, err := s.EnsureCampaign(ctx, "2024-12")
		if err != nil || dec.Target != gbp(20000) {
			t.Fatalf("December = %+v, %v", dec, err)
		}
		tests := []struct {
			month  string
			target money.Money
			by     string
			field  string
		}{
			{"2024-13", gbp(1), "t", "month"},
			{"November", gbp(1), "t", "month"},
			{"2024-11", gbp(0), "t", "target"},
			{"2024-11", money.Major(5, "EUR"), "t", "target"},
			{"2024-11", gbp(5), "", "by"},
		}
		for _, tt := range tests {
			_, err := s.SetTarget(ctx, tt.month, tt.target, tt.by)
			var ve valid.Error
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("SetTarget(%s, %s, %q) = %v, want error on %s", tt.month, tt.target, tt.by, err, tt.field)
			}
		}
		var changes int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_target_changes`).Scan(&changes); err != nil || changes != 1 {
			t.Fatalf("%d target changes recorded, %v", changes, err)
		}
	})
}
