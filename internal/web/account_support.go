package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/supporter"
)

// supportView is one subscription as its reader sees it on /account:
// what they give and how, what happens next, and what they may do.
type supportView struct {
	supporter.Subscription
	// Next says when the next payment is taken and how much, or why none.
	Next                      string
	CanPause, CanResume, Stop bool
	// Plans are what the reader may move to (every active plan), for the
	// change form; empty once the support has ended.
	Plans []supporter.Plan
	// AskThanks offers the form to be thanked in the fund column.
	AskThanks bool
}

// supportNotices confirm an action after its redirect.
var supportNotices = map[string]string{
	"changed":   "Your support is changed: the new amount is taken from your next payment.",
	"paused":    "Your support is paused: nothing more is taken until you resume it.",
	"resumed":   "Your support is running again.",
	"cancelled": "Your support is cancelled: nothing more will be taken. Thank you for all you gave.",
	"thanks":    "Saved: your next payment is thanked in the fund column as you chose.",
}

// supportOf lists the signed-in reader's subscriptions.
func (s *Server) supportOf(r *http.Request) ([]supportView, error) {
	if s.supporters == nil {
		return nil, nil
	}
	subs, err := s.supporters.OwnedBy(r.Context(), ownerOf(currentAccount(r)))
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	plans, err := s.supporters.Plans(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]supportView, len(subs))
	for i, sub := range subs {
		v := supportView{Subscription: sub}
		switch sub.Status {
		case supporter.Active, supporter.Failing, supporter.Paused:
			v.AskThanks = s.supporters.ColumnThanks()
		}
		switch sub.Status {
		case supporter.Active, supporter.Failing:
			v.CanPause, v.Stop, v.Plans = true, true, plans
			if !sub.NextPaymentAt.IsZero() {
				v.Next = fmt.Sprintf("Next payment: %s on %s.", sub.NextAmount.Format(), sub.NextPaymentAt.In(s.site.Location).Format("2 January 2006"))
			}
			if sub.Status == supporter.Failing {
				v.Next = "The last payment did not go through. " + v.Next
			}
		case supporter.Paused:
			v.CanResume, v.Stop, v.Plans = true, true, plans
			v.Next = "Paused: nothing is taken until you resume."
		default:
			v.Next = "Ended: nothing more is taken."
		}
		out[i] = v
	}
	return out, nil
}

// ownerOf is the signed-in reader as the owner of subscriptions: their
// account, and their address, which the link they signed in with proved.
func ownerOf(a account.Account) supporter.Owner {
	return supporter.Owner{AccountID: a.ID, Email: a.Email}
}

// supportAudit records a reader's change to their support as
// supporter.ACTION, with what view says of it before and after, in the
// transaction that stores the change.
func (s *Server) supportAudit(a account.Account, action string, view func(supporter.Subscription) map[string]string) supporter.SubscriptionHook {
	return func(ctx context.Context, tx *sql.Tx, before, after supporter.Subscription) error {
		return s.accounts.Audit().Record(ctx, tx, account.Entry{Actor: account.ReaderActor(a), Action: "supporter." + action,
			ObjectType: "subscription", ObjectID: fmt.Sprint(before.ID), Before: view(before), After: view(after)})
	}
}

// accountSupportAction pauses, resumes or cancels one of the reader's
// subscriptions at Stripe and here, audited in the same transaction.
func (s *Server) accountSupportAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.supporters == nil {
			return errNotFound
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		a := currentAccount(r)
		audit := s.supportAudit(a, action, func(sub supporter.Subscription) map[string]string {
			return map[string]string{"status": string(sub.Status)}
		})
		do := map[string]func(context.Context, supporter.Owner, int64, ...supporter.SubscriptionHook) (supporter.Subscription, error){
			"pause": s.supporters.Pause, "resume": s.supporters.Resume, "cancel": s.supporters.Cancel}[action]
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		_, err = do(ctx, ownerOf(a), id, audit)
		var errs fieldErrors
		switch {
		case errors.Is(err, supporter.ErrNotYours):
			return errNoSuchSupport
		case errs.addValidation(err, "support"):
			return s.supportRefused(w, r, errs)
		case err != nil:
			return err
		}
		done := map[string]string{"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action]
		http.Redirect(w, r, "/account?support="+done+"#support-heading", http.StatusSeeOther)
		return nil
	}
}

// accountSupportChange moves one of the reader's subscriptions to another
// plan or amount from its next payment, at Stripe and here, audited.
func (s *Server) accountSupportChange(w http.ResponseWriter, r *http.Request) error {
	if s.supporters == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := currentAccount(r)
	var errs fieldErrors
	in := supporter.ChangeInput{Plan: formValue(r, &errs, "plan", "The plan", 20), Amount: formValue(r, &errs, "amount", "The amount", 20)}
	audit := s.supportAudit(a, "change", func(sub supporter.Subscription) map[string]string {
		return map[string]string{"plan": sub.PlanName, "amount": sub.Amount.Plain()}
	})
	if len(errs) == 0 {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		_, err = s.supporters.ChangeAmount(ctx, ownerOf(a), id, in, audit)
		switch {
		case errors.Is(err, supporter.ErrNotYours):
			return errNoSuchSupport
		case errs.addValidation(err, "support"):
		case err != nil:
			return err
		default:
			http.Redirect(w, r, "/account?support=changed#support-heading", http.StatusSeeOther)
			return nil
		}
	}
	return s.supportRefused(w, r, errs)
}

// accountSupportThanks records whether and how the reader is thanked in
// the fund column for one subscription, from its next payment, audited.
func (s *Server) accountSupportThanks(w http.ResponseWriter, r *http.Request) error {
	if s.supporters == nil || !s.supporters.ColumnThanks() {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := currentAccount(r)
	var errs fieldErrors
	t, err := supporter.ParseThanks(thanksForm(r, &errs))
	if len(errs) == 0 && !errs.addValidation(err, "support") {
		audit := s.supportAudit(a, "thanks", func(sub supporter.Subscription) map[string]string {
			return map[string]string{"thanks": strconv.FormatBool(sub.Thanks.On), "name": sub.Thanks.Name, "town": sub.Thanks.Town}
		})
		_, err = s.supporters.SetThanks(r.Context(), ownerOf(a), id, t, audit)
		switch {
		case errors.Is(err, supporter.ErrNotYours):
			return errNoSuchSupport
		case err != nil:
			return err
		}
		http.Redirect(w, r, "/account?support=thanks#support-heading", http.StatusSeeOther)
		return nil
	}
	return s.supportRefused(w, r, errs)
}

// errNoSuchSupport answers an action on a subscription that is not the
// reader's, or does not exist: the same 404 either way.
var errNoSuchSupport = &httpError{Status: http.StatusNotFound, Message: "There is no such support on your account."}

// supportRefused shows the account page again with every refusal at the
// top of the support section: the forms' fields repeat for each
// subscription, so no one field could carry them.
func (s *Server) supportRefused(w http.ResponseWriter, r *http.Request, errs fieldErrors) error {
	p, err := s.newAccountPage(r)
	if err != nil {
		return err
	}
	for _, e := range errs {
		p.Errors.Add("support", e.Message)
	}
	return s.writeReaderPage(w, "account", p, http.StatusUnprocessableEntity)
}

// givesMonthly reports whether a gives every month: a subscription
// taking money (active, or failing while Stripe retries), or an active
// standing order under their address.
func (s *Server) givesMonthly(r *http.Request, a account.Account) (bool, error) {
	if s.supporters != nil {
		subs, err := s.supporters.OwnedBy(r.Context(), ownerOf(a))
		if err != nil {
			return false, err
		}
		for _, sub := range subs {
			if sub.Status == supporter.Active || sub.Status == supporter.Failing {
				return true, nil
			}
		}
	}
	if s.standing != nil {
		return s.standing.ActiveFor(r.Context(), a.Email)
	}
	return false, nil
}

// DonorGifts lists a person's own gifts; *fund.Service is one.
type DonorGifts interface {
	GivenBy(ctx context.Context, email string) ([]fund.Entry, error)
}

// paymentView is one of the reader's payments on /account.
type paymentView struct {
	fund.Entry
	Received string
	Refunded bool // a later entry reverses it
}

// paymentsOf lists the signed-in reader's payments, newest first, with
// whether each was refunded; reversals themselves are not listed apart.
func (s *Server) paymentsOf(r *http.Request) ([]paymentView, error) {
	g, ok := s.fundReports.(DonorGifts)
	if !ok {
		return nil, nil
	}
	entries, err := g.GivenBy(r.Context(), currentAccount(r).Email)
	if err != nil {
		return nil, err
	}
	reversed := map[int64]bool{}
	for _, e := range entries {
		if e.ReversalOf != 0 {
			reversed[e.ReversalOf] = true
		}
	}
	var out []paymentView
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.ReversalOf != 0 {
			continue
		}
		out = append(out, paymentView{Entry: e, Received: e.ReceivedAt.In(s.site.Location).Format("2 January 2006"), Refunded: reversed[e.ID]})
	}
	return out, nil
}

// receiptPage is a printable receipt for one of the reader's payments.
type receiptPage struct {
	readerFrame
	Payment paymentView
}

// accountReceipt shows a receipt for a payment given under the reader's
// address; any other id is a 404, so ids cannot be probed.
func (s *Server) accountReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pays, err := s.paymentsOf(r)
	if err != nil {
		return err
	}
	for _, p := range pays {
		if p.ID == id {
			return s.writeReaderPage(w, "account_receipt", &receiptPage{readerFrame: s.newReaderFrame(r, "Receipt"), Payment: p}, http.StatusOK)
		}
	}
	return &httpError{Status: http.StatusNotFound, Message: "There is no such payment on your account."}
}
