package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func giftForm(amount string) url.Values {
	return url.Values{"amount": {amount}, "method": {"cheque"}, "received_at": {"2024-11-06"},
		"donor_name": {"Jane Smith"}, "donor_email": {"jane@example.org"}, "donor_town": {"Leeds"},
		"public": {"1"}, "public_name": {"J Smith"}, "message": {"Keep going"}, "provider_ref": {"chq-100234"}}
}

func TestFundGiftShowsInTotalsAndBox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newFundSite(t, d)
		res := s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, giftForm("£1,250.50"))
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/admin/fund/gifts/new?recorded=") {
			t.Fatalf("record: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
		}
		if got := s.raised(t); got != money.New(125050, "GBP") {
			t.Fatalf("raised %v, want £1,250.50", got)
		}
		after := s.do(t, "GET", res.header.Get("Location"), s.treasurer, nil)
		if !strings.Contains(after.body, "Recorded entry 1: £1,250.50 by Cheque on 6 November 2024") {
			t.Errorf("no confirmation after recording:\n%s", after.body)
		}
		e, err := s.fund.EntryByRef(context.Background(), "chq-100234")
		if err != nil || e.RecordedBy != "Test treasurer <treasurer@example.org>" || !e.Public || e.DonorTown != "Leeds" {
			t.Fatalf("entry %+v, %v", e, err)
		}
		dash := s.do(t, "GET", "/admin/fund", s.treasurer, nil)
		for _, want := range []string{"£1,250.50 from 1 gift", "£16,759.50", "Cheque", "chq-100234", "All is well"} {
			if !strings.Contains(dash.body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		_, _, front := s.get(t, "/")
		if !strings.Contains(front, `<dd data-fund="raised">£1,250.50</dd>`) {
			t.Errorf("the public box does not show the gift")
		}
		logged, _, err := s.accounts.Audit().List(context.Background(), account.Filter{Action: "fund.gift"}, 1)
		if err != nil || len(logged) != 1 || logged[0].ActorName != "treasurer@example.org" || !strings.Contains(logged[0].After, "£1,250.50") {
			t.Fatalf("audit %+v, %v", logged, err)
		}
		// The same reference again is refused beside the field.
		again := s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, giftForm("5"))
		if again.status != http.StatusUnprocessableEntity || !strings.Contains(again.body, `id="provider_ref-error"`) {
			t.Fatalf("duplicate reference: %d", again.status)
		}
		if got := s.raised(t); got != money.New(125050, "GBP") {
			t.Fatalf("after a duplicate raised %v", got)
		}
	})
}

func TestFundGiftBadAmountsRecordNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newFundSite(t, d)
		for amount, want := range map[string]string{
			"":         "Enter the amount",
			"0":        "must be more than zero",
			"-5":       "must be more than zero",
			"12.345":   "at most two decimal places",
			"2000000":  "the most one entry can hold",
			"twenty":   "Write the amount in figures",
			"$20":      "the fund takes no other currency",
			"€20":      "the fund takes no other currency",
			"12,50":    "Write the amount in figures",
			"1e3":      "Write the amount in figures",
			"0.001":    "at most two decimal places",
			"99999999": "the most one entry can hold",
		} {
			t.Run(amount, func(t *testing.T) {
				res := s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, giftForm(amount))
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d", res.status)
				}
				body := unescape(res.body)
				if !strings.Contains(body, `<p class="field-error" id="amount-error">`) || !strings.Contains(body, want) {
					t.Errorf("no message %q beside the amount:\n%s", want, body)
				}
				if !strings.Contains(body, `aria-invalid="true" aria-describedby="amount-error amount-hint"`) || !strings.Contains(body, `role="alert"`) {
					t.Error("the amount is not marked invalid, or there is no error summary")
				}
				if !strings.Contains(body, `value="`+amount+`"`) || !strings.Contains(body, `value="Jane Smith"`) || !strings.Contains(body, "Keep going</textarea>") {
					t.Error("typed values were not kept")
				}
			})
		}
		bad := giftForm("20")
		bad.Set("received_at", "2024-11-07")
		bad.Set("method", "bitcoin")
		bad.Set("provider_ref", "pi_3QxYz")
		res := s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, bad)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="received_at-error"`) || !strings.Contains(res.body, `id="method-error"`) ||
			!strings.Contains(unescape(res.body), "References beginning pi_ are Stripe's") {
			t.Errorf("future date, unknown method and a Stripe reference: %d", res.status)
		}
		bad = giftForm("20")
		bad.Set("received_at", "2024-02-30")
		if res := s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, bad); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "2024-02-30 does not exist: February 2024 has 29 days.") || !strings.Contains(res.body, `value="2024-02-30"`) {
			t.Errorf("an impossible date: %d", res.status)
		}
		if got := s.raised(t); got.Minor != 0 {
			t.Fatalf("bad gifts recorded %v", got)
		}
	})
}

func TestFundReverseAndTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newFundSite(t, d)
		s.do(t, "POST", "/admin/fund/gifts/new", s.treasurer, giftForm("20"))
		e, err := s.fund.EntryByRef(context.Background(), "chq-100234")
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/fund/entries/" + itoa(e.ID) + "/reverse"
		if res := s.do(t, "POST", path, s.treasurer, url.Values{"reason": {"  "}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "Say why the gift is being reversed") {
			t.Fatalf("reverse without a reason: %d", res.status)
		}
		res := s.do(t, "POST", path, s.treasurer, url.Values{"reason": {"cheque bounced"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("reverse: %d\n%s", res.status, res.body)
		}
		if got := s.raised(t); got.Minor != 0 {
			t.Fatalf("after reversal raised %v", got)
		}
		if res := s.do(t, "POST", path, s.treasurer, url.Values{"reason": {"again"}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "already been reversed") {
			t.Fatalf("second reversal: %d", res.status)
		}
		ledger := s.do(t, "GET", "/admin/fund/entries?month=2024-11", s.treasurer, nil)
		if !strings.Contains(ledger.body, "Reverses entry "+itoa(e.ID)+": cheque bounced") {
			t.Errorf("the ledger page does not show the reversal")
		}
		if res := s.do(t, "POST", "/admin/fund/target", s.treasurer, url.Values{"month": {"2024-11"}, "target": {"lots"}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `id="target-error"`) {
			t.Fatalf("bad target: %d", res.status)
		}
		if res := s.do(t, "POST", "/admin/fund/target", s.treasurer, url.Values{"month": {"2024-11"}, "target": {"20,000"}}); res.status != http.StatusSeeOther {
			t.Fatalf("target: %d\n%s", res.status, res.body)
		}
		if tot, _ := s.fund.Totals(context.Background(), "2024-11"); tot.Target != money.Major(20000, "GBP") {
			t.Fatalf("target %v", tot.Target)
		}
		for _, action := range []string{"fund.reverse", "fund.target"} {
			if logged, _, _ := s.accounts.Audit().List(context.Background(), account.Filter{Action: action}, 1); len(logged) != 1 {
				t.Errorf("audit log has %d %s entries", len(logged), action)
			}
		}
	})
}

func TestFundPagesAuthorisation(t *testing.T) {
	s := newFundSite(t, dbtest.SQLite(t))
	if _, err := s.fund.RecordBatch(context.Background(), []fund.Entry{{Amount: money.Major(5, "GBP"), Method: fund.Cash, RecordedBy: "t"}}, nil); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/admin/fund", "/admin/fund/gifts/new", "/admin/fund/entries", "/admin/fund/import",
		"/admin/fund/export.csv", "/admin/fund/column.txt", "/admin/fund/target", "/admin/fund/reconcile", "/admin/fund/payouts"}
	admin := s.session(t, s.person(t, "admin@example.org", account.Admin))
	for _, p := range pages {
		for _, token := range []string{s.treasurer, admin} {
			if res := s.do(t, "GET", p, token, nil); res.status != http.StatusOK {
				t.Errorf("GET %s as treasurer or admin: %d", p, res.status)
			}
		}
	}
	for _, role := range []account.Role{account.Writer, account.Secretary, account.Editor} {
		token := s.session(t, s.person(t, string(role)+"@example.org", role))
		for _, p := range pages {
			if res := s.do(t, "GET", p, token, nil); res.status != http.StatusForbidden {
				t.Errorf("GET %s as %s: %d, want 403", p, role, res.status)
			}
		}
		if res := s.do(t, "POST", "/admin/fund/gifts/new", token, giftForm("20")); res.status != http.StatusForbidden {
			t.Errorf("POST a gift as %s: %d", role, res.status)
		}
	}
	if got := s.raised(t); got != money.Major(5, "GBP") {
		t.Fatalf("raised %v after refused posts", got)
	}
	if res := s.do(t, "GET", "/admin/fund", s.treasurer, nil); !strings.Contains(res.body, `href="/admin/fund" aria-current="page">Fighting fund`) {
		t.Error("the staff navigation has no Fighting fund entry for the treasurer")
	}
}
