package supporter

import (
	"context"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// OrderSummary is what the standing orders add to the supporters' figures,
// so that they count as supporters wherever supporters are counted.
type OrderSummary struct {
	Active, Lapsed, Cancelled int
	// Failing counts the active orders whose payment is overdue.
	Failing int
	// MonthlyIncome is what the active orders bring in a month: a
	// quarterly order counts a third, a yearly one a twelfth, each rounded
	// down to the penny, as the subscriptions' figures do.
	MonthlyIncome money.Money
}

// Summary counts the standing orders by status and sums their monthly
// income in the fund's currency.
func (s *StandingOrders) Summary(ctx context.Context) (OrderSummary, error) {
	cur, err := s.Currency(ctx)
	if err != nil {
		return OrderSummary{}, err
	}
	orders, err := s.ListStandingOrders(ctx, ListAll)
	if err != nil {
		return OrderSummary{}, err
	}
	sum := OrderSummary{MonthlyIncome: money.Zero(cur)}
	for _, o := range orders {
		switch o.Status {
		case OrderActive:
			sum.Active++
			if o.Failing {
				sum.Failing++
			}
			if o.Amount.Currency == cur {
				sum.MonthlyIncome.Minor += o.Amount.Minor / int64(o.Frequency.Months())
			}
		case OrderLapsed:
			sum.Lapsed++
		case OrderCancelled:
			sum.Cancelled++
		}
	}
	return sum, nil
}

// Months counts the standing orders that started and that ended (lapsed
// or cancelled, by the day the treasurer recorded it) in each of the last
// n months in the orders' zone, so that the supporters' page charts them
// beside the subscriptions. An order lapsed, resumed and lapsed again
// counts as ending twice, as it did.
func (s *StandingOrders) Months(ctx context.Context, n int) ([]MonthCount, error) {
	now := s.now().In(s.loc)
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, s.loc)
	out := make([]MonthCount, n)
	index := map[string]int{}
	for i := range out {
		out[i].Month = first.AddDate(0, i, 0).Format("2006-01")
		index[out[i].Month] = i
	}
	end := first.AddDate(0, n, 0)
	// started_on is a local day written year-month-day, so its first seven
	// characters are its month and the range compares as text.
	rows, err := s.db.QueryContext(ctx, `SELECT started_on FROM standing_orders
		WHERE started_on >= $1 AND started_on < $2`, first.Format(dayLayout), end.Format(dayLayout))
	if err != nil {
		return nil, fmt.Errorf("supporter: standing orders started: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		if err := rows.Scan(&day); err != nil {
			return nil, err
		}
		if i, ok := index[day[:min(7, len(day))]]; ok {
			out[i].New++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ended, err := s.db.QueryContext(ctx, `SELECT changed_at FROM standing_order_changes
		WHERE action IN ('lapsed', 'cancelled') AND changed_at >= $1 AND changed_at < $2`, db.UTC(first), db.UTC(end))
	if err != nil {
		return nil, fmt.Errorf("supporter: standing orders ended: %w", err)
	}
	defer ended.Close()
	for ended.Next() {
		var at time.Time
		if err := ended.Scan(&at); err != nil {
			return nil, err
		}
		if i, ok := index[at.In(s.loc).Format("2006-01")]; ok {
			out[i].Ended++
		}
	}
	return out, ended.Err()
}
