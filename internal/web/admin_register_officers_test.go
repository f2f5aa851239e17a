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
	"github.com/coopress/coopress/internal/society"
)

// officerRows counts the register of officers' rows, so a test can see
// that a refusal recorded nothing.
func officerRows(t *testing.T, d *db.DB) (n int) {
	t.Helper()
	err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM officers) + (SELECT COUNT(*) FROM officer_ends)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOfficerPages: the secretary records appointments and ends of terms
// on /admin/register/officers; bad input comes back beside its field and
// records nothing; the page shows the officers as of a day with former
// officers below. On both engines.
func TestOfficerPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc))
		secretary := h.as(t, account.Secretary)
		post := func(path string, form url.Values) response {
			return h.do(t, req{method: "POST", path: path, token: secretary, form: form})
		}
		get := func(path string) response { return h.do(t, req{method: "GET", path: path, token: secretary}) }
		appoint := func(name, office, date, member string) url.Values {
			return url.Values{"name": {name}, "office": {office}, "date": {date}, "member": {member}, "address": {""}}
		}
		for _, f := range []url.Values{appoint("Ada Chair", "Chair", "2024-03-01", ""), appoint("Cy Count", "Treasurer", "2024-04-01", "")} {
			if res := post("/admin/register/officers", f); res.status != http.StatusSeeOther ||
				!strings.HasSuffix(res.header.Get("Location"), "done=appointed") {
				t.Fatalf("appoint: %d %s\n%s", res.status, res.header.Get("Location"), errorSummaryOr(res.body))
			}
		}
		cur, _, err := soc.OfficerRegister(context.Background(), "2024-04-01")
		if err != nil || len(cur) != 2 {
			t.Fatalf("officers: %+v %v", cur, err)
		}
		ada := cur[0].ID
		if res := get("/admin/register/officers.csv?as_of=2024-04-01"); res.status != http.StatusOK ||
			res.header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(res.body, "Ada Chair") ||
			!strings.Contains(res.body, "Cy Count") {
			t.Fatalf("the officers as CSV: %d %q\n%s", res.status, res.header.Get("Content-Type"), res.body)
		}
		if res := get("/admin/register/officers.csv?as_of=2024-03-15"); strings.Contains(res.body, "Cy Count") {
			t.Fatalf("the officers as of 15 March list one appointed in April:\n%s", res.body)
		}
		if res := get("/admin/register/officers.pdf?as_of=2024-04-01"); res.status != http.StatusOK ||
			res.header.Get("Content-Type") != "application/pdf" ||
			res.header.Get("Content-Disposition") != `attachment; filename="register-of-officers-2024-04-01.pdf"` ||
			!strings.HasPrefix(res.body, "%PDF-1.") || !strings.Contains(res.body, "/Lang (en-GB)") {
			t.Fatalf("the officers as PDF: %d %q %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
		}
		if res := get("/admin/register/officers.pdf?as_of=2024-13-01"); res.status != http.StatusBadRequest ||
			strings.Contains(res.body, "%PDF") {
			t.Fatalf("the officers as PDF of a day that does not exist: %d", res.status)
		}
		if res := h.do(t, req{method: "GET", path: "/admin/register/officers.pdf", token: h.as(t, account.Treasurer)}); res.status !=
			http.StatusForbidden || strings.Contains(res.body, "%PDF") {
			t.Fatalf("the officers as PDF to a treasurer: %d", res.status)
		}
		if res := get("/admin/register/officers?as_of=2024-04-01"); !strings.Contains(res.body,
			`href="/admin/register/officers.pdf?as_of=2024-04-01"`) {
			t.Fatal("the page has no link to the PDF")
		}
		end := func(date, reason string) url.Values {
			return url.Values{"end-date-" + itoa(ada): {date}, "end-reason-" + itoa(ada): {reason}}
		}
		endPath := "/admin/register/officers/" + itoa(ada) + "/end"
		for _, c := range []struct {
			name, path, field string
			form              url.Values
		}{
			{"no name", "/admin/register/officers", "name", appoint("", "Director", "2024-03-01", "")},
			{"no office", "/admin/register/officers", "office", appoint("Di Rector", " ", "2024-03-01", "")},
			{"office too long", "/admin/register/officers", "office", appoint("Di Rector", strings.Repeat("o", 101), "2024-03-01", "")},
			{"impossible day", "/admin/register/officers", "date", appoint("Di Rector", "Director", "2024-02-30", "")},
			{"day to come", "/admin/register/officers", "date", appoint("Di Rector", "Director", "2030-01-01", "")},
			{"bad member", "/admin/register/officers", "member", appoint("Di Rector", "Director", "2024-03-01", "x")},
			{"no such member", "/admin/register/officers", "member", appoint("Di Rector", "Director", "2024-03-01", "42")},
			{"end with no reason", endPath, "end-reason-" + itoa(ada), end("2024-08-01", "")},
			{"end before the appointment", endPath, "end-date-" + itoa(ada), end("2024-02-01", "resigned")},
			{"end on an impossible day", endPath, "end-date-" + itoa(ada), end("2023-02-29", "resigned")},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := officerRows(t, d)
				res := post(c.path, c.form)
				if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+c.field+`-error"`) {
					t.Fatalf("%d, want 422 with %s-error\n%s", res.status, c.field, errorSummaryOr(res.body))
				}
				if after := officerRows(t, d); after != before {
					t.Errorf("%d rows recorded", after-before)
				}
			})
		}
		if res := post(endPath, end("2024-06-30", "resigned")); res.status != http.StatusSeeOther {
			t.Fatalf("end: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		before := officerRows(t, d)
		if res := post(endPath, end("2024-07-01", "resigned")); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "cannot end twice") || officerRows(t, d) != before {
			t.Fatalf("a second end: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		if res := post("/admin/register/officers/999/end", url.Values{"end-date-999": {"2024-01-01"}, "end-reason-999": {"resigned"}}); res.status != http.StatusNotFound {
			t.Errorf("the end of no appointment: %d; want 404", res.status)
		}

		res := get("/admin/register/officers?as_of=2024-06-29")
		if res.status != http.StatusOK || !strings.Contains(res.body, "Ada Chair") || !strings.Contains(res.body, `action="`+endPath+`"`) ||
			!strings.Contains(res.body, "No term had ended by 2024-06-29") {
			t.Errorf("as of 2024-06-29: %d\n%s", res.status, res.body)
		}
		res = get("/admin/register/officers?as_of=2024-06-30")
		former := res.body[strings.Index(res.body, `id="former"`):]
		if res.status != http.StatusOK || !strings.Contains(former, "Ada Chair") || strings.Contains(res.body, `action="`+endPath+`"`) ||
			!strings.Contains(former, "resigned") {
			t.Errorf("as of 2024-06-30, Ada is not shown as former: %d\n%s", res.status, res.body)
		}
		if res := get("/admin/register/officers?as_of=2025-02-30"); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `id="as_of-error"`) {
			t.Errorf("an impossible day: %d", res.status)
		}
		if res := get("/admin/register"); !strings.Contains(res.body, `href="/admin/register/officers"`) {
			t.Error("the register of members does not link to the register of officers")
		}
		var audited int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'society.officer_%'
			AND actor_name = 'secretary@example.org'`).Scan(&audited); err != nil || audited != 3 {
			t.Errorf("%d officer changes audited as the secretary (%v); want 3", audited, err)
		}
	})
}
