package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// officersPage is the register of officers as of a day, kept apart from
// the register of members: those in office with a form each to record
// the end of their term, former officers below, and a form to record an
// appointment. Its forms go through society.ParseOfficer and
// ParseOfficeEnd, as coopress officer appoint and end do.
type officersPage struct {
	adminFrame
	AsOf            string
	Current, Former []society.Officer
	// In is the appointment typed, kept when the form comes back.
	In society.OfficerInput
	// EndDate and EndReason keep a typed end by appointment, and Ending
	// is the appointment whose end form came back with an error.
	EndDate, EndReason map[int64]string
}

// The ids of an officer's end form; each row has its own, so an error
// sits beside the field of the officer it is about.
func endDateField(id int64) string   { return "end-date-" + strconv.FormatInt(id, 10) }
func endReasonField(id int64) string { return "end-reason-" + strconv.FormatInt(id, 10) }

// fieldFormer is the id of the former officers' heading, where a refusal
// about an appointment that has ended already points.
const fieldFormer = "former"

// EndDateField and EndReasonField give a template the ids of a row's
// end form.
func (p *officersPage) EndDateField(id int64) string { return endDateField(id) }

// EndReasonField is the id of a row's reason for the end.
func (p *officersPage) EndReasonField(id int64) string { return endReasonField(id) }

// InError is the reason that ends an appointment recorded by mistake.
func (p *officersPage) InError() string { return society.ReasonInError }

// newOfficersPage reads the register as of ?as_of (today by default).
func (s *Server) newOfficersPage(r *http.Request) (*officersPage, error) {
	soc, err := s.societyOr404()
	if err != nil {
		return nil, err
	}
	today := s.now().In(s.site.Location).Format(time.DateOnly)
	p := &officersPage{adminFrame: s.newAdminFrame(r, "Register of officers"),
		EndDate: map[int64]string{}, EndReason: map[int64]string{}}
	p.AsOf = s.asOfParam(r, &p.Errors)
	p.In.On = today
	if p.Current, p.Former, err = soc.OfficerRegister(r.Context(), p.AsOf); err != nil {
		return nil, err
	}
	for _, o := range p.Current {
		p.EndDate[o.ID] = today
	}
	return p, nil
}

func (s *Server) adminOfficers(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newOfficersPage(r)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "appointed":
		p.Notice = "The appointment is in the register of officers."
	case "ended":
		p.Notice = "The end of the term is in the register of officers."
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_register_officers", p)
}

// adminOfficerAppoint records the appointment typed; every refusal sits
// beside its field and nothing is recorded while there is one.
func (s *Server) adminOfficerAppoint(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newOfficersPage(r)
	if err != nil {
		return err
	}
	e := &p.Errors
	p.In = society.OfficerInput{
		Name:    formValue(r, e, society.FieldName, "The name", 400),
		Office:  formValue(r, e, society.FieldOffice, "The office", 200),
		Address: formValue(r, e, society.FieldAddress, "The postal address", 1000),
		Member:  formValue(r, e, society.FieldMember, "The membership number", 40),
		On:      formValue(r, e, society.FieldDate, "The day appointed", 40),
	}
	if len(p.Errors) == 0 {
		a, err := society.ParseOfficer(p.In, s.now(), s.society.Rules())
		if err == nil {
			_, err = s.society.Appoint(r.Context(), a, account.ActorOf(currentAccount(r), clientIP(r)))
		}
		if err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
		if err == nil {
			http.Redirect(w, r, "/admin/register/officers?done=appointed", http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_officers", p)
}

// adminOfficerEnd records the end of the term of the appointment in the
// path. The typed values are checked before the appointment is looked
// up, so an empty form is refused beside its fields.
func (s *Server) adminOfficerEnd(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newOfficersPage(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	df, rf := endDateField(id), endReasonField(id)
	in := society.OfficeEndInput{Officer: strconv.FormatInt(id, 10),
		On:     formValue(r, &p.Errors, df, "The day the term ended", 40),
		Reason: formValue(r, &p.Errors, rf, "The reason", 1000)}
	p.EndDate[id], p.EndReason[id] = in.On, in.Reason
	if len(p.Errors) == 0 {
		end, err := society.ParseOfficeEnd(in, s.now(), s.society.Rules())
		if err == nil {
			_, err = s.society.EndOffice(r.Context(), end, account.ActorOf(currentAccount(r), clientIP(r)))
		}
		if errors.Is(err, society.ErrNotFound) {
			return errNotFound
		}
		for _, v := range valid.All(err) {
			field := map[string]string{society.FieldDate: df, society.FieldReason: rf}[v.Field]
			if field == "" {
				field = fieldFormer
			}
			p.Errors.Add(field, v.Message)
		}
		if err != nil && len(p.Errors) == 0 {
			return err
		}
		if err == nil {
			http.Redirect(w, r, "/admin/register/officers?done=ended", http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_officers", p)
}

// adminOfficersCSV is the register of officers as of a day as CSV, the
// file `coopress officers --format csv` writes.
func (s *Server) adminOfficersCSV(w http.ResponseWriter, r *http.Request) error {
	return s.registerCSV(w, r, "register-of-officers", (*society.Service).WriteOfficersCSV)
}

// adminOfficersPDF is the register of officers as of a day as PDF, the
// file `coopress officers --format pdf` writes: for printing or to hand
// to an auditor.
func (s *Server) adminOfficersPDF(w http.ResponseWriter, r *http.Request) error {
	return s.registerPDF(w, r, "register-of-officers", (*society.Service).WriteOfficersPDF)
}
