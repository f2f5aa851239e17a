package society

import (
	"context"
	"fmt"
)

// AnnualReturn holds the figures the annual return (AR30) asks of the
// register for one financial year.
type AnnualReturn struct {
	Year int
	// From and To are the year's first and last days.
	From, To string
	// MembersStart counts members at the start of the year (the close of
	// the day before From); MembersEnd at the close of To.
	MembersStart, MembersEnd int64
	// CapitalStart and CapitalEnd are the share capital, in minor units,
	// at the same moments.
	CapitalStart, CapitalEnd int64
	// Admitted and Ceased count members who joined and left in the year.
	Admitted, Ceased int64
	// SharesIssued are allotted in the year; SharesWithdrawn repaid;
	// SharesCancelled cancelled by the board; SharesToEstates passed on
	// death to estates (shares passed to a nominee member stay issued).
	SharesIssued, SharesWithdrawn, SharesCancelled, SharesToEstates int64
}

// AnnualReturn computes the figures for the financial year that ends in
// year, by the rules' year end.
func (s *Service) AnnualReturn(ctx context.Context, year int) (AnnualReturn, error) {
	a := AnnualReturn{Year: year}
	a.From, a.To = s.rules.Year(year)
	var err error
	if a.MembersStart, a.CapitalStart, err = s.standing(ctx, a.From, false); err != nil {
		return a, err
	}
	if a.MembersEnd, a.CapitalEnd, err = s.standing(ctx, a.To, true); err != nil {
		return a, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN kind = 'allotment' THEN shares ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'withdrawal' THEN -shares ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'cancellation' THEN -shares ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'transmission' AND counterpart_member_id IS NULL THEN -shares ELSE 0 END), 0)
		FROM share_entries WHERE entry_on >= $1 AND entry_on <= $2`, a.From, a.To).
		Scan(&a.SharesIssued, &a.SharesWithdrawn, &a.SharesCancelled, &a.SharesToEstates)
	if err != nil {
		return a, fmt.Errorf("society: annual return: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE admitted_on >= $1 AND admitted_on <= $2`,
		a.From, a.To).Scan(&a.Admitted)
	if err != nil {
		return a, fmt.Errorf("society: annual return: %w", err)
	}
	// A member who ceased in the year is one whose holding was not zero
	// before From and is zero by To; members admitted and gone within
	// the year count too.
	a.Ceased = a.MembersStart + a.Admitted - a.MembersEnd
	return a, nil
}

// standing counts members and sums share capital at the close of day (or,
// with through false, of the day before it).
func (s *Service) standing(ctx context.Context, day string, through bool) (members, capital int64, err error) {
	op := "<"
	if through {
		op = "<="
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(paid), 0) FROM (
		SELECT SUM(shares) AS held, SUM(amount_minor) AS paid FROM share_entries
		WHERE entry_on `+op+` $1 GROUP BY member_id) h WHERE h.held > 0`, day).Scan(&members, &capital)
	if err != nil {
		return 0, 0, fmt.Errorf("society: standing at %s: %w", day, err)
	}
	return members, capital, nil
}
