package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

// admitPage is the secretary's form to admit a member with their first
// shares: the same checks as coopress member add, since both go through
// society.ParseAdmission and Service.Admit.
type admitPage struct {
	adminFrame
	In society.AdmitInput
}

// Classes and Uses are the choices the form offers.
func (p *admitPage) Classes() []society.Class {
	return []society.Class{society.Individual, society.Organisation}
}

// Uses are what a member's email may be used for.
func (p *admitPage) Uses() []society.EmailUse {
	return []society.EmailUse{society.EmailNotices, society.EmailNoticesAndNews, society.EmailNone}
}

func (s *Server) adminAdmitForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.societyOr404(); err != nil {
		return err
	}
	p := &admitPage{adminFrame: s.newAdminFrame(r, "Admit a member")}
	p.In.PaidOn = s.now().In(s.site.Location).Format(time.DateOnly)
	if n := r.URL.Query().Get("admitted"); n != "" {
		p.Notice = "Member " + n + " is admitted and on the register."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_register_admit", p)
}

// adminAdmit admits the member typed; every refusal sits beside its field
// and nothing is recorded while there is one.
func (s *Server) adminAdmit(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &admitPage{adminFrame: s.newAdminFrame(r, "Admit a member")}
	e := &p.Errors
	p.In = society.AdmitInput{
		Name:     formValue(r, e, society.FieldName, "The name", 400),
		Address:  formValue(r, e, society.FieldAddress, "The postal address", 1000),
		Email:    formValue(r, e, society.FieldEmail, "The email address", 400),
		EmailUse: formValue(r, e, society.FieldEmailUse, "What the email may be used for", 40),
		Class:    formValue(r, e, society.FieldClass, "The class", 40),
		Shares:   formValue(r, e, society.FieldShares, "The number of shares", 40),
		PaidOn:   formValue(r, e, society.FieldDate, "The day admitted", 40),
		Number:   formValue(r, e, society.FieldNumber, "The membership number", 40),
	}
	if len(p.Errors) == 0 {
		a, err := society.ParseAdmission(p.In, s.now(), soc.Rules())
		var m society.Member
		if err == nil {
			m, err = soc.Admit(r.Context(), a, account.ActorOf(currentAccount(r), clientIP(r)))
		}
		if err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
		if err == nil {
			http.Redirect(w, r, "/admin/register/admit?admitted="+strconv.FormatInt(m.Number, 10), http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_admit", p)
}
