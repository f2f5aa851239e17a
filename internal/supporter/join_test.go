package supporter

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestJoin: a good request becomes a Stripe Checkout (stripe-mock) in
// subscription mode, stored as a checkout for purpose supporter and a
// pending subscription before the reader is sent to pay; a bad one is
// refused beside each field at fault and stores nothing.
func TestJoin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStripeService(t, d)
		fixed, err := s.CreatePlan(ctx, PlanInput{Name: "Monthly £5", Amount: "5", Interval: "month"})
		if err != nil {
			t.Fatal(err)
		}
		anyAmount, err := s.CreatePlan(ctx, PlanInput{Name: "Your choice", AnyAmount: true, Min: "3", Interval: "month"})
		if err != nil {
			t.Fatal(err)
		}
		fixedID, anyID := strconv.FormatInt(fixed.ID, 10), strconv.FormatInt(anyAmount.ID, 10)
		cases := []struct {
			name   string
			in     JoinInput
			fields []string
			amount int64
		}{
			{"fixed plan", JoinInput{Plan: fixedID, Name: "Ann Reader", Email: "ann@reader.test"}, nil, 500},
			{"any amount", JoinInput{Plan: anyID, Amount: "7.50", Name: "Bo", Email: "bo@reader.test"}, nil, 750},
			{"unknown plan", JoinInput{Plan: "999", Name: "Cy", Email: "cy@reader.test"}, []string{"plan"}, 0},
			{"no plan", JoinInput{Name: "Cy", Email: "cy@reader.test"}, []string{"plan"}, 0},
			{"below the plan's minimum", JoinInput{Plan: anyID, Amount: "2", Name: "Di", Email: "di@reader.test"}, []string{"amount"}, 0},
			{"above the maximum", JoinInput{Plan: anyID, Amount: "5000", Name: "Di", Email: "di@reader.test"}, []string{"amount"}, 0},
			{"no amount on an any-amount plan", JoinInput{Plan: anyID, Name: "Di", Email: "di@reader.test"}, []string{"amount"}, 0},
			{"no name", JoinInput{Plan: fixedID, Email: "ed@reader.test"}, []string{"name"}, 0},
			{"bad email", JoinInput{Plan: fixedID, Name: "Ed", Email: "ed at reader"}, []string{"email"}, 0},
			{"everything missing", JoinInput{}, []string{"plan", "name", "email"}, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				subs, checkouts := countRows(t, d, "subscriptions"), countRows(t, d, "checkouts")
				url, err := s.Join(ctx, c.in)
				if got := fields(err); !slices.Equal(got, c.fields) {
					t.Fatalf("refused fields %v (%v), want %v", got, err, c.fields)
				}
				if c.fields != nil {
					if countRows(t, d, "subscriptions") != subs || countRows(t, d, "checkouts") != checkouts {
						t.Fatal("a refused request stored something")
					}
					return
				}
				if err != nil || url == "" {
					t.Fatalf("join: %q %v", url, err)
				}
				var status, purpose string
				var amount int64
				err = d.QueryRowContext(ctx, `SELECT s.status, s.amount_minor, c.purpose FROM subscriptions s
					JOIN checkouts c ON c.session_id = s.checkout_session WHERE s.email = $1`, c.in.Email).Scan(&status, &amount, &purpose)
				if err != nil || status != string(Pending) || amount != c.amount || purpose != Purpose {
					t.Fatalf("stored %s %d for %q (%v); want pending %d for %q", status, amount, purpose, err, c.amount, Purpose)
				}
			})
		}
	})
}
