package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestMembershipPagesAccessible: axe-core finds nothing on a member's
// page, with a refused change of details and a refused withdrawal, on a
// non-member's, nor on the secretary's withdrawals, link, admission and
// share forms, with a request waiting, a suspension recorded and with
// refusals beside fields.
func TestMembershipPagesAccessible(t *testing.T) {
	d := dbtest.SQLite(t)
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc, func(r *society.Rules) {
		r.NoticeDays, r.WithdrawalsSuspendedFrom = 30, "2025-06-01"
	}))
	ctx := context.Background()
	member := h.persona(t, account.Reader)
	m := admitMember(t, soc, "Rita Reader", 40)
	if err := soc.Link(ctx, m.Number, member.account.ID, account.Actor{Name: "secretary"}); err != nil {
		t.Fatal(err)
	}
	if _, err := soc.RequestWithdrawal(ctx, m.Number, 10, account.Actor{Name: "reader"}); err != nil {
		t.Fatal(err)
	}
	outsider := h.readerSession(t, "outsider@example.org")
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	as := func(token string) {
		browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+token+`; path=/"; true`)
	}
	check := func(what string) {
		t.Helper()
		if vs := axeHere(t, b); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", what, len(vs), browsertest.FormatViolations(vs))
		}
	}
	as(member.token)
	b.Navigate(h.http.URL + "/account/membership")
	check("a member's page")
	browsertest.Eval[bool](b, `document.getElementById("name").value = ""; document.querySelector("form[action$='/contact'] button").click(); true`)
	waitInPage(t, b, `document.getElementById("name-error") !== null`)
	check("a refused change of details")
	b.Navigate(h.http.URL + "/account/membership")
	browsertest.Eval[bool](b, `document.getElementById("shares").value = "0.5"; document.querySelector("form[action$='/withdraw'] button").click(); true`)
	waitInPage(t, b, `document.getElementById("shares-error") !== null`)
	check("a refused withdrawal")
	b.Navigate(h.http.URL + "/account")
	check("the account page of a member")

	as(outsider)
	b.Navigate(h.http.URL + "/account/membership")
	check("a non-member's page")

	as(h.as(t, account.Secretary))
	b.Navigate(h.http.URL + "/admin/register/withdrawals")
	check("the withdrawals waiting")
	browsertest.Eval[bool](b, `document.querySelector("form[action$='/pay'] button").click(); true`)
	waitInPage(t, b, `document.querySelector(".field-error") !== null`)
	check("an unconfirmed payment")
	p, err := society.ParseSuspension(society.SuspensionInput{StartsOn: "2024-12-01", EndsOn: "2025-03-01", Resolution: "2024/9"},
		testStart, soc.Rules())
	if err == nil {
		_, err = soc.Suspend(ctx, p, account.Actor{Name: "secretary"})
	}
	if err != nil {
		t.Fatal(err)
	}
	b.Navigate(h.http.URL + "/admin/register/withdrawals")
	browsertest.Eval[bool](b, `document.getElementById("ends_on-1").value = "2020-01-01"; document.querySelector("form[action$='/1/end'] button").click(); true`)
	waitInPage(t, b, `document.getElementById("ends_on-1-error") !== null`)
	check("a suspension's refused end")
	b.Navigate(h.http.URL + "/admin/register/withdrawals")
	browsertest.Eval[bool](b, `document.querySelector("form[action$='/suspensions'] button").click(); true`)
	waitInPage(t, b, `document.getElementById("starts_on-error") !== null`)
	check("a refused suspension")
	b.Navigate(h.http.URL + "/admin/register/member?number=1")
	check("the link page")
	b.Navigate(h.http.URL + "/admin/register/member?number=x")
	check("the link page refusing a number")
	for _, form := range []string{"admit", "shares"} {
		b.Navigate(h.http.URL + "/admin/register/" + form)
		check("the " + form + " form")
		browsertest.Eval[bool](b, `document.getElementById("date").value = "2024-02-30"; document.querySelector("form[action='/admin/register/`+form+`'] button[type=submit]").click(); true`)
		waitInPage(t, b, `document.getElementById("date-error") !== null`)
		check("the " + form + " form refusing a day")
	}
}

// waitInPage waits until the JavaScript condition holds in the page, for
// at most ten seconds: a promise in the page checks it until then, and a
// navigation that destroys the promise is followed by a fresh one on the
// new page.
func waitInPage(t *testing.T, b *browsertest.Browser, cond string) {
	t.Helper()
	js := `new Promise(done => { const go = () => (` + cond + `) ? done(true) : setTimeout(go, 20); go(); })`
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := browsertest.TryEval[bool](b, js); err == nil && ok {
			return
		}
	}
	t.Fatalf("waited 10s for %s", cond)
}
