package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// TestRegisterImportPages walks the secretary's import on both engines:
// a file with bad lines shows each problem beside its line and records
// nothing; a good file is previewed, then confirmed, keeping numbers and
// days; the same confirmation again records nothing twice.
func TestRegisterImportPages(t *testing.T) {
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
		upload := func(file string) response {
			body, ctype := multipartForm(t, nil, "file", "register.csv", []byte(file))
			return h.do(t, req{method: "POST", path: "/admin/register/import", token: secretary, body: body, contentType: ctype})
		}
		const head = "number,name,postal_address,email,shares,admitted_on\n"
		good := head + "17,Ann Jones,\"1 High St\nLeeds\",ann@example.org,250,1998-04-01\n204,Ben Smith,2 Low Rd,,10,2010-10-10\n"

		runScenarios(t, h, []scenario{
			{name: "the form", path: "/admin/register/import", token: secretary, status: 200,
				want: []string{`<label for="file">CSV file</label>`, "admitted_on", "Preview the import"}},
			{name: "refused to a treasurer", path: "/admin/register/import", as: account.Treasurer, status: http.StatusForbidden},
		})

		res := upload(head + "17,Ann Jones,1 High St,250,1998-04-01\n17,Ben Smith,2 Low Rd,,10,2030-01-01\n")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(unescape(res.body), "Line 2 has a different number of columns") {
			t.Fatalf("a short line: %d %s", res.status, firstError(res.body))
		}
		res = upload(head + "17,Ann Jones,1 High St,,250,1998-04-01\n17,=Ben Smith,2 Low Rd,,100001,2030-01-01\n")
		body := unescape(res.body)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad lines: %d", res.status)
		}
		for _, w := range []string{`id="file-error"`, "1 line of the file has problems", "number: Membership number 17 is also on line 2",
			"name: This begins with =", "shares: 100001 shares are £100,001; the rules let an individual hold at most £100,000",
			"admitted_on: The date cannot be in the future", "Ready"} {
			if !strings.Contains(body, w) {
				t.Errorf("bad lines: page lacks %q", w)
			}
		}
		if strings.Contains(body, `name="confirm"`) {
			t.Error("a file with problems is offered for import")
		}
		if reg, _ := soc.Register(ctx, "2024-11-06"); len(reg) != 0 {
			t.Fatalf("recorded before confirmation: %+v", reg)
		}

		res = upload(good)
		body = unescape(res.body)
		if res.status != 200 || !strings.Contains(body, "Check the register before importing it") || !strings.Contains(body, "2 members to import") ||
			!strings.Contains(body, "250 (£250.00)") || !strings.Contains(body, "Import 2 members") {
			t.Fatalf("preview: %d %s", res.status, firstError(res.body))
		}
		confirm := url.Values{"data": {previewData(t, res.body)}, "confirm": {"1"}}
		for i, want := range []string{"recorded=2&skipped=0", "recorded=0&skipped=2"} {
			res = h.do(t, req{method: "POST", path: "/admin/register/import", token: secretary, form: confirm})
			if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), want) {
				t.Fatalf("confirmation %d: %d %q", i+1, res.status, res.header.Get("Location"))
			}
		}
		done := h.do(t, req{path: res.header.Get("Location"), token: secretary})
		if !strings.Contains(done.body, "Imported 0 members; 2 already in the register were skipped.") {
			t.Errorf("after the second import: %s", errorSummaryOr(done.body))
		}
		reg, err := soc.Register(ctx, "2024-11-06")
		if err != nil || len(reg) != 2 || reg[0].Number != 17 || reg[0].AdmittedOn != "1998-04-01" || reg[0].Shares != 250 ||
			reg[1].Number != 204 || reg[1].Paid != 1000 {
			t.Fatalf("register %+v %v", reg, err)
		}
	})
}

// TestRegisterImportFormerMembersPage: a former member's line without
// what they held when they left is refused beside it; with it, the
// preview says who left when holding what, and the import records them.
func TestRegisterImportFormerMembersPage(t *testing.T) {
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
		upload := func(file string) response {
			body, ctype := multipartForm(t, nil, "file", "register.csv", []byte(file))
			return h.do(t, req{method: "POST", path: "/admin/register/import", token: secretary, body: body, contentType: ctype})
		}
		const head = "number,name,postal_address,shares,admitted_on,ceased_on,shares_at_ceasing\n"
		res := upload(head + "17,Ann Jones,1 High St,250,1998-04-01,,\n95,Ben Smith,2 Low Rd,0,2001-05-01,2019-06-30,\n")
		if body := unescape(res.body); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "shares_at_ceasing: Give the shares this former member held when they left") {
			t.Fatalf("a former member without their shares: %d %s", res.status, firstError(res.body))
		}
		res = upload(head + "17,Ann Jones,1 High St,250,1998-04-01,,\n95,Ben Smith,2 Low Rd,0,2001-05-01,2019-06-30,40\n")
		body := unescape(res.body)
		if res.status != 200 || !strings.Contains(body, "0 (held 40, £40.00)") ||
			!strings.Contains(body, "Ready: a former member, who left on 2019-06-30 holding 40 shares") {
			t.Fatalf("preview: %d %s", res.status, firstError(res.body))
		}
		res = h.do(t, req{method: "POST", path: "/admin/register/import", token: secretary,
			form: url.Values{"data": {previewData(t, res.body)}, "confirm": {"1"}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.status)
		}
		done := h.do(t, req{path: res.header.Get("Location"), token: secretary})
		if !strings.Contains(done.body, "Imported 2 members (1 of them former, with the day they left); 0 already") {
			t.Errorf("after the import: %s", errorSummaryOr(done.body))
		}
		reg, err := soc.Register(ctx, "2019-06-29")
		if err != nil || len(reg) != 2 || reg[1].Number != 95 || reg[1].Shares != 40 || reg[1].CeasedOn != "" {
			t.Fatalf("register the day before Ben left: %+v %v", reg, err)
		}
		if reg, _ = soc.Register(ctx, "2024-11-06"); len(reg) != 2 || reg[1].Shares != 0 || reg[1].CeasedOn != "2019-06-30" {
			t.Fatalf("register now: %+v", reg)
		}
	})
}
