package society_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/valid"
)

// withStripe is the society paying and refunding through stripe-mock.
func withStripe(t testing.TB, d *db.DB, rules ...func(*society.Rules)) *society.Service {
	t.Helper()
	mock := testservers.StartStripeMock(t)
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	r := society.DefaultRules()
	for _, o := range rules {
		o(&r)
	}
	s, err := society.New(d, r, func() time.Time { return today },
		society.WithPayments(st, st), society.WithSite("The Daily Co-op Society", "The Daily Co-op", "http://paper.test"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// apply submits an application for shares, paid by pay.
func apply(t testing.TB, s *society.Service, name, shares string, pay society.PayBy) society.Application {
	t.Helper()
	a, err := society.ParseApplication(society.ApplicationInput{Name: name, Address: name + " House, Leeds",
		Email: "reader@example.org", Shares: shares, PayBy: string(pay)}, s.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if a, err = s.Submit(context.Background(), a, secretary); err != nil {
		t.Fatal(err)
	}
	return a
}

// paidByCheque records a cheque for the whole of a.
func paidByCheque(t testing.TB, s *society.Service, a society.Application) {
	t.Helper()
	err := s.RecordPayment(context.Background(), a.ID, society.PaymentInput{Method: "cheque",
		Amount: strconv.FormatInt(a.Amount.Minor/100, 10), Reference: "cheque 000123"}, secretary)
	if err != nil {
		t.Fatal(err)
	}
}

// cardEvent is the webhook's paid checkout for a's latest checkout.
func cardEvent(t testing.TB, s *society.Service, a society.Application, evID, pi string, amount int64) payment.Event {
	t.Helper()
	a, err := s.Application(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var session string
	for _, e := range a.Events {
		if e.Kind == society.EventCheckout {
			session = e.Reference
		}
	}
	return payment.Event{Provider: "stripe", ID: evID, Type: "checkout.session.completed", Kind: payment.Paid,
		Created: today, PaymentRef: pi, SessionID: session, Purpose: society.PaymentPurpose, AmountMinor: amount,
		Currency: "GBP", Metadata: map[string]string{"application": strconv.FormatInt(a.ID, 10)}}
}

func status(t testing.TB, s *society.Service, id int64) society.Status {
	t.Helper()
	a, err := s.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status()
}

func holds(t testing.TB, s *society.Service) int {
	t.Helper()
	h, err := s.Holds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

// TestApplicationByCard: a card checkout stored before the applicant pays;
// the webhook's payment marks the application paid once, however often
// it comes; payments that do not match (amount, an unknown checkout, a
// second payment) are held, never applied; approval admits the applicant
// with the next number; a rejected card payment is refunded through
// stripe-mock.
func TestApplicationByCard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := withStripe(t, d)
		admit(t, s, "First Member", "1 First St", "10", "2026-01-01")
		a := apply(t, s, "Ann Jones", "250", society.PayCard)
		url, err := s.StartCheckout(ctx, a.ID)
		if err != nil || url == "" {
			t.Fatalf("checkout: %q %v", url, err)
		}
		short := cardEvent(t, s, a, "evt_short", "pi_short", 100_00)
		if err := s.HandlePayment(ctx, short); err != nil || status(t, s, a.ID) != society.Submitted || holds(t, s) != 1 {
			t.Fatalf("a short payment was applied or not held: %v", err)
		}
		stranger := cardEvent(t, s, a, "evt_stranger", "pi_stranger", 250_00)
		stranger.SessionID = "cs_not_ours"
		if err := s.HandlePayment(ctx, stranger); err != nil || status(t, s, a.ID) != society.Submitted || holds(t, s) != 2 {
			t.Fatalf("a stranger's checkout was applied or not held: %v", err)
		}
		good := cardEvent(t, s, a, "evt_good", "pi_good", 250_00)
		for range 2 { // a redelivery changes nothing
			if err := s.HandlePayment(ctx, good); err != nil || status(t, s, a.ID) != society.Paid || holds(t, s) != 2 {
				t.Fatalf("the payment: %v, %s", err, status(t, s, a.ID))
			}
		}
		second := cardEvent(t, s, a, "evt_second", "pi_second", 250_00)
		if err := s.HandlePayment(ctx, second); err != nil || holds(t, s) != 3 {
			t.Fatalf("a second payment was not held: %v", err)
		}
		got, err := s.Approve(ctx, a.ID, secretary)
		if err != nil || got.Status() != society.Approved || got.MemberNumber() != 2 {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if shares, paid, err := s.Holding(ctx, 2); err != nil || shares != 250 || paid != 250_00 {
			t.Fatalf("holding %d %d %v", shares, paid, err)
		}
		if _, err := s.Reject(ctx, a.ID, "changed our mind", secretary); !errors.Is(err, society.ErrAlreadyDone) {
			t.Fatalf("rejecting an approved application: %v", err)
		}

		b := apply(t, s, "Bob Smith", "40", society.PayCard)
		if _, err := s.StartCheckout(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.HandlePayment(ctx, cardEvent(t, s, b, "evt_bob", "pi_bob", 40_00)); err != nil {
			t.Fatal(err)
		}
		rb, err := s.Reject(ctx, b.ID, "The board is not issuing shares this month.", secretary)
		if err != nil || rb.Status() != society.Refunded {
			t.Fatalf("reject and refund: %s %v", rb.Status(), err)
		}
		// Stripe's charge.refunded for the refund then changes nothing.
		refunded := payment.Event{ID: "evt_bob_refund", Kind: payment.Refunded, PaymentRef: "pi_bob", RefundedMinor: 40_00,
			AmountMinor: 40_00, Currency: "GBP", Purpose: society.PaymentPurpose}
		if err := s.HandlePayment(ctx, refunded); err != nil || status(t, s, b.ID) != society.Refunded || holds(t, s) != 3 {
			t.Fatalf("refund webhook: %v", err)
		}
		// Every card payment for shares, applied or held, is named for the
		// treasurer's payouts page, so none looks like a gift gone missing.
		refs, err := s.CardPaymentRefs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, pi := range []string{"pi_short", "pi_stranger", "pi_good", "pi_second", "pi_bob"} {
			if refs[pi] == "" {
				t.Errorf("payment %s is not named among the society's: %v", pi, refs)
			}
		}
		if len(refs) != 5 || refs["pi_good"] != "shares: application "+strconv.FormatInt(a.ID, 10) {
			t.Errorf("the society's card payments: %v", refs)
		}
		mustCheck(t, s)
	})
}

// TestApplicationDecisions: approving unpaid is refused; a cheque must be
// for the whole amount and is recorded once; approving twice is refused
// and allots once; a rejected cheque is marked for repayment; an
// applicant who is a member already is allotted more shares, not
// admitted twice; the append-only tables refuse UPDATE.
func TestApplicationDecisions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		a := apply(t, s, "Cath Lee", "100", society.PayCheque)
		if _, err := s.Approve(ctx, a.ID, secretary); !errors.Is(err, society.ErrUnpaid) {
			t.Fatalf("approving unpaid: %v", err)
		}
		err := s.RecordPayment(ctx, a.ID, society.PaymentInput{Method: "cheque", Amount: "99", Reference: "123"}, secretary)
		if fe := valid.All(err); len(fe) != 1 || fe[0].Field != society.FieldAmount {
			t.Fatalf("a short cheque: %v", err)
		}
		err = s.RecordPayment(ctx, a.ID, society.PaymentInput{Method: "cash", Amount: "", Reference: ""}, secretary)
		if fe := valid.All(err); len(fe) != 3 {
			t.Fatalf("a form with every field wrong: %v", err)
		}
		paidByCheque(t, s, a)
		err = s.RecordPayment(ctx, a.ID, society.PaymentInput{Method: "transfer", Amount: "100", Reference: "BACS 9"}, secretary)
		if !errors.Is(err, society.ErrAlreadyDone) {
			t.Fatalf("paid twice: %v", err)
		}
		if _, err := s.Approve(ctx, a.ID, secretary); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Approve(ctx, a.ID, secretary); !errors.Is(err, society.ErrAlreadyDone) {
			t.Fatalf("approving twice: %v", err)
		}
		if shares, _, _ := s.Holding(ctx, 1); shares != 100 {
			t.Fatalf("holding after two approvals: %d", shares)
		}
		// The same person again: more shares for member 1.
		more := apply(t, s, "Cath Lee", "50", society.PayTransfer)
		paidByCheque(t, s, more)
		if got, err := s.Approve(ctx, more.ID, secretary); err != nil || got.MemberNumber() != 1 {
			t.Fatalf("a member's second application: %v %d", err, got.MemberNumber())
		}
		if shares, _, _ := s.Holding(ctx, 1); shares != 150 {
			t.Fatalf("holding: %d", shares)
		}
		no := apply(t, s, "Dan Moss", "10", society.PayTransfer)
		paidByCheque(t, s, no)
		if _, err := s.Reject(ctx, no.ID, " ", secretary); err == nil {
			t.Fatal("rejected with no reason")
		}
		got, err := s.Reject(ctx, no.ID, "Not resident in the area.", secretary)
		if err != nil || got.Status() != society.Rejected || got.RefundOwed() {
			t.Fatalf("reject a transfer: %s %v", got.Status(), err)
		}
		if _, ok := findEvent(got, society.EventRepaymentDue); !ok {
			t.Fatal("no repayment marked")
		}
		for _, q := range []string{`UPDATE share_applications SET shares = 1`, `UPDATE share_application_events SET note = 'x'`,
			`DELETE FROM share_application_events`} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
		apps, err := s.Applications(ctx)
		if err != nil || len(apps) != 3 {
			t.Fatalf("list: %d %v", len(apps), err)
		}
		mustCheck(t, s)
	})
}

func findEvent(a society.Application, k society.EventKind) (society.ApplicationEvent, bool) {
	for _, e := range a.Events {
		if e.Kind == k {
			return e, true
		}
	}
	return society.ApplicationEvent{}, false
}

// TestApprovalsRace: two paid applications by one person, each within an
// individual's cap but over it together, approved at once: exactly one
// wins and the holding stays within the cap; and two approvals of one
// application at once allot it once.
func TestApprovalsRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d, func(r *society.Rules) { r.MaxIndividual = 1000_00 })
		a := apply(t, s, "Eve Park", "600", society.PayCheque)
		b := apply(t, s, "Eve Park", "600", society.PayTransfer)
		paidByCheque(t, s, a)
		paidByCheque(t, s, b)
		race := func(ids ...int64) (won int, errs []error) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, id := range ids {
				wg.Go(func() {
					_, err := s.Approve(ctx, id, secretary)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						won++
					} else {
						errs = append(errs, err)
					}
				})
			}
			wg.Wait()
			return won, errs
		}
		won, errs := race(a.ID, b.ID)
		if won != 1 || len(errs) != 1 || !errors.Is(errs[0], society.ErrOverCap) {
			t.Fatalf("past the cap: %d won, %v", won, errs)
		}
		if shares, _, _ := s.Holding(ctx, 1); shares != 600 {
			t.Fatalf("holding %d", shares)
		}
		c := apply(t, s, "Fay Moor", "5", society.PayCheque)
		paidByCheque(t, s, c)
		won, errs = race(c.ID, c.ID)
		if won != 1 || len(errs) != 1 || !errors.Is(errs[0], society.ErrAlreadyDone) {
			t.Fatalf("one application twice: %d won, %v", won, errs)
		}
		mustCheck(t, s)
	})
}
