package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// submitApplication stores a checked application for shares.
func submitApplication(t testing.TB, soc *society.Service, name, shares string, pay society.PayBy) society.Application {
	t.Helper()
	a, err := society.ParseApplication(society.ApplicationInput{Name: name, Address: name + " House, Leeds",
		Email: strings.ToLower(strings.Fields(name)[0]) + "@example.org", Shares: shares, PayBy: string(pay)}, soc.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if a, err = soc.Submit(context.Background(), a, account.Actor{Name: "web"}); err != nil {
		t.Fatal(err)
	}
	return a
}

// withSociety gives the server the society, paying and refunding through
// stripe-mock and mailing through the harness's mailbox; soc is set.
func withSociety(t *testing.T, d *db.DB, soc **society.Service) option {
	mock := testservers.StartStripeMock(t)
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return withDeps(func(deps *web.Deps) {
		opts := []society.Option{society.WithPayments(st, st), society.WithSite("the Readers' Society", "The Daily Co-op", "http://paper.test")}
		if m, ok := deps.Mail.(society.Mailer); ok {
			opts = append(opts, society.WithMail(m))
		}
		var err error
		if *soc, err = society.New(d, society.DefaultRules(), func() time.Time { return testStart }, opts...); err != nil {
			t.Fatal(err)
		}
		deps.Society = *soc
	})
}

// TestShareOffer: the offer says what a share costs, the limits and one
// member one vote; bad applications are refused beside each field and
// nothing is stored; a cheque payer is thanked with a reference; a card
// payer goes to Stripe Checkout with the checkout stored; a signed-in
// reader's form is filled in and their application linked to them.
func TestShareOffer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withSociety(t, d, &soc))
		good := url.Values{"name": {"Ann Jones"}, "address": {"1 High St\nLeeds"}, "email": {"ann@example.org"},
			"email_use": {"notices"}, "class": {"individual"}, "shares": {"250"}, "pay_by": {"cheque"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vs := range good {
				f[key] = vs
			}
			f.Set(k, v)
			return f
		}
		runScenarios(t, h, []scenario{
			{name: "the offer", path: "/shares", status: 200, want: []string{"<h1>Own your paper</h1>", "Each share costs £1",
				"The most one person may hold is £100,000", "One member, one vote", `<label for="apply-shares">`,
				`id="apply-pay_by-card"`, "not a gift"}},
			{name: "no shares", method: "POST", path: "/shares", form: with("shares", "0"), status: http.StatusUnprocessableEntity,
				want: []string{`role="alert"`, `href="#apply-shares"`, `id="apply-shares-error"`, `aria-describedby="apply-shares-error"`, "at least one"}},
			{name: "fractional shares", method: "POST", path: "/shares", form: with("shares", "2.5"), status: http.StatusUnprocessableEntity,
				want: []string{"Shares are whole"}},
			{name: "over the cap", method: "POST", path: "/shares", form: with("shares", "100001"), status: http.StatusUnprocessableEntity,
				want: []string{"at most 100,000 shares"}},
			{name: "no address", method: "POST", path: "/shares", form: with("address", ""), status: http.StatusUnprocessableEntity,
				want: []string{`id="apply-address-error"`, "Enter your postal address"}},
			{name: "address too long", method: "POST", path: "/shares", form: with("address", strings.Repeat("a", 501)), status: http.StatusUnprocessableEntity,
				want: []string{"500 characters"}},
			{name: "by cheque", method: "POST", path: "/shares", form: good, status: http.StatusSeeOther,
				location: "/shares/thanks?application=1&pay_by=cheque"},
			{name: "thanks", path: "/shares/thanks?application=1&pay_by=cheque", status: 200,
				want: []string{"SH-1", "payable to the Readers&#39; Society"}},
			{name: "by card", method: "POST", path: "/shares", form: with("pay_by", "card"), status: http.StatusSeeOther,
				location: "https://"},
		})
		apps, err := soc.Applications(ctx)
		if err != nil || len(apps) != 2 {
			t.Fatalf("stored %d applications (%v); the refused ones must store nothing", len(apps), err)
		}
		card := apps[1]
		if card.PayBy != society.PayCard || len(card.Events) != 1 || card.Events[0].Kind != society.EventCheckout ||
			!strings.HasPrefix(card.Events[0].Reference, "cs_") {
			t.Fatalf("card application %+v", card)
		}
		reader := h.readerSession(t, "reader@example.org")
		res := h.do(t, req{path: "/shares", token: reader})
		if res.status != 200 || !strings.Contains(res.body, `value="reader@example.org"`) || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("signed-in offer: %d %q", res.status, res.header.Get("Cache-Control"))
		}
		res = h.do(t, req{method: "POST", path: "/shares", token: reader, form: with("email", "reader@example.org")})
		if res.status != http.StatusSeeOther {
			t.Fatalf("signed-in application: %d %s", res.status, errorSummaryOr(res.body))
		}
		if apps, err = soc.Applications(ctx); err != nil || len(apps) != 3 || apps[2].AccountID == 0 {
			t.Fatalf("the signed-in reader's application is not linked: %+v %v", apps, err)
		}
	})
}

// TestSecretaryApplications: the list puts paid applications first; the
// secretary records a cheque (a wrong amount refused beside its field),
// approves (the applicant admitted as member 1, linked to the reader
// account with their email, and mailed), cannot approve again, and
// rejects a card payment, which stripe-mock refunds; treasurers are
// refused.
func TestSecretaryApplications(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withSociety(t, d, &soc))
		secretary := h.as(t, account.Secretary)
		reader := h.person(t, "ann@example.org", account.Reader)
		submitApplication(t, soc, "Ann Jones", "250", society.PayCheque)
		bob := submitApplication(t, soc, "Bob Smith", "40", society.PayCard)
		if _, err := soc.StartCheckout(ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		bob, _ = soc.Application(ctx, bob.ID)
		err := soc.HandlePayment(ctx, payment.Event{ID: "evt_bob", Kind: payment.Paid, SessionID: bob.Events[0].Reference,
			PaymentRef: "pi_bob", AmountMinor: 40_00, Currency: "GBP", Created: testStart,
			Metadata: map[string]string{"application": "2"}})
		if err != nil {
			t.Fatal(err)
		}
		sent := h.sentCount()
		runScenarios(t, h, []scenario{
			{name: "list, paid first", path: "/admin/register/applications", token: secretary, status: 200,
				want: []string{"1 waiting for a decision", "Bob Smith", "Ann Jones"}},
			{name: "one application", path: "/admin/register/applications/1", token: secretary, status: 200,
				want: []string{"Ann Jones", "Record the payment", "Reject"}, notWant: []string{"Approve and allot"}},
			{name: "approve unpaid", method: "POST", path: "/admin/register/applications/1/approve", token: secretary,
				status: http.StatusUnprocessableEntity},
			{name: "a short cheque", method: "POST", path: "/admin/register/applications/1/payment", token: secretary,
				form: url.Values{"method": {"cheque"}, "amount": {"25"}, "reference": {"000123"}}, status: http.StatusUnprocessableEntity,
				want: []string{`id="amount-error"`, "The application is for £250"}},
			{name: "the cheque", method: "POST", path: "/admin/register/applications/1/payment", token: secretary,
				form: url.Values{"method": {"cheque"}, "amount": {"250"}, "reference": {"000123"}}, status: http.StatusSeeOther,
				location: "/admin/register/applications/1?done=paid"},
			{name: "approve", method: "POST", path: "/admin/register/applications/1/approve", token: secretary, status: http.StatusSeeOther},
			{name: "approved", path: "/admin/register/applications/1?done=approved", token: secretary, status: 200,
				want: []string{"approved: member 1", "the shares are allotted"}},
			{name: "approve twice", method: "POST", path: "/admin/register/applications/1/approve", token: secretary,
				status: http.StatusUnprocessableEntity, want: []string{"approved already"}},
			{name: "reject without a reason", method: "POST", path: "/admin/register/applications/2/reject", token: secretary,
				form: url.Values{"reason": {""}}, status: http.StatusUnprocessableEntity, want: []string{`id="reason-error"`}},
			{name: "reject a card payment", method: "POST", path: "/admin/register/applications/2/reject", token: secretary,
				form: url.Values{"reason": {"The offer has closed."}}, status: http.StatusSeeOther},
			{name: "refunded", path: "/admin/register/applications/2", token: secretary, status: 200, want: []string{"refunded"},
				notWant: []string{"Refund the card payment"}},
			{name: "treasurer refused", path: "/admin/register/applications", as: account.Treasurer, status: http.StatusForbidden},
		})
		m, err := soc.Register(ctx, testStart.Format(time.DateOnly))
		if err != nil || len(m) != 1 || m[0].Name != "Ann Jones" || m[0].Shares != 250 {
			t.Fatalf("register %+v %v", m, err)
		}
		var linked int64
		if err := d.QueryRowContext(ctx, `SELECT account_id FROM members WHERE number = 1`).Scan(&linked); err != nil || linked != reader.ID {
			t.Fatalf("member 1 linked to %d, want %d (%v)", linked, reader.ID, err)
		}
		h.mail.mu.Lock()
		defer h.mail.mu.Unlock()
		got := h.mail.sent[sent:]
		if len(got) != 2 || got[0].To != "ann@example.org" || !strings.Contains(got[0].Text, "member number 1") ||
			!strings.Contains(got[0].Text, "attached as a PDF") || got[1].To != "bob@example.org" || !strings.Contains(got[1].Text, "refunded") {
			t.Fatalf("mail: %+v", got)
		}
		// The confirmation carries the certificate for the holding the
		// approval made.
		if as := got[0].Attachments; len(as) != 1 || as[0].Filename != "share-certificate-1.pdf" || as[0].ContentType != "application/pdf" {
			t.Fatalf("attachments %+v", as)
		}
		pdf := string(got[0].Attachments[0].Data)
		for _, w := range []string{"%PDF-1.", "(Ann Jones)", "member number 1, holds 250 withdrawable shares", "(the Readers' Society)"} {
			if !strings.Contains(pdf, w) {
				t.Errorf("the certificate lacks %q", w)
			}
		}
		if len(got[1].Attachments) != 0 {
			t.Error("a refusal carries an attachment")
		}
	})
}

// TestSecretarySeesReturnedPayment: a card payment that comes after the
// rejection is refunded by coopress itself (through stripe-mock) and the
// application's page lists it with the refund's id, apart from the held
// payments.
func TestSecretarySeesReturnedPayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withSociety(t, d, &soc))
		secretary := h.as(t, account.Secretary)
		late := submitApplication(t, soc, "Cy Late", "30", society.PayCard)
		if _, err := soc.StartCheckout(ctx, late.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := soc.Reject(ctx, late.ID, "The offer has closed.", account.Actor{Name: "secretary@example.org"}); err != nil {
			t.Fatal(err)
		}
		late, _ = soc.Application(ctx, late.ID)
		err := soc.HandlePayment(ctx, payment.Event{ID: "evt_late", Kind: payment.Paid, SessionID: late.Events[0].Reference,
			PaymentRef: "pi_late", AmountMinor: 30_00, Currency: "GBP", Created: testStart,
			Metadata: map[string]string{"application": strconv.FormatInt(late.ID, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		runScenarios(t, h, []scenario{
			{name: "returned", path: "/admin/register/applications/" + strconv.FormatInt(late.ID, 10), token: secretary, status: 200,
				want:    []string{"Card payments returned after the rejection", "£30.00, payment pi_late, refunded by coopress as re_"},
				notWant: []string{"held against this application"}},
		})
	})
}
