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

const treasurer = account.Treasurer

func TestFundGiftShowsInTotalsAndBox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		res := h.do(t, req{method: "POST", path: "/admin/fund/gifts/new", as: treasurer, form: giftForm("£1,250.50")})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/admin/fund/gifts/new?recorded=") {
			t.Fatalf("record: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
		}
		if got := h.raised(t); got != money.New(125050, "GBP") {
			t.Fatalf("raised %v, want £1,250.50", got)
		}
		e, err := h.fund.EntryByRef(context.Background(), "chq-100234")
		if err != nil || e.RecordedBy != "Test treasurer <treasurer@example.org>" || !e.Public || e.DonorTown != "Leeds" {
			t.Fatalf("entry %+v, %v", e, err)
		}
		runScenarios(t, h, []scenario{
			{name: "confirmation", path: res.header.Get("Location"), as: treasurer, status: 200,
				want: []string{"Recorded entry 1: £1,250.50 by Cheque on 6 November 2024"}},
			{name: "dashboard", path: "/admin/fund", as: treasurer, status: 200,
				want: []string{"£1,250.50 from 1 gift", "£16,759.50", "Cheque", "chq-100234", "All is well"}},
			{name: "public box", path: "/", status: 200, want: []string{`<dd data-fund="raised">£1,250.50</dd>`}},
		})
		logged, _, err := h.accounts.Audit().List(context.Background(), account.Filter{Action: "fund.gift"}, 1)
		if err != nil || len(logged) != 1 || logged[0].ActorName != "treasurer@example.org" || !strings.Contains(logged[0].After, "£1,250.50") {
			t.Fatalf("audit %+v, %v", logged, err)
		}
		// The same reference again is refused beside the field.
		runScenarios(t, h, []scenario{{name: "duplicate reference", method: "POST", path: "/admin/fund/gifts/new", as: treasurer,
			form: giftForm("5"), status: http.StatusUnprocessableEntity, want: []string{`id="provider_ref-error"`}}})
		if got := h.raised(t); got != money.New(125050, "GBP") {
			t.Fatalf("after a duplicate raised %v", got)
		}
	})
}

func TestFundGiftBadAmountsRecordNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		var scenarios []scenario
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
			// The message is beside the amount, which is marked invalid;
			// there is an error summary; what was typed is kept.
			scenarios = append(scenarios, scenario{name: amount, method: "POST", path: "/admin/fund/gifts/new", as: treasurer,
				form: giftForm(amount), status: http.StatusUnprocessableEntity, plain: true,
				want: []string{`<p class="field-error" id="amount-error">`, want,
					`aria-invalid="true" aria-describedby="amount-error amount-hint"`, `role="alert"`,
					`value="` + amount + `"`, `value="Jane Smith"`, "Keep going</textarea>"}})
		}
		bad := giftForm("20")
		bad.Set("received_at", "2024-11-07")
		bad.Set("method", "bitcoin")
		bad.Set("provider_ref", "pi_3QxYz")
		impossible := giftForm("20")
		impossible.Set("received_at", "2024-02-30")
		scenarios = append(scenarios,
			scenario{name: "future date, unknown method and a Stripe reference", method: "POST", path: "/admin/fund/gifts/new",
				as: treasurer, form: bad, status: http.StatusUnprocessableEntity, plain: true,
				want: []string{`id="received_at-error"`, `id="method-error"`, "References beginning pi_ are Stripe's"}},
			scenario{name: "an impossible date", method: "POST", path: "/admin/fund/gifts/new", as: treasurer, form: impossible,
				status: http.StatusUnprocessableEntity, want: []string{"2024-02-30 does not exist: February 2024 has 29 days.", `value="2024-02-30"`}})
		runScenarios(t, h, scenarios)
		if got := h.raised(t); got.Minor != 0 {
			t.Fatalf("bad gifts recorded %v", got)
		}
	})
}

func TestFundReverseAndTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		h.do(t, req{method: "POST", path: "/admin/fund/gifts/new", as: treasurer, form: giftForm("20")})
		e, err := h.fund.EntryByRef(context.Background(), "chq-100234")
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/fund/entries/" + itoa(e.ID) + "/reverse"
		runScenarios(t, h, []scenario{{name: "reverse without a reason", method: "POST", path: path, as: treasurer,
			form: url.Values{"reason": {"  "}}, status: http.StatusUnprocessableEntity, want: []string{"Say why the gift is being reversed"}}})
		res := h.do(t, req{method: "POST", path: path, as: treasurer, form: url.Values{"reason": {"cheque bounced"}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("reverse: %d\n%s", res.status, res.body)
		}
		if got := h.raised(t); got.Minor != 0 {
			t.Fatalf("after reversal raised %v", got)
		}
		runScenarios(t, h, []scenario{
			{name: "second reversal", method: "POST", path: path, as: treasurer, form: url.Values{"reason": {"again"}},
				status: http.StatusUnprocessableEntity, want: []string{"already been reversed"}},
			{name: "ledger", path: "/admin/fund/entries?month=2024-11", as: treasurer, status: 200,
				want: []string{"Reverses entry " + itoa(e.ID) + ": cheque bounced"}},
			{name: "bad target", method: "POST", path: "/admin/fund/target", as: treasurer, form: url.Values{"month": {"2024-11"}, "target": {"lots"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="target-error"`}},
			{name: "target", method: "POST", path: "/admin/fund/target", as: treasurer, form: url.Values{"month": {"2024-11"}, "target": {"20,000"}},
				status: http.StatusSeeOther},
		})
		if tot, _ := h.fund.Totals(context.Background(), "2024-11"); tot.Target != money.Major(20000, "GBP") {
			t.Fatalf("target %v", tot.Target)
		}
		for _, action := range []string{"fund.reverse", "fund.target"} {
			if logged, _, _ := h.accounts.Audit().List(context.Background(), account.Filter{Action: action}, 1); len(logged) != 1 {
				t.Errorf("audit log has %d %s entries", len(logged), action)
			}
		}
	})
}

func TestFundPagesAuthorisation(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	if _, err := h.fund.RecordBatch(context.Background(), []fund.Entry{{Amount: money.Major(5, "GBP"), Method: fund.Cash, RecordedBy: "t"}}, nil); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/admin/fund", "/admin/fund/gifts/new", "/admin/fund/entries", "/admin/fund/import",
		"/admin/fund/export.csv", "/admin/fund/column.txt", "/admin/fund/target", "/admin/fund/reconcile", "/admin/fund/payouts"}
	var scenarios []scenario
	for _, p := range pages {
		scenarios = append(scenarios, scenario{path: p, as: account.Treasurer, status: http.StatusOK})
	}
	for _, role := range []account.Role{account.Admin, account.Writer, account.Secretary, account.Editor} {
		for _, p := range pages {
			scenarios = append(scenarios, scenario{path: p, as: role, status: http.StatusForbidden})
		}
		scenarios = append(scenarios, scenario{method: "POST", path: "/admin/fund/gifts/new", as: role, form: giftForm("20"),
			status: http.StatusForbidden})
	}
	scenarios = append(scenarios, scenario{name: "staff navigation", path: "/admin/fund", as: treasurer, status: http.StatusOK,
		want: []string{`href="/admin/fund" aria-current="page">Fighting fund`}})
	runScenarios(t, h, scenarios)
	if got := h.raised(t); got != money.Major(5, "GBP") {
		t.Fatalf("raised %v after refused posts", got)
	}
}
