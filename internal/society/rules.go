// Package society keeps the co-operative society that owns the paper: its
// members, the append-only share ledger, the register of members (s.30 of
// the Co-operative and Community Benefit Societies Act 2014) as of any
// date, and the annual return's figures.
//
// Share money is capital, not a gift: nothing here touches the fighting
// fund, and the package does not import it.
package society

import (
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/money"
)

// StatutoryIndividualCap is the most an individual may hold in
// withdrawable shares under the 2014 Act (s.24), in pence.
const StatutoryIndividualCap int64 = 100_000_00

// NorthernIrelandIndividualCap is the statutory limit for a society
// registered in Northern Ireland, in pence.
const NorthernIrelandIndividualCap int64 = 20_000_00

// Rules are the society's own rules where the Act leaves the choice to
// them. DefaultRules gives each its default; the Act's limits are checked
// by Validate.
type Rules struct {
	// Currency of the shares; GBP.
	Currency string
	// Nominal is the value of one share in minor units; 100 (£1).
	Nominal int64
	// MinimumShares is the least a member may hold; 1. A withdrawal
	// that would leave fewer must take every share, ending membership.
	MinimumShares int64
	// MaxIndividual caps an individual's holding in minor units:
	// StatutoryIndividualCap (£100,000) by default; a society in
	// Northern Ireland sets NorthernIrelandIndividualCap, and a
	// society's rules may set less (the Morning Star's: £20,000).
	MaxIndividual int64
	// MaxOrganisation caps a member society's or union's holding in
	// minor units; 0, the default, is no limit, as the Act sets none.
	MaxOrganisation int64
	// NoticeDays is the notice a member gives before a withdrawal is
	// paid; 0, the default, is none. With notice, a withdrawal must say
	// when notice was given.
	NoticeDays int
	// WithdrawalsSuspendedFrom, when not empty (YYYY-MM-DD), is the day
	// from which the board suspended withdrawals; none is paid on or
	// after it. Empty, the default, is not suspended.
	WithdrawalsSuspendedFrom string
	// YearEndMonth and YearEndDay are the last day of the financial year;
	// 31 December by default.
	YearEndMonth time.Month
	YearEndDay   int
	// Location is the society's zone, for "today"; Europe/London is the
	// caller's usual choice, UTC when nil.
	Location *time.Location
}

// DefaultRules are the rules a society gets until it sets its own.
func DefaultRules() Rules {
	return Rules{Currency: money.DefaultCurrency, Nominal: 100, MinimumShares: 1,
		MaxIndividual: StatutoryIndividualCap, YearEndMonth: time.December, YearEndDay: 31}
}

// Validate refuses rules the Act or arithmetic do not allow.
func (r Rules) Validate() error {
	switch {
	case !money.Known(r.Currency):
		return fmt.Errorf("society: rules: unknown currency %q", r.Currency)
	case r.Nominal <= 0:
		return fmt.Errorf("society: rules: a share's nominal value must be more than zero")
	case r.MinimumShares < 1:
		return fmt.Errorf("society: rules: the minimum holding must be at least one share")
	case r.MaxIndividual <= 0 || r.MaxIndividual > StatutoryIndividualCap:
		return fmt.Errorf("society: rules: an individual's limit must be more than zero and at most the statutory %s",
			money.New(StatutoryIndividualCap, r.Currency).Format())
	case r.MaxIndividual < r.MinimumShares*r.Nominal:
		return fmt.Errorf("society: rules: an individual's limit is less than the minimum holding")
	case r.MaxOrganisation < 0:
		return fmt.Errorf("society: rules: an organisation's limit cannot be negative (0 is no limit)")
	case r.NoticeDays < 0:
		return fmt.Errorf("society: rules: the withdrawal notice cannot be negative")
	}
	if r.WithdrawalsSuspendedFrom != "" {
		if _, err := time.Parse(time.DateOnly, r.WithdrawalsSuspendedFrom); err != nil {
			return fmt.Errorf("society: rules: withdrawals suspended from %q: write YYYY-MM-DD", r.WithdrawalsSuspendedFrom)
		}
	}
	if time.Date(2001, r.YearEndMonth, r.YearEndDay, 0, 0, 0, 0, time.UTC).Day() != r.YearEndDay || r.YearEndMonth < 1 || r.YearEndMonth > 12 {
		return fmt.Errorf("society: rules: the year end %d/%d is not a day of the year", r.YearEndDay, r.YearEndMonth)
	}
	return nil
}

// limit is the most a member of class may hold, in minor units; 0 is none.
func (r Rules) limit(c Class) int64 {
	if c == Organisation {
		return r.MaxOrganisation
	}
	return r.MaxIndividual
}

// today is the date in the society's zone.
func (r Rules) today(now time.Time) string {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

// Year is the financial year ending in year: its first and last days.
func (r Rules) Year(year int) (first, last string) {
	end := time.Date(year, r.YearEndMonth, r.YearEndDay, 0, 0, 0, 0, time.UTC)
	start := time.Date(year-1, r.YearEndMonth, r.YearEndDay, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	return start.Format(time.DateOnly), end.Format(time.DateOnly)
}
