package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testwait"
)

// TestSharePagesAccessible: axe-core finds nothing on the share offer,
// the form refused with errors beside every field, the thanks page, and
// the secretary's list and application pages (one with a refusal).
func TestSharePagesAccessible(t *testing.T) {
	d := dbtest.SQLite(t)
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withSociety(t, d, &soc))
	submitApplication(t, soc, "Ann Jones", "25", society.PayCheque)
	b := browsertest.New(t)
	for _, path := range []string{"/shares", "/shares/thanks?application=1&pay_by=cheque"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	// Every field wrong at once, sent from the page as a reader would.
	b.Navigate(h.http.URL + "/shares")
	browsertest.Eval[bool](b, `document.querySelector('#apply-shares').value = '-3';
		document.querySelector('#apply-address').value = '';
		document.querySelector('#apply-email').value = 'not an address';
		document.querySelector('form.donate-form').submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return browsertest.Eval[bool](b, `document.querySelector('#apply-problems') !== null`)
	}) {
		t.Fatal("the refused form did not come back")
	}
	if got := browsertest.Eval[int](b, `document.querySelectorAll('.field-error').length`); got != 4 {
		t.Errorf("%d errors shown, want four (name, shares, address, email) beside their fields", got)
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the refused form: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, account.Secretary)+`; path=/"; true`)
	for _, path := range []string{"/admin/register/applications", "/admin/register/applications/1"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	if _, err := soc.Approve(context.Background(), 1, account.Actor{Name: "secretary"}); err == nil {
		t.Fatal("approved unpaid")
	}
}
