package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
)

// FundReports is what the public fund page reads; *fund.Service has it.
type FundReports interface {
	MonthOf(t time.Time) string
	Totals(ctx context.Context, month string) (fund.Totals, error)
	Days(ctx context.Context, month string) ([]fund.Day, error)
	// MonthColumns gives every day's column of a month in one read.
	MonthColumns(ctx context.Context, month string) ([]fund.Column, error)
	Campaigns(ctx context.Context) ([]fund.Campaign, error)
}

// fundPageData is /fund: the month's progress, its days and the column.
type fundPageData struct {
	layout
	Month     string
	Label     string
	Totals    fund.Totals
	Percent   int
	Days      []fundDay
	MaxDay    int64
	Columns   []fund.Column
	Past      []fund.Campaign
	IsCurrent bool
}

// fundDay is one bar of the month's chart.
type fundDay struct {
	fund.Day
	Percent int
}

func (s *Server) fundPage(w http.ResponseWriter, r *http.Request) error {
	if s.fundReports == nil {
		return errNotFound
	}
	now := s.now()
	current := s.fundReports.MonthOf(now)
	month, start, err := monthParam(r, s.site.Location, current)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := fundPageData{layout: s.newLayout(r, "Fighting fund | "+s.site.Name), Month: month, IsCurrent: month == current}
	d.Description = "How the monthly fighting fund of " + s.site.Name + " stands, day by day, with thanks to every donor."
	t, err := s.fundReports.Totals(ctx, month)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	d.Totals = t
	d.Label = start.Format("January 2006")
	if t.Target.Minor > 0 {
		d.Percent = int(min(100, t.Raised.Minor*100/t.Target.Minor))
	}
	days, err := s.fundReports.Days(ctx, month)
	if err != nil {
		return err
	}
	today := now.In(s.site.Location).Format("2006-01-02")
	for _, day := range days {
		if d.IsCurrent && day.Date.Format("2006-01-02") > today {
			break
		}
		d.Days = append(d.Days, fundDay{Day: day})
		d.MaxDay = max(d.MaxDay, day.Amount.Minor)
	}
	for i := range d.Days {
		if d.MaxDay > 0 && d.Days[i].Amount.Minor > 0 {
			d.Days[i].Percent = int(max(1, d.Days[i].Amount.Minor*100/d.MaxDay))
		}
	}
	cols, err := s.fundReports.MonthColumns(ctx, month)
	if err != nil {
		return err
	}
	// The column runs newest day first, like the paper prints it.
	for i := min(len(d.Days), len(cols)) - 1; i >= 0; i-- {
		if d.Days[i].Gifts == 0 && d.Days[i].Amount.Minor == 0 {
			continue
		}
		d.Columns = append(d.Columns, cols[i])
	}
	camps, err := s.fundReports.Campaigns(ctx)
	if err != nil {
		return err
	}
	for _, c := range camps {
		if c.Month != month {
			d.Past = append(d.Past, c)
		}
	}
	if !d.IsCurrent {
		d.Canonical = s.site.BaseURL + "/fund?month=" + month
	} else {
		d.Canonical = s.site.BaseURL + "/fund"
	}
	p, err := s.tmpl.render("fund", &d)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=30")
	// One box for both: a gift arriving between two calls would make the
	// length disagree with the body.
	box := s.renderBox()
	w.Header().Set("Content-Length", strconv.Itoa(len(p.head)+len(p.tail)+len(box)))
	return p.writeTo(w, box)
}
