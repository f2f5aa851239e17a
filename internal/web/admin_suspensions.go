package web

import (
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// suspensionForm keeps what the secretary typed in the suspension forms
// when they come back with an error: a new suspension, and a new end by
// the suspension's id.
type suspensionForm struct {
	StartsOn, EndsOn, Resolution string
	End, EndResolution           map[int64]string
}

// EndField and EndResolutionField are the ids of a suspension's end
// form's fields, so that an error sits beside the suspension it is about.
func (suspensionForm) EndField(id int64) string { return "ends_on-" + strconv.FormatInt(id, 10) }

// EndResolutionField is the id of the resolution field of id's end form.
func (suspensionForm) EndResolutionField(id int64) string {
	return "resolution-" + strconv.FormatInt(id, 10)
}

// adminSuspend records the board's suspension of withdrawals from a day,
// with an end or until further notice.
func (s *Server) adminSuspend(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newWithdrawalsPage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read that form.")
	}
	f := &p.Suspension
	f.StartsOn = formValue(r, &p.Errors, society.FieldStartsOn, "The first day", 40)
	f.EndsOn = formValue(r, &p.Errors, society.FieldEndsOn, "The end", 40)
	f.Resolution = formValue(r, &p.Errors, society.FieldResolution, "The resolution", 1000)
	if len(p.Errors) == 0 {
		in := society.SuspensionInput{StartsOn: f.StartsOn, EndsOn: f.EndsOn, Resolution: f.Resolution}
		susp, err := society.ParseSuspension(in, s.now(), s.society.Rules())
		if err == nil {
			_, err = s.society.Suspend(r.Context(), susp, account.ActorOf(currentAccount(r), clientIP(r)))
		}
		if err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
	}
	return s.afterSuspension(w, r, p, "suspended")
}

// adminSuspensionEnd gives suspension {id} a new end, or none (until
// further notice), by recording one that replaces it.
func (s *Server) adminSuspensionEnd(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newWithdrawalsPage(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read that form.")
	}
	f := &p.Suspension
	endField, resField := f.EndField(id), f.EndResolutionField(id)
	f.End = map[int64]string{id: formValue(r, &p.Errors, endField, "The end", 40)}
	f.EndResolution = map[int64]string{id: formValue(r, &p.Errors, resField, "The resolution", 1000)}
	if len(p.Errors) == 0 {
		end, res, err := society.ParseSuspensionEnd(f.End[id], f.EndResolution[id], s.now(), s.society.Rules())
		if err == nil {
			_, err = s.society.EndSuspension(r.Context(), id, end, res, account.ActorOf(currentAccount(r), clientIP(r)))
		}
		for _, v := range valid.All(err) {
			switch v.Field {
			case society.FieldResolution:
				p.Errors.Add(resField, v.Message)
			case society.FieldSuspension:
				// Replaced or over: its form is no longer on the page.
				p.Errors.Add(society.FieldSuspension, v.Message)
			default:
				p.Errors.Add(endField, v.Message)
			}
		}
		if err != nil && len(valid.All(err)) == 0 {
			return err
		}
	}
	return s.afterSuspension(w, r, p, "suspension-changed")
}

// afterSuspension shows the page again with the errors, or goes back to
// it with done.
func (s *Server) afterSuspension(w http.ResponseWriter, r *http.Request, p *withdrawalsPage, done string) error {
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_withdrawals", p)
	}
	http.Redirect(w, r, "/admin/register/withdrawals?done="+done, http.StatusSeeOther)
	return nil
}
