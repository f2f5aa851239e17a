package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// TestAccountDataPagesAccessible runs axe-core on a reader's data page and
// the delete page, as they first show and as they come back: preferences
// saved, and a confirmation refused beside its field.
func TestAccountDataPagesAccessible(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withPersonalData())
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, account.Reader)+`; path=/"; true`)
	for _, path := range []string{"/account/data", "/account/delete"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	submitted := func(what, want string) {
		t.Helper()
		if !testwait.For(5*time.Second, func() bool {
			return strings.Contains(browsertest.Eval[string](b, `document.body ? document.body.innerHTML : ""`), want)
		}) {
			t.Fatalf("%s: the page did not come back with %q", what, want)
		}
		if vs := axeHere(t, b); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", what, len(vs), browsertest.FormatViolations(vs))
		}
	}
	b.Navigate(h.http.URL + "/account/data")
	browsertest.Eval[bool](b, `document.getElementById("allow-news").click(); document.getElementById("allow-news").form.submit(); true`)
	submitted("the saved preferences", "Your email preferences are saved.")
	b.Navigate(h.http.URL + "/account/delete")
	browsertest.Eval[bool](b, `document.getElementById("confirm").value = "someone@example.org"; document.getElementById("confirm").form.submit(); true`)
	submitted("a refused confirmation", `id="confirm-error"`)
}
