package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// fundDashboardPage is the treasurer's view of a month: raised against a
// straight pace line, by method, the largest gifts and the ledger check.
type fundDashboardPage struct {
	adminFrame
	Month, Label, PrevMonth, NextMonth string
	Totals                             fund.Totals
	// Pace is where a straight line from nothing to the target stands
	// after DaysElapsed of DaysInMonth days; Ahead is Raised − Pace, and
	// Behind its opposite when it is negative.
	Pace, Ahead, Behind      money.Money
	DaysElapsed, DaysInMonth int
	Days                     []paceDay
	Methods                  []methodRow
	Largest                  []fund.Entry
	Check                    fund.CheckReport
	Today                    string
	// NoteFor and Note are a refused resolution's hold and its note, to
	// show again.
	NoteFor int64
	Note    string
}

// paceDay is one row of the month's chart: the day's take, the running
// total and the pace line, with the total and the line as shares of the
// target for the bars.
type paceDay struct {
	Date                  time.Time
	Take, Raised, Pace    money.Money
	RaisedPct, PacePct    int
	Future, AbovePaceLine bool
}

// methodRow is one method's line of the month.
type methodRow struct {
	fund.MethodTotal
	Label   string
	Percent int
}

func (s *Server) adminFund(w http.ResponseWriter, r *http.Request) error {
	p, status, err := s.fundDashboard(r)
	if err != nil {
		return err
	}
	return s.renderAdmin(w, status, "admin_fund", p)
}

// fundDashboard builds the dashboard of the month r asks for, and the
// status to answer it with.
func (s *Server) fundDashboard(r *http.Request) (*fundDashboardPage, int, error) {
	l, err := s.ledger()
	if err != nil {
		return nil, 0, err
	}
	month, start, err := s.fundMonth(r)
	if err != nil {
		return nil, 0, err
	}
	ctx := r.Context()
	today := s.today()
	if month == today.Format("2006-01") {
		// The current month's campaign always exists, so the dashboard
		// never shows "no campaign" on the 1st before the rollover job.
		if _, err := l.EnsureCampaign(ctx, month); err != nil {
			return nil, 0, err
		}
	}
	p := &fundDashboardPage{adminFrame: s.newAdminFrame(r, "Fighting fund"), Month: month,
		Label: start.Format("January 2006"), PrevMonth: start.AddDate(0, -1, 0).Format("2006-01"),
		NextMonth: start.AddDate(0, 1, 0).Format("2006-01"), Today: today.Format("2006-01-02")}
	p.Title = "Fighting fund, " + p.Label
	if id := r.URL.Query().Get("resolved"); id != "" {
		p.Notice = "Marked " + id + " resolved; the note is in the audit log."
	}
	if p.Check, err = l.Check(ctx); err != nil {
		return nil, 0, err
	}
	t, err := l.Totals(ctx, month)
	if errors.Is(err, db.ErrNotFound) {
		p.Notice = "There is no campaign for " + p.Label + "."
		return p, http.StatusNotFound, nil
	}
	if err != nil {
		return nil, 0, err
	}
	p.Totals = t
	days, err := l.Days(ctx, month)
	if err != nil {
		return nil, 0, err
	}
	p.DaysInMonth = len(days)
	switch {
	case today.Before(start):
		p.DaysElapsed = 0
	case today.Format("2006-01") == month:
		p.DaysElapsed = today.Day()
	default:
		p.DaysElapsed = p.DaysInMonth
	}
	p.Pace = pace(t.Target, p.DaysElapsed, p.DaysInMonth)
	if diff := t.Raised.Minor - p.Pace.Minor; diff >= 0 {
		p.Ahead = money.New(diff, t.Target.Currency)
	} else {
		p.Behind = money.New(-diff, t.Target.Currency)
	}
	p.Days = paceDays(days, t.Target, today)
	for _, m := range t.ByMethod {
		row := methodRow{MethodTotal: m, Label: methodLabel(m.Method)}
		if t.Raised.Minor > 0 && m.Amount.Minor > 0 {
			row.Percent = int(m.Amount.Minor * 100 / t.Raised.Minor)
		}
		p.Methods = append(p.Methods, row)
	}
	if p.Largest, err = l.Largest(ctx, month, 10); err != nil {
		return nil, 0, err
	}
	return p, http.StatusOK, nil
}

// pace is target × elapsed / days, rounded down to the penny, computed so
// that no real target can overflow.
func pace(target money.Money, elapsed, days int) money.Money {
	if days <= 0 {
		return money.Zero(target.Currency)
	}
	whole, part := target.Minor/int64(days), target.Minor%int64(days)
	return money.New(whole*int64(elapsed)+part*int64(elapsed)/int64(days), target.Currency)
}

// paceDays runs the month's days into a chart: the running total and the
// pace line at the end of each day, as shares of the target.
func paceDays(days []fund.Day, target money.Money, today time.Time) []paceDay {
	out := make([]paceDay, 0, len(days))
	var running int64
	for i, d := range days {
		running += d.Amount.Minor
		pd := paceDay{Date: d.Date, Take: d.Amount, Raised: money.New(running, target.Currency),
			Pace: pace(target, i+1, len(days)), Future: d.Date.After(today)}
		pd.RaisedPct, pd.PacePct = share(running, target.Minor), share(pd.Pace.Minor, target.Minor)
		pd.AbovePaceLine = running >= pd.Pace.Minor
		out = append(out, pd)
	}
	return out
}

// share is part as a whole percentage of total, held between 0 and 100
// for a bar.
func share(part, total int64) int {
	if total <= 0 || part <= 0 {
		return 0
	}
	if part >= total {
		return 100
	}
	return int(part * 100 / total)
}
