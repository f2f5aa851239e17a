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
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// TestReaderChoosesColumnThanks: where the paper offers it, a supporter
// says on /account whether and how the fund column thanks them (saved,
// audited as the reader); another reader's support is a 404; a name too
// long is refused beside the section and nothing changes; the join form
// asks too. Where the paper does not offer it, neither page asks and the
// route is a 404.
func TestReaderChoosesColumnThanks(t *testing.T) {
	d := dbtest.SQLite(t)
	mock := testservers.StartStripeMock(t)
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	site := func(offered bool) *harness {
		svc := supporter.New(d, fund.New(d, time.UTC, time.Now), st, "The Daily Co-op", "http://paper.test", supporter.WithColumnThanks(offered))
		return newHarness(t, d, withStaff(), withFund(), withDeps(func(deps *web.Deps) { deps.Supporters = svc }))
	}
	h := site(true)
	svc := supporter.New(d, fund.New(d, time.UTC, time.Now), st, "The Daily Co-op", "http://paper.test")
	five, err := svc.CreatePlan(context.Background(), supporter.PlanInput{Name: "Monthly", Amount: "5", Interval: "month"})
	if err != nil {
		t.Fatal(err)
	}
	reader := h.persona(t, account.Reader)
	other := h.person(t, "other-thanks@example.org", account.Reader)
	mine := addSubscription(t, d, reader.account, five, "sub_thanks_mine")
	theirs := addSubscription(t, d, other, five, "sub_thanks_theirs")
	if page := h.do(t, req{path: "/account", token: reader.token}); !strings.Contains(page.body, `action="/account/support/`+strconv.FormatInt(mine, 10)+`/thanks"`) {
		t.Fatalf("the account page does not ask about thanks:\n%s", page.body)
	}
	if join := h.do(t, req{path: "/supporters/join"}); !strings.Contains(join.body, `name="thanks_name"`) {
		t.Fatalf("the join form does not ask about thanks:\n%s", join.body)
	}
	post := func(h *harness, id int64, form url.Values) response {
		return h.do(t, req{method: "POST", path: "/account/support/" + strconv.FormatInt(id, 10) + "/thanks", token: reader.token, form: form})
	}
	yes := url.Values{"thanks": {"yes"}, "thanks_name": {"Ann Lee"}, "thanks_town": {"Leeds"}}
	if res := post(h, theirs, yes); res.status != http.StatusNotFound {
		t.Fatalf("another reader's support: %d", res.status)
	}
	if res := post(h, mine, url.Values{"thanks": {"yes"}, "thanks_name": {strings.Repeat("n", 101)}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `id="support-error"`) {
		t.Fatalf("a name too long: %d\n%s", res.status, res.body)
	}
	if res := post(h, mine, yes); res.status != http.StatusSeeOther {
		t.Fatalf("saving: %d\n%s", res.status, res.body)
	}
	for id, want := range map[int64]supporter.Thanks{mine: {On: true, Name: "Ann Lee", Town: "Leeds"}, theirs: {}} {
		sub, err := svc.Subscription(context.Background(), id)
		if err != nil || sub.Thanks != want {
			t.Fatalf("subscription %d thanks %+v (%v), want %+v", id, sub.Thanks, err, want)
		}
	}
	var audited int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'supporter.thanks'
		AND object_id = $1 AND after_json LIKE '%Ann Lee%'`, strconv.FormatInt(mine, 10)).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("%d audit entries (%v), want 1", audited, err)
	}
	off := site(false)
	if page := off.do(t, req{path: "/account", token: reader.token}); strings.Contains(page.body, "/thanks\"") {
		t.Fatal("the account page asks about thanks the paper does not offer")
	}
	if join := off.do(t, req{path: "/supporters/join"}); strings.Contains(join.body, `name="thanks_name"`) {
		t.Fatal("the join form asks about thanks the paper does not offer")
	}
	if res := post(off, mine, yes); res.status != http.StatusNotFound {
		t.Fatalf("the thanks route without the offer: %d", res.status)
	}
}
