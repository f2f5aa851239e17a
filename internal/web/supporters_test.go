package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// supportersSite is a site whose supporter service talks to stripe-mock,
// with a fixed £5 plan and an any-amount plan set up.
func supportersSite(t *testing.T, d *db.DB) (*harness, *supporter.Service, supporter.Plan) {
	t.Helper()
	mock := testservers.StartStripeMock(t)
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	svc := supporter.New(d, fund.New(d, time.UTC, time.Now), st, "The Daily Co-op", "http://paper.test", supporter.WithColumnThanks(true))
	ctx := context.Background()
	five, err := svc.CreatePlan(ctx, supporter.PlanInput{Name: "Monthly", Amount: "5", Interval: "month"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreatePlan(ctx, supporter.PlanInput{Name: "Your choice", AnyAmount: true, Min: "3", Interval: "month"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, d, withStaff(), withFund(), withDeps(func(deps *web.Deps) {
		deps.Supporters, deps.SupporterThanks = svc, true
		deps.StandingOrders = supporter.NewStandingOrders(d, fund.New(d, time.UTC, time.Now), time.UTC, time.Now)
	}))
	return h, svc, five
}

func countSubscriptions(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM subscriptions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSupportersJoinPage: the plans, labelled fields and the Direct Debit
// Guarantee; bad input comes back with each message beside its field and
// stores nothing; good input goes to Stripe Checkout.
func TestSupportersJoinPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, _, five := supportersSite(t, d)
	res := h.get(t, "/supporters/join")
	body := unescape(res.body)
	for _, want := range []string{"Monthly: £5 a month", "Your choice: any amount from £3 a month", `<label for="join-name">`,
		`<label for="join-email">`, `<label for="join-amount">`, "The Direct Debit Guarantee", "<legend>Choose how much to give</legend>"} {
		if res.status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("join page (%d) lacks %q:\n%s", res.status, want, body)
		}
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q on a form page", cc)
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"empty", url.Values{}, http.StatusUnprocessableEntity,
			[]string{`id="join-plan-error"`, `id="join-name-error"`, `id="join-email-error"`, `aria-invalid="true"`, `role="alert"`}},
		{"bad email kept with the name", url.Values{"plan": {strconv.FormatInt(five.ID, 10)}, "name": {"Ann Reader"}, "email": {"ann"}},
			http.StatusUnprocessableEntity, []string{`id="join-email-error"`, `value="Ann Reader"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := h.do(t, req{method: "POST", path: "/supporters/join", form: c.form})
			for _, want := range c.want {
				if res.status != c.status || !strings.Contains(res.body, want) {
					t.Fatalf("%d, want %d with %q:\n%s", res.status, c.status, want, res.body)
				}
			}
			if n := countSubscriptions(t, d); n != 0 {
				t.Fatalf("%d subscriptions stored from a refused form", n)
			}
		})
	}
	res = h.do(t, req{method: "POST", path: "/supporters/join", form: url.Values{"plan": {strconv.FormatInt(five.ID, 10)},
		"name": {"Ann Reader"}, "email": {"ann@reader.test"}}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "https://") {
		t.Fatalf("good join: %d to %q", res.status, res.header.Get("Location"))
	}
	if n := countSubscriptions(t, d); n != 1 {
		t.Fatalf("%d subscriptions stored, want the one pending", n)
	}
}

// TestSupportersJoinPageNotConfigured: without the service the page says
// so, and a post is refused.
func TestSupportersJoinPageNotConfigured(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	if res := h.get(t, "/supporters/join"); res.status != http.StatusOK || !strings.Contains(res.body, "not set up yet") {
		t.Fatalf("%d:\n%s", res.status, res.body)
	}
	if res := h.do(t, req{method: "POST", path: "/supporters/join", form: url.Values{}}); res.status != http.StatusServiceUnavailable {
		t.Fatalf("post: %d", res.status)
	}
}

// TestAdminSupportersPage: the treasurer's page and export, and a plan
// refused beside its fields.
func TestAdminSupportersPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, _, _ := supportersSite(t, d)
	res := h.do(t, req{path: "/admin/supporters", as: treasurer})
	body := unescape(res.body)
	for _, want := range []string{"Monthly recurring income", "<caption>The plans readers can choose on the join page</caption>",
		"Monthly</th><td>£5 a month", `<label for="interval">How often</label>`, `aria-current="page">Supporters`,
		"<caption>New and ended supporters", `<a href="/admin/supporters/standing-orders">Standing orders</a>`,
		"Monthly recurring income from every supporter"} {
		if res.status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("page (%d) lacks %q:\n%s", res.status, want, body)
		}
	}
	res = h.do(t, req{method: "POST", path: "/admin/supporters/plans", as: treasurer,
		form: url.Values{"name": {"Monthly"}, "amount": {"0.10"}, "interval": {"fortnight"}}})
	for _, want := range []string{`id="name-error"`, `id="amount-error"`, `id="interval-error"`, "There is already a plan called Monthly"} {
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(unescape(res.body), want) {
			t.Fatalf("bad plan: %d lacks %q:\n%s", res.status, want, res.body)
		}
	}
	res = h.do(t, req{method: "POST", path: "/admin/supporters/plans", as: treasurer,
		form: url.Values{"name": {"Yearly"}, "amount": {"60"}, "interval": {"year"}}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("good plan: %d\n%s", res.status, res.body)
	}
	var audited int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'supporter.plan.create'
		AND after_json LIKE '%Yearly%'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("%d audit entries for the new plan (%v), want 1; the refused one none", audited, err)
	}
	res = h.do(t, req{path: "/admin/supporters/export.csv", as: treasurer})
	if res.status != http.StatusOK || !strings.HasPrefix(res.body, "kind,id,name,email,plan,amount") {
		t.Fatalf("export: %d\n%s", res.status, res.body)
	}
}
