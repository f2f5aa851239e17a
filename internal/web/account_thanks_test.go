package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestSupporterThanks: /account/me says a reader gives every month only
// when they do and the site thanks supporters; in Chromium the fund box
// then thanks them instead of asking, while the cached article itself
// stays the same for everyone.
func TestSupporterThanks(t *testing.T) {
	d := dbtest.SQLite(t)
	h, _, five := supportersSite(t, d)
	giver := h.persona(t, account.Reader)
	addSubscription(t, d, giver.account, five, "sub_giver")
	other := h.person(t, "not-yet@example.org", account.Reader)
	otherToken := h.session(t, other)
	me := func(h *harness, token string) string { return h.do(t, req{path: "/account/me", token: token}).body }
	if got := me(h, giver.token); !strings.Contains(got, `"supporter":true`) {
		t.Errorf("/account/me for a supporter: %s", got)
	}
	if got := me(h, otherToken); strings.Contains(got, "supporter") {
		t.Errorf("/account/me for a reader who does not give: %s", got)
	}
	// A standing order counts as giving every month too.
	so := h.person(t, "by-bank@example.org", account.Reader)
	if _, err := supporter.NewStandingOrders(d, fund.New(d, time.UTC, time.Now), time.UTC, time.Now).AddStandingOrder(context.Background(),
		supporter.OrderInput{Name: "By Bank", Email: so.Email, Amount: "10", Frequency: "monthly", Reference: "BYBANK-1", StartedOn: "2024-01-01"}, "test"); err != nil {
		t.Fatal(err)
	}
	if got := me(h, h.session(t, so)); !strings.Contains(got, `"supporter":true`) {
		t.Errorf("/account/me for a standing-order supporter: %s", got)
	}
	off := newHarness(t, d, withStaff(), withFund(), withDeps(func(deps *web.Deps) { deps.SupporterThanks = false }))
	if got := me(off, giver.token); strings.Contains(got, "supporter") {
		t.Errorf("/account/me with thanks turned off: %s", got)
	}

	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+giver.token+`; path=/"; document.cookie = "coopress_signed_in=1; path=/"; true`)
	b.Navigate(h.http.URL + seedPath)
	if !testwait.For(5*time.Second, func() bool {
		return browsertest.Eval[bool](b, `!!document.querySelector(".fund-box .supporter-thanks") && !document.querySelector(".fund-box .donate")`)
	}) {
		t.Fatalf("the fund box still asks a supporter: %s", browsertest.Eval[string](b, `document.querySelector(".fund-box").innerText`))
	}
	if anon := h.get(t, seedPath); strings.Contains(anon.body, "Thank you for giving every month") || !strings.Contains(anon.body, "Donate today") {
		t.Errorf("the cached article itself changed")
	}
}
