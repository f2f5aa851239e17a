package fund

import (
	"math"
	"time"

	"github.com/coopress/coopress/internal/money"
)

// Box is the appeal box printed at the foot of every page: "You've raised
// £5,047 — We need £12,963 — 25 days remaining".
type Box struct {
	// Month is the campaign, "2024-11"; MonthLabel is "November 2024".
	Month      string
	MonthLabel string
	Raised     money.Money
	Target     money.Money
	// StillNeeded is max(Target − Raised, 0).
	StillNeeded money.Money
	// Reached is true once Raised meets Target; Over is by how much.
	Reached bool
	Over    money.Money
	// DaysRemaining counts today: on 6 November it is 25, on the 30th 1.
	DaysRemaining int
	// Percent is Raised as a whole percentage of Target, capped at 100, for
	// the progress bar.
	Percent int
	// The amounts written as people write them, ready for a template.
	RaisedText      string
	TargetText      string
	StillNeededText string
	OverText        string
}

// ComputeBox works out the box for a month's target and raised total at now,
// with "today" and the month taken in loc. It is a pure function so the
// golden figures can be tested without a database.
func ComputeBox(target, raised money.Money, now time.Time, loc *time.Location) Box {
	local := now.In(loc)
	y, m, d := local.Date()
	// Day 0 of the next month is the last day of this one; computed on the
	// calendar, not by adding hours, so daylight saving cannot shift it.
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, loc).Day()
	cur := target.Currency
	if cur == "" {
		cur = raised.Currency
	}
	b := Box{
		Month:         local.Format("2006-01"),
		MonthLabel:    local.Format("January 2006"),
		Raised:        money.New(raised.Minor, cur),
		Target:        money.New(target.Minor, cur),
		StillNeeded:   money.Zero(cur),
		Over:          money.Zero(cur),
		DaysRemaining: last - d + 1,
	}
	if diff := target.Minor - raised.Minor; diff > 0 {
		b.StillNeeded.Minor = diff
	} else {
		b.Reached = true
		b.Over.Minor = -diff
	}
	switch {
	case b.Reached:
		b.Percent = 100
	case target.Minor > 0 && raised.Minor > 0:
		// Whole percent rounded down, in integers, so 99.9% never reads as
		// done. raised < target here, and far below 2^63/100 in any real fund.
		if raised.Minor < math.MaxInt64/100 {
			b.Percent = int(raised.Minor * 100 / target.Minor)
		}
	}
	b.RaisedText = b.Raised.Format()
	b.TargetText = b.Target.Format()
	b.StillNeededText = b.StillNeeded.Format()
	b.OverText = b.Over.Format()
	return b
}
