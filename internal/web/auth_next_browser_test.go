package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// TestSignInNextStaysOnSiteInChromium signs in with hostile next values,
// as a crafted link or a tampered form would carry them, and checks where
// Chromium itself ends up: on this site, never on evil.example.
func TestSignInNextStaysOnSiteInChromium(t *testing.T) {
	s := newHarness(t, dbtest.SQLite(t), withStaff())
	s.person(t, "ed@example.org", account.Editor)
	site, err := url.Parse(s.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	// evil stands for another site, on loopback so that a browser sent
	// there arrives at once and the test sees where it went.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<!doctype html><title>evil</title><h1>evil</h1>"))
	}))
	t.Cleanup(evil.Close)
	host := strings.TrimPrefix(evil.URL, "http://")
	b := browsertest.New(t)
	for i, next := range []string{"/\t/" + host + "/", "/\n/" + host + "/", `/\` + host + "/", "/%09/" + host + "/", "//" + host + "/"} {
		if i > 0 { // sign out, so that the sign-in form shows again
			browsertest.Eval[bool](b, `fetch("/signout", {method: "POST"}).then(() => true)`)
		}
		b.Navigate(s.http.URL + "/signin?next=" + url.QueryEscape(next))
		// Put the value in the form as well, as a tampered page would.
		js, _ := json.Marshal(next)
		browsertest.Eval[bool](b, `(() => {
			document.querySelector("#email").value = "ed@example.org";
			document.querySelector("#password").value = "`+testPassword+`";
			document.querySelector("input[name=next]").value = `+string(js)+`;
			document.querySelector("form[action='/signin']").submit();
			return true;
		})()`)
		var at string
		if !testwait.For(5*time.Second, func() bool {
			var err error
			if at, err = browsertest.TryEval[string](b, `location.href`); err != nil {
				return false // still navigating
			}
			u, err := url.Parse(at)
			return err == nil && u.Host == site.Host && u.Path == "/admin/"
		}) {
			t.Errorf("next %q: Chromium never reached %s/admin/ after signing in; it shows %s", next, s.http.URL, at)
		}
	}
}
