package fund

import (
	"context"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/money"
)

// Totals is a month's result, summed from the ledger itself.
type Totals struct {
	Month       string
	Target      money.Money
	Raised      money.Money
	StillNeeded money.Money
	// Gifts counts entries with a positive amount; Reversals the others.
	Gifts     int
	Reversals int
	// ByMethod lists every method that has entries, in Methods order.
	ByMethod []MethodTotal
}

// MethodTotal is the net amount and number of gifts by one method.
type MethodTotal struct {
	Method Method
	Amount money.Money
	Gifts  int
}

// Totals sums month's ledger; it returns db.ErrNotFound when the month has
// no campaign.
func (s *Service) Totals(ctx context.Context, month string) (Totals, error) {
	c, err := s.Campaign(ctx, month)
	if err != nil {
		return Totals{}, err
	}
	cur := c.Target.Currency
	t := Totals{Month: month, Target: c.Target, Raised: money.Zero(cur), StillNeeded: money.Zero(cur)}
	rows, err := s.db.QueryContext(ctx, `SELECT method, COALESCE(SUM(amount_minor), 0),
		SUM(CASE WHEN amount_minor > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN amount_minor < 0 THEN 1 ELSE 0 END)
		FROM ledger_entries WHERE campaign_id = $1 GROUP BY method`, c.ID)
	if err != nil {
		return Totals{}, fmt.Errorf("fund: totals %s: %w", month, err)
	}
	defer rows.Close()
	by := map[Method]MethodTotal{}
	for rows.Next() {
		var method string
		var sum int64
		var gifts, reversals int
		if err := rows.Scan(&method, &sum, &gifts, &reversals); err != nil {
			return Totals{}, fmt.Errorf("fund: totals %s: %w", month, err)
		}
		by[Method(method)] = MethodTotal{Method: Method(method), Amount: money.New(sum, cur), Gifts: gifts}
		t.Gifts += gifts
		t.Reversals += reversals
		if t.Raised, err = t.Raised.Add(money.New(sum, cur)); err != nil {
			return Totals{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return Totals{}, err
	}
	for _, m := range Methods() {
		if mt, ok := by[m]; ok {
			t.ByMethod = append(t.ByMethod, mt)
		}
	}
	if t.Target.Minor > t.Raised.Minor {
		t.StillNeeded.Minor = t.Target.Minor - t.Raised.Minor
	}
	return t, nil
}

// Day is one day's net take, for the month's chart.
type Day struct {
	// Date is midnight at the start of the day in the publication's zone.
	Date   time.Time
	Amount money.Money
	Gifts  int
}

// Days gives every day of month with the net amount received that day in
// the publication's zone, so the days always add up to the month's raised.
// A reversal recorded after the month ended is counted on its last day.
func (s *Service) Days(ctx context.Context, month string) ([]Day, error) {
	start, err := ParseMonth(month, s.loc)
	if err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, month)
	if err != nil {
		return nil, err
	}
	entries, err := s.Entries(ctx, month)
	if err != nil {
		return nil, err
	}
	n := time.Date(start.Year(), start.Month()+1, 0, 0, 0, 0, 0, s.loc).Day()
	days := make([]Day, n)
	for i := range days {
		days[i] = Day{Date: time.Date(start.Year(), start.Month(), i+1, 0, 0, 0, 0, s.loc), Amount: money.Zero(c.Target.Currency)}
	}
	for _, e := range entries {
		local := e.ReceivedAt.In(s.loc)
		i := local.Day() - 1
		if local.Before(start) {
			i = 0
		} else if local.Format("2006-01") != month {
			i = n - 1
		}
		if days[i].Amount, err = days[i].Amount.Add(e.Amount); err != nil {
			return nil, fmt.Errorf("fund: days %s: entry %d: %w", month, e.ID, err)
		}
		if e.Amount.Minor > 0 {
			days[i].Gifts++
		}
	}
	return days, nil
}

// Box is the current month's box read from the database, creating the
// month's campaign if needed; pages use Snapshot().Box instead.
func (s *Service) Box(ctx context.Context) (Box, error) {
	now := s.now()
	c, err := s.EnsureCampaign(ctx, s.MonthOf(now))
	if err != nil {
		return Box{}, err
	}
	t, err := s.Totals(ctx, c.Month)
	if err != nil {
		return Box{}, err
	}
	return ComputeBox(t.Target, t.Raised, now, s.loc), nil
}
