package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// TestSupporterPagesAccessible runs axe-core on the join page and the
// treasurer's supporters page, as they first show and as they come back
// with errors beside their fields.
func TestSupporterPagesAccessible(t *testing.T) {
	h, _, _ := supportersSite(t, dbtest.SQLite(t))
	b := browsertest.New(t)
	for _, path := range []string{"/supporters", "/supporters/join"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	// The join form sent empty comes back with every error beside its field.
	b.Navigate(h.http.URL + "/supporters/join")
	browsertest.Eval[bool](b, `document.getElementById("join-name").form.submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return browsertest.Eval[bool](b, `!!document.getElementById("join-email-error")`)
	}) {
		t.Fatal("the join form did not come back with its errors")
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the join form with errors: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, treasurer)+`; path=/"; true`)
	if vs := b.Axe(h.http.URL + "/admin/supporters"); len(vs) > 0 {
		t.Errorf("axe-core on /admin/supporters: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	b.Navigate(h.http.URL + "/admin/supporters")
	browsertest.Eval[bool](b, `document.getElementById("amount").value = "0.01"; document.getElementById("amount").form.submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return strings.Contains(browsertest.Eval[string](b, `document.title`), "Error")
	}) {
		t.Fatalf("the plan form did not come back with errors: %s", browsertest.Eval[string](b, `document.title`))
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the plan form with errors: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
}
