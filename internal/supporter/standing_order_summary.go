package supporter

import (
	"context"

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
