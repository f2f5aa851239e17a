package supporter

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

// TestReport: supporters by plan and method, monthly income (a yearly
// plan counts a twelfth, a paused supporter nothing), the failing ones to
// follow up, and new and ended supporters per month, each counted once at
// its earliest event.
func TestReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, fund.New(d, time.UTC, time.Now), nil, "The Daily Co-op", "http://paper.test")
		five, year := seedPlan(t, d, "Monthly £5", 500, "month"), seedPlan(t, d, "Yearly £60", 6000, "year")
		now := time.Now().UTC()
		set := func(id int64, status Status, method Method) {
			_, err := d.ExecContext(ctx, `UPDATE subscriptions SET status = $1, method = $2, status_at = $3 WHERE id = $4`,
				string(status), string(method), db.UTC(now), id)
			if err != nil {
				t.Fatal(err)
			}
		}
		mark := func(id int64, column string, at time.Time) {
			if err := d.InTx(ctx, func(tx *sql.Tx) error { return markFirst(ctx, tx, column, id, at) }); err != nil {
				t.Fatal(err)
			}
		}
		a := seedActive(t, d, five, 500, "a", "a@r.test", 0)
		b := seedActive(t, d, five, 500, "b", "b@r.test", 0)
		set(b, Failing, DirectDebit)
		c := seedActive(t, d, five, 500, "c", "c@r.test", 0)
		set(c, Paused, Card)
		y := seedActive(t, d, year, 6000, "y", "y@r.test", 0)
		l := seedActive(t, d, five, 500, "l", "l@r.test", 0)
		set(l, Lapsed, Card)
		seedJoin(t, d, five, 500, "cs_pending", "p@r.test")
		lastMonth := time.Date(now.Year(), now.Month()-1, 15, 12, 0, 0, 0, time.UTC)
		for _, id := range []int64{a, b, c, y, l} {
			mark(id, "joined_at", lastMonth)
		}
		mark(l, "ended_at", now)
		mark(l, "ended_at", now.Add(time.Hour)) // Stripe said so again, later
		mark(a, "joined_at", now)               // a later joining does not move it

		r, err := s.Report(ctx, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if r.Active != 2 || r.Failing != 1 || r.Paused != 1 || r.Lapsed != 1 || r.Cancelled != 0 {
			t.Fatalf("counts %+v", r)
		}
		// £5 + £5 (failing still counts) + £60/12; the paused one gives nothing now.
		if r.MonthlyIncome.Minor != 1500 {
			t.Fatalf("monthly income %d, want 1500", r.MonthlyIncome.Minor)
		}
		if len(r.FollowUp) != 1 || r.FollowUp[0].ID != b {
			t.Fatalf("follow up %+v, want only %d", r.FollowUp, b)
		}
		want := map[[2]string]int{{"Monthly £5", "card"}: 2, {"Monthly £5", "direct-debit"}: 1, {"Yearly £60", "card"}: 1}
		if len(r.Groups) != len(want) {
			t.Fatalf("groups %+v", r.Groups)
		}
		for _, g := range r.Groups {
			if want[[2]string{g.Plan, string(g.Method)}] != g.Count {
				t.Fatalf("group %+v, want %v", g, want)
			}
		}
		last, prev := r.Months[len(r.Months)-1], r.Months[len(r.Months)-2]
		if last.New != 0 || last.Ended != 1 || prev.New != 5 || prev.Ended != 0 || len(r.Months) != 12 {
			t.Fatalf("months %+v", r.Months)
		}
	})
}
