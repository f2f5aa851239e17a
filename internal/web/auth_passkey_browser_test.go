package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// TestPasskeyInChromium: a treasurer with a password alone is sent to
// set up a second factor, adds a passkey in headless Chromium through
// its virtual authenticator (the WebAuthn domain of the DevTools
// protocol), is shown recovery codes once, and at the next sign-in uses
// the passkey to reach the money pages. Both pages pass axe-core.
func TestPasskeyInChromium(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withLocalhost(), withFund())
	tr := h.person(t, "tre@example.org", account.Treasurer)
	b := browsertest.New(t)
	addAuthenticator(t, b)
	at := func(path string) bool {
		return testwait.For(10*time.Second, func() bool {
			href, err := browsertest.TryEval[string](b, `document.readyState === "complete" ? location.href : ""`)
			if err != nil {
				return false // navigating
			}
			u, err := url.Parse(href)
			return err == nil && u.RequestURI() == path
		})
	}
	signIn := func() {
		t.Helper()
		b.Navigate(h.base + "/signin?next=" + url.QueryEscape("/admin/fund"))
		browsertest.Eval[bool](b, `(() => {
			document.querySelector("#email").value = "tre@example.org";
			document.querySelector("#password").value = "`+testPassword+`";
			document.querySelector("form[action='/signin']").submit();
			return true;
		})()`)
	}

	signIn()
	if !at("/admin/account/security?setup=1") {
		t.Fatalf("after the password Chromium is at %s, want the set-up page", browsertest.Eval[string](b, `location.href`))
	}
	if vs := b.Axe(h.base + "/admin/account/security?setup=1"); len(vs) > 0 {
		t.Errorf("set-up page: %s", browsertest.FormatViolations(vs))
	}
	browsertest.Eval[bool](b, `(() => {
		document.querySelector("#passkey-name").value = "Test laptop";
		document.querySelector("#passkey .passkey-button").click();
		return true;
	})()`)
	var codes int
	if !testwait.For(10*time.Second, func() bool {
		codes = browsertest.Eval[int](b, `document.querySelectorAll("#codes .recovery-codes li").length`)
		return codes > 0
	}) {
		t.Fatalf("no recovery codes shown after adding the passkey; the page says %q",
			browsertest.Eval[string](b, `(document.querySelector(".passkey-status") || {}).textContent || ""`))
	}
	if codes != account.RecoveryCodeCount {
		t.Errorf("%d recovery codes shown, want %d", codes, account.RecoveryCodeCount)
	}
	if focused := b.Focused(); focused.Tag != "h2" || !strings.Contains(focused.Text, "recovery codes") {
		t.Errorf("focus after adding: %v, want the recovery codes' heading", focused)
	}
	fs, err := h.accounts.Factors(context.Background(), tr.ID)
	if err != nil || len(fs) != 1 || fs[0].Kind != account.Passkey || fs[0].Name != "Test laptop" {
		t.Fatalf("factors after adding a passkey: %+v %v", fs, err)
	}
	if status := b.Navigate(h.base + "/admin/fund"); status != 200 {
		t.Fatalf("money page after set-up: %d", status)
	}

	// Sign out and in again: the passkey completes the sign-in.
	browsertest.Eval[bool](b, `fetch("/signout", {method: "POST"}).then(() => true)`)
	signIn()
	if !at("/signin/second?next=%2Fadmin%2Ffund") {
		t.Fatalf("after the password Chromium is at %s, want the second-factor page", browsertest.Eval[string](b, `location.href`))
	}
	if vs := b.Axe(h.base + "/signin/second?next=%2Fadmin%2Ffund"); len(vs) > 0 {
		t.Errorf("second-factor page: %s", browsertest.FormatViolations(vs))
	}
	browsertest.Eval[bool](b, `(() => { document.querySelector("#passkey .passkey-button").click(); return true; })()`)
	if !at("/admin/fund") {
		t.Fatalf("after the passkey Chromium is at %s (%q), want /admin/fund", browsertest.Eval[string](b, `location.href`),
			browsertest.Eval[string](b, `(document.querySelector(".passkey-status") || {}).textContent || ""`))
	}
	if title := browsertest.Eval[string](b, `document.title`); !strings.Contains(title, "fund") && !strings.Contains(title, "Fund") {
		t.Errorf("money page title %q", title)
	}
	fs, _ = h.accounts.Factors(context.Background(), tr.ID)
	if len(fs) != 1 || fs[0].LastUsedAt.IsZero() {
		t.Errorf("the passkey's last use is not recorded: %+v", fs)
	}
}
