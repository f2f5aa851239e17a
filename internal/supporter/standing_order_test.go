package supporter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

func TestReferenceKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"anna-1", "ANNA1"},
		{" J. Smith 12 ", "JSMITH12"},
		{"COOP/2024/ÉLO", "COOP2024ÉLO"},
		{"--", ""},
	}
	for _, tt := range tests {
		if got := supporter.ReferenceKey(tt.in); got != tt.want {
			t.Errorf("ReferenceKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseOrderRefusesBadInput: each bad field is refused on its own
// name, with a message for the treasurer.
func TestParseOrderRefusesBadInput(t *testing.T) {
	good := supporter.OrderInput{Name: "Anna Jones", Email: "anna@example.org", Amount: "5", Frequency: "monthly",
		Reference: "ANNA-1", StartedOn: "2024-11-01"}
	tests := []struct {
		name        string
		edit        func(*supporter.OrderInput)
		field, want string
	}{
		{"no name", func(in *supporter.OrderInput) { in.Name = "  " }, "name", "Enter the supporter's name"},
		{"long name", func(in *supporter.OrderInput) { in.Name = strings.Repeat("a", 201) }, "name", "longer than 200"},
		{"bad email", func(in *supporter.OrderInput) { in.Email = "anna at home" }, "email", "Enter an email address"},
		{"no amount", func(in *supporter.OrderInput) { in.Amount = "" }, "amount", "Enter the amount"},
		{"zero amount", func(in *supporter.OrderInput) { in.Amount = "0" }, "amount", "more than zero"},
		{"negative amount", func(in *supporter.OrderInput) { in.Amount = "-5" }, "amount", "more than zero"},
		{"fraction of a penny", func(in *supporter.OrderInput) { in.Amount = "5.001" }, "amount", "two decimal places"},
		{"huge amount", func(in *supporter.OrderInput) { in.Amount = "2,000,000" }, "amount", "the most one payment can be"},
		{"words", func(in *supporter.OrderInput) { in.Amount = "five" }, "amount", "in figures"},
		{"euros", func(in *supporter.OrderInput) { in.Amount = "€5" }, "amount", "Write the amount in GBP"},
		{"weekly", func(in *supporter.OrderInput) { in.Frequency = "weekly" }, "frequency", "monthly, quarterly or yearly"},
		{"no frequency", func(in *supporter.OrderInput) { in.Frequency = "" }, "frequency", "monthly, quarterly or yearly"},
		{"no reference", func(in *supporter.OrderInput) { in.Reference = "" }, "reference", "Enter the reference"},
		{"punctuation only", func(in *supporter.OrderInput) { in.Reference = "-/-" }, "reference", "at least 4 letters or digits"},
		{"short reference", func(in *supporter.OrderInput) { in.Reference = "A-B C" }, "reference", "at least 4"},
		{"long reference", func(in *supporter.OrderInput) { in.Reference = "ABCDEFGHIJ 123456789" }, "reference", "more than 18"},
		{"bad day", func(in *supporter.OrderInput) { in.StartedOn = "01/11/2024" }, "started_on", "year-month-day"},
		{"old day", func(in *supporter.OrderInput) { in.StartedOn = "1999-12-31" }, "started_on", "too long ago"},
		{"far day", func(in *supporter.OrderInput) { in.StartedOn = "2026-01-01" }, "started_on", "more than a year ahead"},
	}
	loc := soLondon(t)
	if _, err := supporter.ParseOrder(good, "GBP", loc, soNow(t)); err != nil {
		t.Fatalf("the good order: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, err := supporter.ParseOrder(in, "GBP", loc, soNow(t))
			all := valid.All(err)
			if len(all) != 1 || all[0].Field != tt.field || !strings.Contains(all[0].Message, tt.want) {
				t.Fatalf("got %v; want one refusal of %s saying %q", err, tt.field, tt.want)
			}
		})
	}
	// Every fault at once, each beside its field.
	_, err := supporter.ParseOrder(supporter.OrderInput{}, "GBP", loc, soNow(t))
	if n := len(valid.All(err)); n != 4 {
		t.Fatalf("an empty form gave %d refusals, want 4 (name, amount, frequency, reference): %v", n, err)
	}
	// An empty start is today.
	o, err := supporter.ParseOrder(supporter.OrderInput{Name: "B", Amount: "£1,250.50", Frequency: " Yearly ", Reference: "b-2024"}, "GBP", loc, soNow(t))
	if err != nil || o.Amount.Minor != 125050 || o.Frequency != supporter.Yearly || o.ReferenceKey != "B2024" ||
		!o.StartedOn.Equal(time.Date(2024, 11, 20, 0, 0, 0, 0, loc)) {
		t.Fatalf("got %+v, %v", o, err)
	}
}

// TestStandingOrderLifecycle: references are unique among active orders,
// whatever their spacing and case; each change is kept in the history;
// a move that makes no sense is refused and changes nothing.
func TestStandingOrderLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, _ := soSetup(t, d)
		by := "treasurer@example.org"
		anna := soAdd(t, s, "Anna Jones", "5", "ANNA-2024")
		if anna.Status != supporter.OrderActive || anna.Amount.Minor != 500 || anna.ID == 0 {
			t.Fatalf("added %+v", anna)
		}
		taken := func(t *testing.T, err error) {
			t.Helper()
			v, ok := valid.As(err)
			if !ok || v.Field != "reference" || !errors.Is(err, supporter.ErrDuplicateReference) {
				t.Fatalf("got %v, want the reference refused as taken", err)
			}
		}
		in := supporter.OrderInput{Name: "Other", Amount: "3", Frequency: "quarterly", Reference: "anna 2024"}
		_, err := s.AddStandingOrder(ctx, in, by)
		taken(t, err)
		ben := soAdd(t, s, "Ben Smith", "10", "BEN-1")
		in.Reference = "anna2024"
		_, err = s.UpdateStandingOrder(ctx, ben.ID, in, by)
		taken(t, err)
		if got, _ := s.StandingOrder(ctx, ben.ID); got.Name != "Ben Smith" {
			t.Fatalf("a refused update changed the order: %+v", got)
		}

		// Lapsed orders do not hold their reference; resuming one whose
		// reference is taken is refused.
		if _, err := s.LapseStandingOrder(ctx, anna.ID, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LapseStandingOrder(ctx, anna.ID, by); err == nil {
			t.Fatal("lapsed twice")
		}
		anna2 := soAdd(t, s, "Anna J. (new order)", "6", "anna/2024")
		_, err = s.ResumeStandingOrder(ctx, anna.ID, by)
		taken(t, err)
		if _, err := s.CancelStandingOrder(ctx, anna2.ID, by); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ResumeStandingOrder(ctx, anna.ID, by); err != nil || got.Status != supporter.OrderActive {
			t.Fatalf("resume: %+v, %v", got, err)
		}
		for _, f := range []func() error{
			func() error { _, err := s.CancelStandingOrder(ctx, anna2.ID, by); return err },
			func() error { _, err := s.UpdateStandingOrder(ctx, anna2.ID, in, by); return err },
			func() error { _, err := s.ResumeStandingOrder(ctx, anna2.ID, by); return err },
		} {
			if _, ok := valid.As(f()); !ok {
				t.Fatal("a cancelled order was changed")
			}
		}
		if _, err := s.StandingOrder(ctx, 9999); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("missing order: %v", err)
		}
		if _, err := s.LapseStandingOrder(ctx, 9999, by); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("lapse a missing order: %v", err)
		}

		// Edits keep the status and land in the history, before and after.
		upd := supporter.OrderInput{Name: "Ben Smith", Email: "ben@example.org", Amount: "12.50", Frequency: "monthly", Reference: "BEN-1", StartedOn: "2024-01-01"}
		ben, err = s.UpdateStandingOrder(ctx, ben.ID, upd, by)
		if err != nil || ben.Amount.Minor != 1250 || ben.Email != "ben@example.org" || ben.Status != supporter.OrderActive {
			t.Fatalf("update: %+v, %v", ben, err)
		}
		h, err := s.OrderHistory(ctx, anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, c := range h {
			actions = append(actions, c.Action)
		}
		if strings.Join(actions, ",") != "added,lapsed,resumed" || h[0].Before != "" || !strings.Contains(h[1].After, `"status":"lapsed"`) ||
			h[1].ChangedBy != by {
			t.Fatalf("history %+v", h)
		}
		if n := soCount(t, d, "standing_order_changes"); n != 7 {
			t.Fatalf("%d history rows, want 7: three added, one each lapsed, cancelled, resumed, updated", n)
		}
		if _, err := d.ExecContext(ctx, "DELETE FROM standing_order_changes"); err == nil {
			t.Fatal("the history could be deleted")
		}
	})
}

// TestStandingOrderSummary: counts by status, and monthly income with a
// quarterly order counting a third and a yearly one a twelfth.
func TestStandingOrderSummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, clk := soSetup(t, d)
		add := func(name, amount, freq, ref string) supporter.StandingOrder {
			o, err := s.AddStandingOrder(ctx, supporter.OrderInput{Name: name, Amount: amount, Frequency: freq,
				Reference: ref, StartedOn: "2024-11-15"}, "t")
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		add("A", "5", "monthly", "AAAA1")
		add("B", "10", "quarterly", "BBBB1")
		add("C", "50", "yearly", "CCCC1")
		lapsed := add("D", "7", "monthly", "DDDD1")
		if _, err := s.LapseStandingOrder(ctx, lapsed.ID, "t"); err != nil {
			t.Fatal(err)
		}
		sum, err := s.Summary(ctx)
		// £5 + £10/3 (333p) + £50/12 (416p)
		if err != nil || sum.Active != 3 || sum.Lapsed != 1 || sum.Failing != 0 || sum.MonthlyIncome.Minor != 500+333+416 {
			t.Fatalf("summary %+v, %v", sum, err)
		}
		// A month on, nothing has been paid: every active order is failing.
		clk.Set(soNow(t).AddDate(0, 1, 0))
		if sum, err = s.Summary(ctx); err != nil || sum.Failing != 3 {
			t.Fatalf("a month on: %+v, %v", sum, err)
		}
	})
}
