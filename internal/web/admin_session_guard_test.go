package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestForgedAndExpiredSessions checks that only a live session opens the
// staff area.
func TestForgedAndExpiredSessions(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	ed := h.person(t, "ed@example.org", account.Editor)
	live := h.session(t, ed)
	if res := h.do(t, req{path: "/admin/", token: live}); res.status != 200 || !strings.Contains(res.body, "Test ed") {
		t.Fatalf("live session: %d", res.status)
	}
	for _, forged := range []string{"x", strings.Repeat("A", 43), live[:42] + "B", strings.Repeat("z", 5000)} {
		res := h.do(t, req{path: "/admin/", token: forged})
		if !res.sentToSignIn() {
			t.Errorf("forged cookie %.10q: %d", forged, res.status)
		}
		if res.cookie == nil || res.cookie.MaxAge >= 0 {
			t.Errorf("forged cookie %.10q was not cleared", forged)
		}
	}
	h.clock.Advance(12*time.Hour + time.Minute)
	if res := h.do(t, req{path: "/admin/", token: live}); !res.sentToSignIn() {
		t.Errorf("session idle for 12 hours: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: "/admin/account/signout-everywhere", token: live, form: url.Values{}}); res.status != http.StatusUnauthorized {
		t.Errorf("POST with an expired session: %d, want 401", res.status)
	}
}

// TestCrossOriginPostsRefused: a form on another site cannot sign anyone in
// or act with a staff member's session.
func TestCrossOriginPostsRefused(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	admin := h.person(t, "admin@example.org", account.Admin)
	token := h.session(t, admin)
	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	if res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"admin@example.org"}, "password": {testPassword}}, header: evil}); res.status != http.StatusForbidden || res.cookie != nil {
		t.Errorf("cross-site sign-in: %d, cookie %v", res.status, res.cookie)
	}
	form := url.Values{"email": {"mole@example.org"}, "name": {"Mole"}, "roles": {"admin"}}
	if res := h.do(t, req{method: "POST", path: "/admin/users", token: token, form: form, header: evil}); res.status != http.StatusForbidden {
		t.Errorf("cross-site POST /admin/users: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: "/admin/users", token: token, form: form, header: map[string]string{"Origin": "https://evil.example"}}); res.status != http.StatusForbidden {
		t.Errorf("cross-origin POST /admin/users (Origin only): %d", res.status)
	}
	if _, err := h.accounts.ByEmail(t.Context(), "mole@example.org"); err == nil {
		t.Fatal("a cross-site POST created an account")
	}
	if res := h.do(t, req{method: "POST", path: "/admin/users", token: token, form: form, header: map[string]string{"Sec-Fetch-Site": "same-origin"}}); res.status != http.StatusSeeOther {
		t.Errorf("same-origin POST /admin/users: %d", res.status)
	}
}
