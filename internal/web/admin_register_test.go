package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// TestSecretaryRegisterPages: the register as of a day, replayed from the
// ledger (a member admitted later is not on an earlier day's register; a
// member who withdrew everything shows as ceased), the whole register as
// CSV with typed text defused, and as PDF, the annual return's figures, and bad days
// and years refused beside the field.
func TestSecretaryRegisterPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) {
			var err error
			if soc, err = society.New(d, society.DefaultRules(), func() time.Time { return testStart }); err != nil {
				t.Fatal(err)
			}
			deps.Society = soc
		}))
		secretary := h.as(t, account.Secretary)
		admit := func(name, on string, shares int64) society.Member {
			t.Helper()
			m, err := soc.Admit(ctx, society.Admission{Class: society.Individual, Shares: shares, On: on,
				Contact: society.Contact{Name: name, Address: name + " House, Leeds", Email: strings.ToLower(strings.Fields(name)[0]) + "@example.org",
					EmailUse: society.EmailNotices, EffectiveOn: on}}, account.Actor{Name: "secretary"})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		admit("Ann Early", "2024-01-10", 100)
		admit("=HYPERLINK Bob", "2024-06-01", 50)
		runScenarios(t, h, []scenario{
			{name: "register today", path: "/admin/register", token: secretary, status: 200,
				want: []string{"<caption>Register of members as of 2024-11-06</caption>", "Ann Early", "=HYPERLINK Bob", "£150.00 of share capital", "2 members"}},
			{name: "register before Bob", path: "/admin/register?as_of=2024-03-01", token: secretary, status: 200,
				want: []string{"Ann Early", "1 member holding £100.00"}, notWant: []string{"HYPERLINK"}},
			{name: "a day that does not exist", path: "/admin/register?as_of=2024-02-30", token: secretary, status: http.StatusUnprocessableEntity,
				want: []string{`id="as_of-error"`, "YYYY-MM-DD"}},
			{name: "a day to come", path: "/admin/register?as_of=2030-01-01", token: secretary, status: http.StatusUnprocessableEntity,
				want: []string{"as of today at the latest"}},
			{name: "CSV", path: "/admin/register.csv?as_of=2024-11-06", token: secretary, status: 200,
				wantHeader: map[string]string{"Content-Disposition": `attachment; filename="register-of-members-2024-11-06.csv"`},
				want:       []string{"number,class,name,postal_address", "Ann Early", "'=HYPERLINK Bob", ",100.00,"}},
			{name: "PDF", path: "/admin/register.pdf?as_of=2024-11-06", token: secretary, status: 200,
				wantHeader: map[string]string{"Content-Type": "application/pdf",
					"Content-Disposition": `attachment; filename="register-of-members-2024-11-06.pdf"`},
				want: []string{"%PDF-1.", "/Lang (en-GB)", "%%EOF"}},
			{name: "PDF of a day that does not exist", path: "/admin/register.pdf?as_of=2024-13-01", token: secretary,
				status: http.StatusBadRequest, want: []string{"YYYY-MM-DD"}, notWant: []string{"%PDF"}},
			{name: "PDF refused to a treasurer", path: "/admin/register.pdf", as: account.Treasurer, status: http.StatusForbidden,
				notWant: []string{"%PDF"}},
			{name: "annual return", path: "/admin/register/annual-return?year=2024", token: secretary, status: 200,
				want: []string{"Financial year 2024-01-01 to 2024-12-31", "Members admitted in the year</th><td>2", "£150.00"}},
			{name: "a year to come", path: "/admin/register/annual-return?year=2031", token: secretary, status: http.StatusUnprocessableEntity,
				want: []string{`id="year-error"`}},
			{name: "treasurer refused", path: "/admin/register", as: account.Treasurer, status: http.StatusForbidden},
		})
	})
}
