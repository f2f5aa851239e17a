package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// TestSignInWithKeyboard signs in using only the keyboard, then runs
// axe-core on the sign-in page and the staff pages.
func TestSignInWithKeyboard(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	h.person(t, "admin@example.org", account.Admin, account.Editor)
	b := browsertest.New(t)

	if vs := b.Axe(h.http.URL + "/signin"); len(vs) > 0 {
		t.Errorf("axe-core on /signin: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	if status := b.Navigate(h.http.URL + "/signin"); status != 200 {
		t.Fatalf("sign-in page: %d", status)
	}
	if first := b.Tab(); first.Href != "#main" {
		t.Fatalf("first Tab focused %v, want the skip link", first)
	}
	typeInto := func(id, text string) {
		t.Helper()
		for range 10 {
			if b.Focused().ID == id {
				if _, err := chromedp.Run(b.Context(), chromedp.KeyEvent(text)); err != nil {
					t.Fatal(err)
				}
				return
			}
			b.Tab()
		}
		t.Fatalf("Tab never reached #%s", id)
	}
	typeInto("email", "admin@example.org")
	typeInto("password", testPassword)
	b.Enter()
	// An admin must set up a second factor first: an authenticator app,
	// whose code is computed here from the key the page shows.
	if !testwait.For(5*time.Second, func() bool {
		href, err := browsertest.TryEval[string](b, `location.pathname + location.search`)
		return err == nil && href == "/admin/account/security?setup=1"
	}) {
		t.Fatalf("after sign-in the browser is at %s, want the second-factor set-up", browsertest.Eval[string](b, `location.href`))
	}
	if vs := b.Axe(h.http.URL + "/admin/account/security?setup=1"); len(vs) > 0 {
		t.Errorf("axe-core on the set-up page: %s", browsertest.FormatViolations(vs))
	}
	submitAndWait := func(js string) {
		t.Helper()
		// The old document is marked, so the wait is for the next one.
		browsertest.Eval[bool](b, `(() => { window.oldPage = true; `+js+`; return true; })()`)
		if !testwait.For(5*time.Second, func() bool {
			ok, err := browsertest.TryEval[bool](b, `!window.oldPage && document.readyState === "complete"`)
			return err == nil && ok
		}) {
			t.Fatalf("no page after %s", js)
		}
	}
	submitAndWait(`document.querySelector("form[action='/admin/account/security/totp/start']").submit()`)
	if vs := b.Axe(h.http.URL + "/admin/account/security"); len(vs) > 0 {
		t.Errorf("axe-core on the page with the app's key: %s", browsertest.FormatViolations(vs))
	}
	secret := browsertest.Eval[string](b, `document.querySelector(".totp-secret").textContent`)
	code := mustCode(t, secret, h.clock.Now())
	submitAndWait(`document.querySelector("#code").value = "` + code + `"; document.querySelector("form[action='/admin/account/security/totp']").submit()`)
	if n := browsertest.Eval[int](b, `document.querySelectorAll(".recovery-codes li").length`); n != 10 {
		t.Fatalf("recovery codes shown: %d, want 10", n)
	}
	b.Navigate(h.http.URL + "/admin/")
	if h1 := browsertest.Eval[string](b, `document.querySelector("h1").textContent`); h1 != "Staff dashboard" {
		t.Fatalf("h1 %q", h1)
	}
	for _, path := range []string{"/admin/", "/admin/account", "/admin/users", "/admin/audit", "/admin/audit?since=nonsense",
		"/admin/authors", "/admin/authors/1"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
}
