package supporter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// MaxFollowUp is how many failing supporters the report lists, the
// longest failing first; Report.Failing counts them all.
const MaxFollowUp = 200

// Report is the treasurer's view of the supporters.
type Report struct {
	// Groups count the supporters still giving (active, failing or
	// paused) by plan and method.
	Groups []Group
	// MonthlyIncome is what active and failing supporters give a month, a
	// yearly plan counting a twelfth of its total (rounded down to the
	// penny).
	MonthlyIncome money.Money
	// Counts by status, pending checkouts left out.
	Active, Paused, Failing, Lapsed, Cancelled int
	// FollowUp lists failing supporters, the longest failing first, at
	// most MaxFollowUp of them.
	FollowUp []Subscription
	// Months counts new and ended supporters per month, in the
	// publication's zone, the latest last: the last twelve months.
	Months []MonthCount
}

// Group is the supporters on one plan paying one way.
type Group struct {
	Plan     string
	Interval string
	Method   Method
	Count    int
	// Monthly is what the group gives a month (active and failing).
	Monthly money.Money
}

// MonthCount is one month of joining and leaving.
type MonthCount struct {
	// Month is "2026-11".
	Month string
	New   int
	// Ended counts lapsed and cancelled supporters.
	Ended int
}

// Report reads the supporters as of now, months counted in loc. The
// sums are made by the database, so that the page costs the same for a
// hundred supporters as for a hundred thousand.
func (s *Service) Report(ctx context.Context, loc *time.Location) (Report, error) {
	r := Report{MonthlyIncome: money.Zero(s.limits.Min.Currency)}
	if err := s.tally(ctx, &r); err != nil {
		return r, err
	}
	var err error
	r.FollowUp, err = s.listSubscriptions(ctx, "s.status = 'failing' ORDER BY s.status_at, s.id LIMIT "+fmt.Sprint(MaxFollowUp))
	if err != nil {
		return r, err
	}
	r.Months, err = s.months(ctx, loc, 12)
	return r, err
}

// tally counts and sums the subscriptions by plan, method and status.
// The plans are named here rather than joined in SQL, so that the sums
// come from the subscriptions_tally index alone.
func (s *Service) tally(ctx context.Context, r *Report) error {
	plans, err := s.Plans(ctx)
	if err != nil {
		return err
	}
	planOf := map[int64]Plan{}
	for _, p := range plans {
		planOf[p.ID] = p
	}
	rows, err := s.db.QueryContext(ctx, `SELECT plan_id, method, status, currency, COUNT(*), COALESCE(SUM(amount_minor), 0)
		FROM subscriptions WHERE status <> 'pending' GROUP BY plan_id, method, status, currency`)
	if err != nil {
		return fmt.Errorf("supporter: tally: %w", err)
	}
	defer rows.Close()
	groups := map[[3]string]*Group{}
	for rows.Next() {
		var g Group
		var planID int64
		var status Status
		var cur string
		var sum int64
		if err := rows.Scan(&planID, &g.Method, &status, &cur, &g.Count, &sum); err != nil {
			return fmt.Errorf("supporter: read tally: %w", err)
		}
		g.Plan, g.Interval = planOf[planID].Name, planOf[planID].Interval
		switch status {
		case Active:
			r.Active += g.Count
		case Paused:
			r.Paused += g.Count
		case Failing:
			r.Failing += g.Count
		case Lapsed:
			r.Lapsed += g.Count
		case Cancelled:
			r.Cancelled += g.Count
		}
		if status != Active && status != Failing && status != Paused {
			continue
		}
		key := [3]string{g.Plan, g.Interval, string(g.Method)}
		if groups[key] == nil {
			groups[key] = &Group{Plan: g.Plan, Interval: g.Interval, Method: g.Method, Monthly: money.Zero(cur)}
		}
		groups[key].Count += g.Count
		if status == Paused {
			continue
		}
		if g.Interval == "year" {
			sum /= 12
		}
		groups[key].Monthly.Minor += sum
		if cur == r.MonthlyIncome.Currency {
			r.MonthlyIncome.Minor += sum
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, g := range groups {
		r.Groups = append(r.Groups, *g)
	}
	slices.SortFunc(r.Groups, func(a, b Group) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if c := strings.Compare(a.Plan, b.Plan); c != 0 {
			return c
		}
		return strings.Compare(string(a.Method), string(b.Method))
	})
	return nil
}

// months counts the subscriptions that joined and that ended (lapsed or
// cancelled) in each of the last n months, by their joined_at and
// ended_at (see markFirst). The month boundaries are computed here in
// loc, so no engine's date functions are needed, and each count is a
// range of an index.
func (s *Service) months(ctx context.Context, loc *time.Location, n int) ([]MonthCount, error) {
	now := s.now().In(loc)
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, loc)
	out := make([]MonthCount, n)
	args := make([]any, n+1)
	var cols []string
	for i := range n + 1 {
		args[i] = db.UTC(first.AddDate(0, i, 0))
		if i == n {
			break
		}
		out[i].Month = first.AddDate(0, i, 0).Format("2006-01")
		for _, c := range []string{"joined_at", "ended_at"} {
			cols = append(cols, fmt.Sprintf("(SELECT COUNT(*) FROM subscriptions WHERE %s >= $%d AND %s < $%d)", c, i+1, c, i+2))
		}
	}
	counts := make([]int, 2*n)
	dest := make([]any, 2*n)
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := s.db.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", "), args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("supporter: count months: %w", err)
	}
	for i := range out {
		out[i].New, out[i].Ended = counts[2*i], counts[2*i+1]
	}
	return out, nil
}
