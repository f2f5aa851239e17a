package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// applicationsPage lists the applications for shares, those waiting for
// the secretary first, and card payments held for the secretary.
type applicationsPage struct {
	adminFrame
	Applications []society.Application
	Holds        []society.Hold
}

// Waiting counts the applications paid and not yet decided.
func (p *applicationsPage) Waiting() int {
	n := 0
	for _, a := range p.Applications {
		if a.Status() == society.Paid {
			n++
		}
	}
	return n
}

func (s *Server) adminApplications(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &applicationsPage{adminFrame: s.newAdminFrame(r, "Applications for shares")}
	if p.Applications, err = soc.Applications(r.Context()); err != nil {
		return err
	}
	if p.Holds, err = soc.Holds(r.Context()); err != nil {
		return err
	}
	return s.renderAdmin(w, http.StatusOK, "admin_applications", p)
}

// applicationPage is one application: its details, its life so far, any
// payment held against it, and the secretary's forms.
type applicationPage struct {
	adminFrame
	App   society.Application
	Holds []society.Hold
	// Returns are card payments that came after the rejection, which
	// coopress refunded itself.
	Returns []society.Return
	// Payment is the cheque or transfer form as typed.
	Method, Amount, Reference, Reason string
}

// Money writes an amount for the page.
func (p *applicationPage) Money(m money.Money) string { return m.FormatFull() }

// applicationNotices confirm a step after its redirect (?done=).
var applicationNotices = map[string]string{
	"paid":     "Payment recorded.",
	"approved": "Approved: the shares are allotted, and the confirmation is queued to the applicant's email address.",
	"rejected": "Rejected: the applicant is told, and any payment is refunded or marked for repayment.",
	"refunded": "The card payment is refunded.",
}

func (s *Server) adminApplication(w http.ResponseWriter, r *http.Request) error {
	return s.renderApplication(w, r, applicationNotices[r.URL.Query().Get("done")], nil, applicationPage{})
}

// renderApplication shows application {id} with notice or errs.
func (s *Server) renderApplication(w http.ResponseWriter, r *http.Request, notice string, errs fieldErrors, typed applicationPage) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := typed
	p.adminFrame = s.newAdminFrame(r, "Application SH-"+strconv.FormatInt(id, 10))
	p.Notice, p.Errors = notice, errs
	if p.App, err = soc.Application(r.Context(), id); errors.Is(err, society.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	if p.Amount == "" {
		p.Amount = p.App.Amount.Format()
	}
	if p.Returns, err = soc.Returns(r.Context(), id); err != nil {
		return err
	}
	all, err := soc.Holds(r.Context())
	if err != nil {
		return err
	}
	for _, h := range all {
		if h.ApplicationID == id {
			p.Holds = append(p.Holds, h)
		}
	}
	return s.renderAdmin(w, formStatus(errs), "admin_application", &p)
}

// applicationAction runs one of the secretary's steps on application
// {id}: done on success, the page again with the refusal beside its
// field otherwise.
// Refusals on fields the step's form does not have are shown beside its
// button, whose id is field.
func (s *Server) applicationAction(w http.ResponseWriter, r *http.Request, typed applicationPage, field string, own []string,
	step func(soc *society.Service, id int64) (notice string, err error)) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	notice, err := step(soc, id)
	if errors.Is(err, society.ErrNotFound) {
		return errNotFound
	}
	var errs fieldErrors
	for _, v := range valid.All(err) {
		f := field
		if slices.Contains(own, v.Field) {
			f = v.Field
		}
		errs.Add(f, v.Message)
	}
	if len(errs) > 0 {
		return s.renderApplication(w, r, "", errs, typed)
	}
	if errors.Is(err, society.ErrRefundPending) {
		s.log.Error("refund of a rejected share application", "application", id, "err", err)
		return s.renderApplication(w, r, "Rejected. The card payment could not be refunded just now; try “Refund the card payment” again in a while.", nil, applicationPage{})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/register/applications/"+strconv.FormatInt(id, 10)+"?done="+notice, http.StatusSeeOther)
	return nil
}

func (s *Server) adminApplicationPayment(w http.ResponseWriter, r *http.Request) error {
	var e fieldErrors
	typed := applicationPage{Method: formValue(r, &e, "method", "The way of paying", 20),
		Amount: formValue(r, &e, "amount", "The amount", 40), Reference: formValue(r, &e, "reference", "The reference", 400)}
	if len(e) > 0 {
		return s.renderApplication(w, r, "", e, typed)
	}
	own := []string{society.FieldMethod, society.FieldAmount, society.FieldReference}
	return s.applicationAction(w, r, typed, "record-payment", own, func(soc *society.Service, id int64) (string, error) {
		return "paid", soc.RecordPayment(r.Context(), id, society.PaymentInput{Method: typed.Method, Amount: typed.Amount,
			Reference: typed.Reference}, actor(r))
	})
}

func (s *Server) adminApplicationApprove(w http.ResponseWriter, r *http.Request) error {
	return s.applicationAction(w, r, applicationPage{}, "approve", nil, func(soc *society.Service, id int64) (string, error) {
		_, err := soc.Approve(r.Context(), id, actor(r))
		return "approved", err
	})
}

func (s *Server) adminApplicationReject(w http.ResponseWriter, r *http.Request) error {
	var e fieldErrors
	typed := applicationPage{Reason: formValue(r, &e, "reason", "The reason", 2000)}
	if len(e) > 0 {
		return s.renderApplication(w, r, "", e, typed)
	}
	return s.applicationAction(w, r, typed, "reject", []string{society.FieldReason}, func(soc *society.Service, id int64) (string, error) {
		_, err := soc.Reject(r.Context(), id, typed.Reason, actor(r))
		return "rejected", err
	})
}

func (s *Server) adminApplicationRefund(w http.ResponseWriter, r *http.Request) error {
	return s.applicationAction(w, r, applicationPage{}, "refund", nil, func(soc *society.Service, id int64) (string, error) {
		err := soc.Refund(r.Context(), id, actor(r))
		if err != nil && !isValidation(err) && !errors.Is(err, society.ErrNotFound) {
			s.log.Error("refund of a rejected share application", "application", id, "err", err)
			return "", valid.New("refund", "The card payment could not be refunded just now; please try again in a while.")
		}
		return "refunded", err
	})
}

// isValidation reports whether err carries a message for the person.
func isValidation(err error) bool { return len(valid.All(err)) > 0 }
