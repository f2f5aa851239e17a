package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestFormLimitRefusalAccessible: the donate form refused by the form
// limit, as a browser shows it, passes axe-core, and its message is the
// page's alert.
func TestFormLimitRefusalAccessible(t *testing.T) {
	fc := &fakeCheckout{}
	h := newHarness(t, dbtest.SQLite(t), withDonations(fc), withDeps(func(deps *web.Deps) {
		deps.FormLimits = web.FormLimits{PerClient: 1, All: 100}
	}))
	// The one gift loopback may send now; the browser's is the next.
	if res := h.do(t, req{method: "POST", path: "/donate", form: url.Values{"amount": {"10"}, "currency": {"GBP"},
		"name": {"Ann"}, "email": {"ann@example.org"}}}); res.status != http.StatusSeeOther {
		t.Fatalf("first gift: %d", res.status)
	}
	b := browsertest.New(t)
	if status := b.Navigate(h.http.URL + "/donate"); status != http.StatusOK {
		t.Fatalf("donate page: %d", status)
	}
	browsertest.Eval[bool](b, `document.getElementById("donate-name").value = "Ann";
		document.getElementById("donate-email").value = "ann@example.org";
		document.getElementById("donate-name").form.submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return browsertest.Eval[bool](b, `!!document.getElementById("page-alert")`)
	}) {
		t.Fatalf("the form did not come back refused: %s", browsertest.Eval[string](b, `document.title`))
	}
	alert := browsertest.Eval[string](b, `document.querySelector("[role=alert]").textContent`)
	if !strings.Contains(alert, "too many times") || len(fc.reqs) != 1 {
		t.Fatalf("alert %q; %d checkouts started", alert, len(fc.reqs))
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the refused form: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
}
