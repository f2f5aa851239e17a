package supporter

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/valid"
)

// newStripeService is a Service on d whose provider is stripe-mock.
func newStripeService(t *testing.T, d *db.DB) *Service {
	t.Helper()
	mock := testservers.StartStripeMock(t)
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return New(d, fund.New(d, time.UTC, time.Now), st, "The Daily Co-op", "http://paper.test")
}

// fields lists the fields an error refuses, in order.
func fields(err error) []string {
	var out []string
	for _, v := range valid.All(err) {
		out = append(out, v.Field)
	}
	return out
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCreatePlan: good plans reach Stripe (stripe-mock) and are stored;
// each kind of bad input is refused beside its field and stores nothing.
func TestCreatePlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStripeService(t, d)
		if _, err := s.CreatePlan(ctx, PlanInput{Name: "Monthly £5", Amount: "5", Interval: "month", By: "tr@paper.test"}); err != nil {
			t.Fatalf("first plan: %v", err)
		}
		cases := []struct {
			name   string
			in     PlanInput
			fields []string
			want   string // Describe() of the stored plan
		}{
			{"fixed yearly", PlanInput{Name: "Yearly", Amount: "£50", Interval: "year"}, nil, "£50 a year"},
			{"any amount from £3", PlanInput{Name: "Your choice", AnyAmount: true, Min: "3", Interval: "month"}, nil, "any amount from £3 a month"},
			{"any amount from the site minimum", PlanInput{Name: "Anything", AnyAmount: true, Interval: "month"}, nil, "any amount from £1 a month"},
			{"no name", PlanInput{Amount: "5", Interval: "month"}, []string{"name"}, ""},
			{"duplicate name, other case", PlanInput{Name: "monthly  £5", Amount: "6", Interval: "month"}, []string{"name"}, ""},
			{"below the minimum", PlanInput{Name: "Tiny", Amount: "0.50", Interval: "month"}, []string{"amount"}, ""},
			{"above the maximum", PlanInput{Name: "Huge", Amount: "1000.01", Interval: "month"}, []string{"amount"}, ""},
			{"not a number", PlanInput{Name: "Odd", Amount: "five", Interval: "month"}, []string{"amount"}, ""},
			{"zero", PlanInput{Name: "Zero", Amount: "0", Interval: "month"}, []string{"amount"}, ""},
			{"unknown interval", PlanInput{Name: "Weekly", Amount: "2", Interval: "week"}, []string{"interval"}, ""},
			{"any amount with a minimum too low", PlanInput{Name: "Pennies", AnyAmount: true, Min: "0.10", Interval: "month"}, []string{"min"}, ""},
			{"any amount and a fixed amount", PlanInput{Name: "Both", AnyAmount: true, Amount: "5", Interval: "month"}, []string{"amount"}, ""},
			{"everything wrong at once", PlanInput{Amount: "-1", Interval: "daily"}, []string{"name", "interval", "amount"}, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := countRows(t, d, "supporter_plans")
				p, err := s.CreatePlan(ctx, c.in)
				if got := fields(err); !slices.Equal(got, c.fields) {
					t.Fatalf("refused fields %v (%v), want %v", got, err, c.fields)
				}
				after := countRows(t, d, "supporter_plans")
				if c.fields != nil {
					if after != before {
						t.Fatalf("a refused plan changed the table: %d rows, then %d", before, after)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				stored, err := s.Plan(ctx, p.ID)
				if err != nil || stored.Describe() != c.want || stored.ProductID == "" || (stored.AnyAmount() != (stored.PriceID == "")) {
					t.Fatalf("stored %+v (%v), want %q with a product, and a price unless any amount", stored, err, c.want)
				}
			})
		}
	})
}
