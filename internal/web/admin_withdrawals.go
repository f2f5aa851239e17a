package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
)

// withdrawalsPage lists members' requests to withdraw shares that wait
// for the secretary, each with its due day and a form to pay or reject.
type withdrawalsPage struct {
	adminFrame
	Requests []withdrawalRow
	Terms    society.WithdrawalTerms
	Today    string
	// Suspensions are the board's suspensions of withdrawals in force,
	// with the forms to record and end them (admin_suspensions.go).
	Suspensions []society.Suspension
	Suspension  suspensionForm
	// Reason keeps a typed rejection, by request id, when the form comes
	// back with an error.
	Reason map[int64]string
}

// withdrawalRow is one waiting request with what paying it would mean.
type withdrawalRow struct {
	society.WithdrawalRequest
	// Held is the member's holding now; Amount what paying would repay.
	Held   int64
	Amount string
	// Due says whether the notice has run by today; Suspended whether
	// the board's suspension stops payment today.
	Due, Suspended bool
}

// PayField and ReasonField are the ids of a row's form fields, so that
// an error sits beside the field of the request it is about.
func (w withdrawalRow) PayField() string { return "pay-" + strconv.FormatInt(w.ID, 10) }

// ReasonField is the id of the row's rejection reason.
func (w withdrawalRow) ReasonField() string { return "reason-" + strconv.FormatInt(w.ID, 10) }

func (s *Server) newWithdrawalsPage(r *http.Request) (*withdrawalsPage, error) {
	soc, err := s.societyOr404()
	if err != nil {
		return nil, err
	}
	p := &withdrawalsPage{adminFrame: s.newAdminFrame(r, "Withdrawals waiting"),
		Today: s.now().In(s.site.Location).Format("2006-01-02"), Reason: map[int64]string{}}
	if p.Terms, err = soc.WithdrawalTerms(r.Context()); err != nil {
		return nil, err
	}
	if p.Suspensions, err = soc.Suspensions(r.Context()); err != nil {
		return nil, err
	}
	_, suspended, err := soc.SuspendedOn(r.Context(), p.Today)
	if err != nil {
		return nil, err
	}
	ws, err := soc.WaitingWithdrawals(r.Context())
	if err != nil {
		return nil, err
	}
	rules := soc.Rules()
	for _, w := range ws {
		row := withdrawalRow{WithdrawalRequest: w, Due: w.DueOn <= p.Today, Suspended: suspended}
		if row.Held, _, err = soc.Holding(r.Context(), w.MemberNumber); err != nil {
			return nil, err
		}
		n := w.Shares
		if w.All() || n > row.Held {
			n = row.Held
		}
		row.Amount = money.New(n*rules.Nominal, rules.Currency).FormatFull()
		p.Requests = append(p.Requests, row)
	}
	return p, nil
}

func (s *Server) adminWithdrawals(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newWithdrawalsPage(r)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "paid":
		p.Notice = "The withdrawal is recorded in the share ledger, and the member is told by email."
	case "rejected":
		p.Notice = "The request is rejected, and the member is told why by email."
	case "suspended":
		p.Notice = "The suspension of withdrawals is recorded."
	case "suspension-changed":
		p.Notice = "The suspension's end is recorded."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_withdrawals", p)
}

// withdrawalID reads the request's id from the path.
func withdrawalID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// adminWithdrawalPay repays a request's shares today once the secretary
// confirms the money has gone: the ledger entry, the decision and the
// member's email in one transaction (society.PayWithdrawal).
func (s *Server) adminWithdrawalPay(w http.ResponseWriter, r *http.Request) error {
	return s.decideWithdrawal(w, r, func(p *withdrawalsPage, id int64, field string, tell society.Tell) error {
		if r.PostFormValue("confirm") != "yes" {
			p.Errors.Add(field, "Tick the box to confirm the member has been repaid, then record it.")
			return nil
		}
		_, err := s.society.PayWithdrawal(r.Context(), id, account.ActorOf(currentAccount(r), clientIP(r)), tell)
		return err
	}, "paid")
}

// adminWithdrawalReject refuses a request, with the reason the member is
// told.
func (s *Server) adminWithdrawalReject(w http.ResponseWriter, r *http.Request) error {
	return s.decideWithdrawal(w, r, func(p *withdrawalsPage, id int64, field string, tell society.Tell) error {
		reason := strings.TrimSpace(formValue(r, &p.Errors, field, "The reason", 500))
		p.Reason[id] = reason
		if reason == "" {
			p.Errors.Add(field, "Give the reason, which the member will be told.")
			return nil
		}
		_, err := s.society.RejectWithdrawal(r.Context(), id, reason, account.ActorOf(currentAccount(r), clientIP(r)), tell)
		return err
	}, "rejected")
}

// decideWithdrawal runs a decision on the request in the path: act adds
// a field error, or returns a refusal (shown beside the row's field for
// the decision, done) or nil when the decision is recorded.
func (s *Server) decideWithdrawal(w http.ResponseWriter, r *http.Request,
	act func(p *withdrawalsPage, id int64, field string, tell society.Tell) error, done string) error {
	p, err := s.newWithdrawalsPage(r)
	if err != nil {
		return err
	}
	id, err := withdrawalID(r)
	if err != nil {
		return err
	}
	row := withdrawalRow{WithdrawalRequest: society.WithdrawalRequest{ID: id}}
	field := row.PayField()
	if done == "rejected" {
		field = row.ReasonField()
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read that form.")
	}
	if len(p.Errors) == 0 {
		tell, err := s.withdrawalTell(r.Context(), id)
		if err == nil {
			err = act(p, id, field, tell)
		}
		if err != nil && !p.Errors.addValidation(err, field) {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_withdrawals", p)
	}
	http.Redirect(w, r, "/admin/register/withdrawals?done="+done, http.StatusSeeOther)
	return nil
}

// withdrawalTell is how the member who made request id is told of the
// decision: an email queued in the decision's transaction, to the
// address of the account they asked from or, failing that, the one in
// the register if they allow notices there. An unknown request is left
// to the society to refuse; with no address there is no email.
func (s *Server) withdrawalTell(ctx context.Context, id int64) (society.Tell, error) {
	req, err := s.society.Withdrawal(ctx, id)
	if err != nil {
		return nil, nil
	}
	to := ""
	if req.AccountID != 0 {
		a, err := s.accounts.ByID(ctx, req.AccountID)
		if err != nil {
			return nil, err
		}
		to = a.Email
	} else if m, err := s.society.Member(ctx, req.MemberNumber); err != nil {
		return nil, err
	} else if m.Contact.EmailUse != society.EmailNone {
		to = m.Contact.Email
	}
	if to == "" || s.mail == nil {
		return nil, nil
	}
	return func(ctx context.Context, tx *sql.Tx, w society.WithdrawalRequest) error {
		_, err := s.mail.EnqueueTx(ctx, tx, s.withdrawalMail(to, w))
		return err
	}, nil
}

// withdrawalMail tells a member what became of their request.
func (s *Server) withdrawalMail(to string, w society.WithdrawalRequest) mail.Message {
	asked := "all your shares"
	if !w.All() {
		asked = strconv.FormatInt(w.Shares, 10) + " shares"
	}
	m := mail.Message{To: to, Kind: "withdrawal", Ref: "withdrawal:" + strconv.FormatInt(w.ID, 10)}
	if w.Status == society.WithdrawalPaid {
		m.Subject = "Your shares are repaid"
		m.Text = fmt.Sprintf("Dear %s,\n\nYou asked on %s to withdraw %s from %s. The society has repaid you %s, "+
			"and the register of members records it.\n\nYour membership: %s/account/membership\n",
			w.Name, w.NoticeOn, asked, s.site.SocietyName, money.New(w.Paid, s.society.Rules().Currency).FormatFull(), s.site.BaseURL)
	} else {
		m.Subject = "Your request to withdraw shares"
		m.Text = fmt.Sprintf("Dear %s,\n\nYou asked on %s to withdraw %s from %s. The society cannot repay them, "+
			"for this reason:\n\n%s\n\nYour shares are as they were. Your membership: %s/account/membership\n",
			w.Name, w.NoticeOn, asked, s.site.SocietyName, w.Reason, s.site.BaseURL)
	}
	return m
}
