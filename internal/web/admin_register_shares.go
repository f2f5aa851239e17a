package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

// shareChangePage is the secretary's form for a change to a member's holding:
// an allotment, a withdrawal, a cancellation or a transmission on death,
// read by society.ParseChange or ParseTransmission as the command line's
// shares commands are, so both refuse the same input.
type shareChangePage struct {
	adminFrame
	Kind string
	In   society.ShareInput
	// To and Estate are a transmission's nominee member or estate.
	To, Estate string
}

// Kinds are the changes the form records, in the order it offers them.
func (p *shareChangePage) Kinds() []society.Kind {
	return []society.Kind{society.Allotment, society.Withdrawal, society.Cancellation, society.Transmission}
}

// fieldKind is the id of the form's choice of change.
const fieldKind = "kind"

func (s *Server) adminSharesForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.societyOr404(); err != nil {
		return err
	}
	p := &shareChangePage{adminFrame: s.newAdminFrame(r, "Record a change to a holding")}
	p.In.Date = s.now().In(s.site.Location).Format(time.DateOnly)
	if m := r.URL.Query().Get("member"); m != "" {
		p.Notice = "Recorded in the share ledger for member " + m + "."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_register_shares", p)
}

// adminShares records the change typed; every refusal sits beside its
// field and nothing is recorded while there is one.
func (s *Server) adminShares(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &shareChangePage{adminFrame: s.newAdminFrame(r, "Record a change to a holding")}
	e := &p.Errors
	p.Kind = formValue(r, e, fieldKind, "The kind of change", 40)
	p.In = society.ShareInput{
		Member:      formValue(r, e, society.FieldMember, "The membership number", 40),
		Shares:      formValue(r, e, society.FieldShares, "The number of shares", 40),
		Date:        formValue(r, e, society.FieldDate, "The day", 40),
		Reason:      formValue(r, e, society.FieldReason, "The reason", 1000),
		Resolution:  formValue(r, e, society.FieldResolution, "The resolution", 400),
		NoticeGiven: formValue(r, e, society.FieldNotice, "The day notice was given", 40),
	}
	p.To = formValue(r, e, society.FieldNominee, "The nominee's number", 40)
	p.Estate = formValue(r, e, "estate", "The estate", 400)
	kind := society.Kind(p.Kind)
	switch kind {
	case society.Allotment, society.Withdrawal, society.Cancellation, society.Transmission:
	default:
		p.Errors.Add(fieldKind, "Choose the kind of change: allotment, withdrawal, cancellation or transmission.")
	}
	if len(p.Errors) > 0 && p.Errors.Of(fieldKind) == "" {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_shares", p)
	}
	// The typed values are checked even without a kind, so every field's
	// refusal shows at once; nothing is recorded while there is one.
	var record func() error
	by := account.ActorOf(currentAccount(r), clientIP(r))
	if kind == society.Transmission {
		t, err := society.ParseTransmission(society.TransmitInput{Member: p.In.Member, To: p.To, Estate: p.Estate,
			Date: p.In.Date, Reason: p.In.Reason}, s.now(), soc.Rules())
		p.Errors.addValidation(err, "")
		record = func() error { return soc.Transmit(r.Context(), t, by) }
	} else {
		c, err := society.ParseChange(kind, p.In, s.now(), soc.Rules())
		p.Errors.addValidation(err, "")
		record = func() error { _, err := soc.Apply(r.Context(), c, by); return err }
	}
	if len(p.Errors) == 0 {
		if err := record(); err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
		if len(p.Errors) == 0 {
			http.Redirect(w, r, "/admin/register/shares?member="+url.QueryEscape(strings.TrimSpace(p.In.Member)), http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_shares", p)
}
