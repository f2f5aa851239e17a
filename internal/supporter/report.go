package supporter

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/coopress/coopress/internal/money"
)

// Report is the treasurer's view of the supporters.
type Report struct {
	// Groups count the supporters still giving (active, failing or
	// paused) by plan and method.
	Groups []Group
	// MonthlyIncome is what active and failing supporters give a month, a
	// yearly plan counting a twelfth (rounded down to the penny).
	MonthlyIncome money.Money
	// Counts by status, pending checkouts left out.
	Active, Paused, Failing, Lapsed, Cancelled int
	// FollowUp lists the failing supporters, oldest failure first.
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

// monthly is what sub gives a month.
func monthly(sub Subscription) int64 {
	if sub.PlanInterval == "year" {
		return sub.Amount.Minor / 12
	}
	return sub.Amount.Minor
}

// Report reads the supporters as of now, months counted in loc.
func (s *Service) Report(ctx context.Context, loc *time.Location) (Report, error) {
	subs, err := s.Subscriptions(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{MonthlyIncome: money.Zero(s.limits.Min.Currency)}
	groups := map[[3]string]*Group{}
	for _, sub := range subs {
		switch sub.Status {
		case Active:
			r.Active++
		case Paused:
			r.Paused++
		case Failing:
			r.Failing++
			r.FollowUp = append(r.FollowUp, sub)
		case Lapsed:
			r.Lapsed++
		case Cancelled:
			r.Cancelled++
		}
		if sub.Status != Active && sub.Status != Failing && sub.Status != Paused {
			continue
		}
		key := [3]string{sub.PlanName, sub.PlanInterval, string(sub.Method)}
		g := groups[key]
		if g == nil {
			g = &Group{Plan: sub.PlanName, Interval: sub.PlanInterval, Method: sub.Method, Monthly: money.Zero(sub.Amount.Currency)}
			groups[key] = g
		}
		g.Count++
		if sub.Status != Paused {
			g.Monthly.Minor += monthly(sub)
			if sub.Amount.Currency == r.MonthlyIncome.Currency {
				r.MonthlyIncome.Minor += monthly(sub)
			}
		}
	}
	for _, g := range groups {
		r.Groups = append(r.Groups, *g)
	}
	slices.SortFunc(r.Groups, func(a, b Group) int {
		if c := b.Count - a.Count; c != 0 {
			return c
		}
		if a.Plan != b.Plan {
			if a.Plan < b.Plan {
				return -1
			}
			return 1
		}
		if a.Method < b.Method {
			return -1
		}
		return 1
	})
	slices.SortFunc(r.FollowUp, func(a, b Subscription) int { return a.StatusAt.Compare(b.StatusAt) })
	r.Months, err = s.months(ctx, loc, 12)
	return r, err
}

// months counts the subscriptions that joined and that ended in each of
// the last n months. A subscription is counted once per kind, in the month
// of its first such event, however many webhooks said so.
func (s *Service) months(ctx context.Context, loc *time.Location, n int) ([]MonthCount, error) {
	now := s.now().In(loc)
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, loc)
	// The first time per subscription and kind is found here rather than
	// with MIN() in SQL: SQLite returns an aggregate of a timestamp as
	// text, which would need parsing per engine.
	rows, err := s.db.QueryContext(ctx, `SELECT subscription_id, kind, happened_at FROM subscription_history
		WHERE kind IN ('joined', 'lapsed', 'cancelled')`)
	if err != nil {
		return nil, fmt.Errorf("supporter: count months: %w", err)
	}
	defer rows.Close()
	type key struct {
		sub   int64
		ended bool
	}
	firsts := map[key]time.Time{}
	for rows.Next() {
		var k key
		var kind string
		var at time.Time
		if err := rows.Scan(&k.sub, &kind, &at); err != nil {
			return nil, fmt.Errorf("supporter: read months: %w", err)
		}
		k.ended = kind != "joined"
		if t, ok := firsts[k]; !ok || at.Before(t) {
			firsts[k] = at
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]MonthCount, n)
	index := map[string]int{}
	for i := range out {
		out[i].Month = first.AddDate(0, i, 0).Format("2006-01")
		index[out[i].Month] = i
	}
	for k, at := range firsts {
		i, ok := index[at.In(loc).Format("2006-01")]
		switch {
		case !ok:
		case k.ended:
			out[i].Ended++
		default:
			out[i].New++
		}
	}
	return out, nil
}
