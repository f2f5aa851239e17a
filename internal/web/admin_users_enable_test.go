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
)

// TestAdminEnablesADisabledAccount: a disabled account can be brought back
// from its page, audited, and signs in again with its old password; the
// button shows only on a disabled account, and enabling an active one is
// refused beside the button, changing nothing.
func TestAdminEnablesADisabledAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff())
		ctx := context.Background()
		admin := h.as(t, account.Admin)
		w := h.person(t, "writer@example.org", account.Writer)
		if err := h.accounts.SetPassword(ctx, account.Actor{Name: "test"}, w.ID, "a long enough passphrase"); err != nil {
			t.Fatal(err)
		}
		page := "/admin/users/" + itoa(w.ID)
		if res := h.do(t, req{path: page, token: admin}); res.status != 200 || strings.Contains(res.body, "/enable") {
			t.Fatalf("active account's page: %d, enable button shown %v", res.status, strings.Contains(res.body, "/enable"))
		}
		res := h.do(t, req{method: "POST", path: page + "/enable", token: admin, form: url.Values{}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="enable-error"`) ||
			!strings.Contains(res.body, "is not disabled") || !strings.Contains(res.body, `aria-describedby="enable-error"`) {
			t.Fatalf("enabling an active account: %d\n%s", res.status, errorSummary(res.body))
		}
		if res := h.do(t, req{method: "POST", path: page + "/disable", token: admin, form: url.Values{}}); res.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.status)
		}
		if _, err := h.accounts.Authenticate(ctx, "writer@example.org", "a long enough passphrase"); err == nil {
			t.Fatal("a disabled account signed in")
		}
		if res := h.do(t, req{path: page, token: admin}); !strings.Contains(res.body, `action="/admin/users/`+itoa(w.ID)+`/enable"`) {
			t.Fatalf("disabled account's page has no enable button")
		}
		res = h.do(t, req{method: "POST", path: page + "/enable", token: admin, form: url.Values{}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?enabled=1" {
			t.Fatalf("enable: %d %s", res.status, res.header.Get("Location"))
		}
		if _, err := h.accounts.Authenticate(ctx, "writer@example.org", "a long enough passphrase"); err != nil {
			t.Fatalf("enabled account cannot sign in: %v", err)
		}
		if res := h.do(t, req{path: "/admin/audit?object=account:" + itoa(w.ID), token: admin}); !strings.Contains(res.body, "account.enable") {
			t.Fatalf("enable not in the account's audit history")
		}
	})
}
