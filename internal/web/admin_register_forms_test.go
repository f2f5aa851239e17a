package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// societyRows counts the society's rows, so a test can see that a refusal
// recorded nothing.
func societyRows(t *testing.T, d *db.DB) (n int) {
	t.Helper()
	err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM members) + (SELECT COUNT(*) FROM member_contacts)
		+ (SELECT COUNT(*) FROM share_entries)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// with is form with field set to value.
func with(form url.Values, field, value string) url.Values {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(field, value)
	return f
}

// TestSecretaryRegisterForms: admitting a member and recording changes to
// holdings by form. Bad input is refused beside its field with the very
// message society's parsers give the command line, and nothing is
// recorded; good input is recorded and audited.
func TestSecretaryRegisterForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc, func(r *society.Rules) { r.MaxIndividual = 1_000_00 }))
		secretary := h.as(t, account.Secretary)
		post := func(path string, form url.Values) response {
			return h.do(t, req{method: "POST", path: path, token: secretary, form: form})
		}
		admit := func(name, address, shares, date, number string) url.Values {
			return url.Values{"name": {name}, "address": {address}, "shares": {shares}, "date": {date}, "number": {number},
				"class": {"individual"}, "email_use": {""}}
		}
		if res := post("/admin/register/admit", admit("Ann Jones", "1 High St, Leeds", "100", "2024-03-01", "")); res.status != http.StatusSeeOther ||
			!strings.HasSuffix(res.header.Get("Location"), "admitted=1") {
			t.Fatalf("admit: %d %s\n%s", res.status, res.header.Get("Location"), errorSummaryOr(res.body))
		}
		badAdmissions := []struct {
			name, field string
			form        url.Values
		}{
			{"zero shares", "shares", admit("Ben Smith", "2 Low Rd", "0", "2024-03-01", "")},
			{"negative shares", "shares", admit("Ben Smith", "2 Low Rd", "-5", "2024-03-01", "")},
			{"fractional shares", "shares", admit("Ben Smith", "2 Low Rd", "2.5", "2024-03-01", "")},
			{"over the cap", "shares", admit("Ben Smith", "2 Low Rd", "1001", "2024-03-01", "")},
			{"empty address", "address", admit("Ben Smith", "  ", "5", "2024-03-01", "")},
			{"address too long", "address", admit("Ben Smith", strings.Repeat("a", 501), "5", "2024-03-01", "")},
			{"no name", "name", admit("", "2 Low Rd", "5", "2024-03-01", "")},
			{"impossible day", "date", admit("Ben Smith", "2 Low Rd", "5", "2024-02-30", "")},
			{"day to come", "date", admit("Ben Smith", "2 Low Rd", "5", "2030-01-01", "")},
			{"number taken", "number", admit("Ben Smith", "2 Low Rd", "5", "2024-03-01", "1")},
			{"bad number", "number", admit("Ben Smith", "2 Low Rd", "5", "2024-03-01", "x")},
			{"the same person", "name", admit("ann jones", "1 High St Leeds", "5", "2024-03-01", "")},
			{"email without @", "email", with(admit("Ben Smith", "2 Low Rd", "5", "2024-03-01", ""), "email", "ben")},
			{"use without an email", "email_use", with(admit("Ben Smith", "2 Low Rd", "5", "2024-03-01", ""), "email_use", "notices")},
			{"unknown class", "class", with(admit("Ben Smith", "2 Low Rd", "5", "2024-03-01", ""), "class", "club")},
		}
		for _, c := range badAdmissions {
			t.Run(c.name, func(t *testing.T) {
				before := societyRows(t, d)
				res := post("/admin/register/admit", c.form)
				if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+c.field+`-error"`) {
					t.Fatalf("%d, want 422 with %s-error\n%s", res.status, c.field, errorSummaryOr(res.body))
				}
				// Refusals the parser makes come with its own words, as the
				// command line prints them.
				_, perr := society.ParseAdmission(society.AdmitInput{Name: c.form.Get("name"), Address: c.form.Get("address"),
					Email: c.form.Get("email"), EmailUse: c.form.Get("email_use"), Class: c.form.Get("class"),
					Shares: c.form.Get("shares"), PaidOn: c.form.Get("date"), Number: c.form.Get("number")}, testStart, soc.Rules())
				for _, v := range valid.All(perr) {
					if !strings.Contains(html.UnescapeString(res.body), v.Message) {
						t.Errorf("the page lacks the parser's %q", v.Message)
					}
				}
				if after := societyRows(t, d); after != before {
					t.Errorf("%d rows recorded", after-before)
				}
			})
		}

		change := func(kind, shares, date string, extra ...string) url.Values {
			f := url.Values{"kind": {kind}, "member": {"1"}, "shares": {shares}, "date": {date}, "reason": {"test"}}
			for i := 0; i+1 < len(extra); i += 2 {
				f.Set(extra[i], extra[i+1])
			}
			return f
		}
		badChanges := []struct {
			name, field string
			form        url.Values
		}{
			{"no kind", "kind", change("", "5", "2024-04-01")},
			{"unknown kind", "kind", change("gift", "5", "2024-04-01")},
			{"zero", "shares", change("allotment", "0", "2024-04-01")},
			{"fraction", "shares", change("allotment", "1.5", "2024-04-01")},
			{"over the cap", "shares", change("allotment", "901", "2024-04-01")},
			{"withdraw more than held", "shares", change("withdrawal", "101", "2024-04-01")},
			{"before the last entry", "date", change("allotment", "5", "2024-02-01")},
			{"cancel without resolution", "resolution", change("cancellation", "5", "2024-04-01")},
			{"no reason", "reason", change("allotment", "5", "2024-04-01", "reason", "")},
			{"no such member", "member", change("allotment", "5", "2024-04-01", "member", "42")},
			{"transmit to both", "nominee", change("transmission", "", "2024-04-01", "nominee", "1", "estate", "Estate of Ann")},
			{"transmit to no one", "nominee", change("transmission", "", "2024-04-01")},
			{"transmit to oneself", "nominee", change("transmission", "", "2024-04-01", "nominee", "1")},
		}
		for _, c := range badChanges {
			t.Run(c.name, func(t *testing.T) {
				before := societyRows(t, d)
				res := post("/admin/register/shares", c.form)
				if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+c.field+`-error"`) {
					t.Fatalf("%d, want 422 with %s-error\n%s", res.status, c.field, errorSummaryOr(res.body))
				}
				if after := societyRows(t, d); after != before {
					t.Errorf("%d rows recorded", after-before)
				}
			})
		}
		for _, ok := range []url.Values{
			change("allotment", "50", "2024-04-01"),
			change("withdrawal", "20", "2024-05-01"),
			change("cancellation", "10", "2024-06-01", "resolution", "2024/07"),
			change("transmission", "", "2024-07-01", "estate", "Estate of Ann Jones"),
		} {
			if res := post("/admin/register/shares", ok); res.status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", ok.Get("kind"), res.status, errorSummaryOr(res.body))
			}
		}
		reg, err := soc.Register(context.Background(), "2024-11-06")
		if err != nil || len(reg) != 1 || reg[0].Shares != 0 || reg[0].CeasedOn != "2024-07-01" {
			t.Fatalf("register: %+v %v", reg, err)
		}
		var audited int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'society.%'
			AND actor_name = 'secretary@example.org'`).Scan(&audited); err != nil || audited != 5 {
			t.Errorf("%d society changes audited as the secretary (%v); want 5", audited, err)
		}
		r, err := soc.Check(context.Background())
		if err != nil || !r.OK() {
			t.Fatalf("check: %v %v", r.Problems, err)
		}
	})
}
