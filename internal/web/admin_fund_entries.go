package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/fund"
)

// fundEntriesPage is a month's ledger, oldest first, with a form to
// reverse each gift that still counts.
type fundEntriesPage struct {
	adminFrame
	Month, Label, PrevMonth, NextMonth string
	Rows                               []ledgerRow
	// ReasonID and Reason keep a refused reversal's typed reason.
	ReasonID int64
	Reason   string
}

// ledgerRow is one entry with what became of it.
type ledgerRow struct {
	fund.Entry
	// ReversedBy is the reversing entry's id, 0 while the gift counts.
	ReversedBy  int64
	ReasonField string
}

func (s *Server) adminFundEntries(w http.ResponseWriter, r *http.Request) error {
	p := &fundEntriesPage{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("reversed"), 10, 64); err == nil {
		p.Notice = fmt.Sprintf("Entry %d has been reversed.", id)
	}
	return s.renderEntries(w, r, http.StatusOK, p)
}

// renderEntries fills p with the month's ledger and draws it.
func (s *Server) renderEntries(w http.ResponseWriter, r *http.Request, status int, p *fundEntriesPage) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	month, start, err := s.fundMonth(r)
	if err != nil {
		return err
	}
	notice, errs := p.Notice, p.Errors
	p.adminFrame = s.newAdminFrame(r, "Ledger, "+start.Format("January 2006"))
	p.Notice, p.Errors = notice, errs
	p.Month, p.Label = month, start.Format("January 2006")
	p.PrevMonth, p.NextMonth = start.AddDate(0, -1, 0).Format("2006-01"), start.AddDate(0, 1, 0).Format("2006-01")
	entries, err := l.Entries(r.Context(), month)
	if err != nil {
		return err
	}
	reversed := map[int64]int64{}
	for _, e := range entries {
		if e.ReversalOf != 0 {
			reversed[e.ReversalOf] = e.ID
		}
	}
	for _, e := range entries {
		p.Rows = append(p.Rows, ledgerRow{Entry: e, ReversedBy: reversed[e.ID], ReasonField: fmt.Sprintf("reason-%d", e.ID)})
	}
	return s.renderAdmin(w, status, "admin_fund_entries", p)
}

// adminFundReverse posts a reversing entry with the treasurer's reason:
// the ledger is never edited, only added to.
func (s *Server) adminFundReverse(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	orig, err := l.Entry(ctx, id)
	if err != nil {
		return err
	}
	// The ledger page of the entry's own month is where the form was.
	r.URL.RawQuery = "month=" + orig.Month
	field := fmt.Sprintf("reason-%d", id)
	p := &fundEntriesPage{ReasonID: id}
	p.Reason = formValue(r, &p.Errors, "reason", "The reason", 500)
	if len(p.Errors) == 0 {
		_, err := l.Reverse(ctx, id, p.Reason, recorder(r), func(ctx context.Context, tx *sql.Tx, rev fund.Entry) error {
			return s.audit(ctx, tx, r, "fund.reverse", "ledger_entry", strconv.FormatInt(id, 10), auditGift(orig), auditGift(rev))
		})
		var v valid.Error
		switch {
		case errors.As(err, &v):
			msg := sentence(v.Message)
			if v.Field == "reason" {
				msg = "Say why the gift is being reversed; the reason stays in the ledger."
			}
			p.Errors.Add(field, msg)
		case err != nil:
			return err
		default:
			http.Redirect(w, r, fmt.Sprintf("/admin/fund/entries?month=%s&reversed=%d", orig.Month, id), http.StatusSeeOther)
			return nil
		}
	} else {
		p.Errors = fieldErrors{{Field: field, Message: p.Errors[0].Message}}
	}
	return s.renderEntries(w, r, http.StatusUnprocessableEntity, p)
}

// receivedDate is the day an entry's money came, in the publication's zone.
func (s *Server) receivedDate(t time.Time) string { return t.In(s.site.Location).Format("2006-01-02") }
