package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// standingOrderForm is the add form, filled in.
func standingOrderForm(name, amount, ref string) url.Values {
	return url.Values{"name": {name}, "email": {""}, "postal_address": {"1 High St\nLeeds"}, "amount": {amount},
		"frequency": {"monthly"}, "reference": {ref}, "started_on": {"2024-01-01"}}
}

// uploadStatement posts a bank statement to the preview as the treasurer.
func (h *harness) uploadStatement(t *testing.T, csv string) response {
	t.Helper()
	body, ctype := multipartForm(t, nil, "file", "statement.csv", []byte(csv))
	return h.do(t, req{method: "POST", path: "/admin/supporters/statements", as: account.Treasurer, body: body, contentType: ctype})
}

var savedOrderRE = regexp.MustCompile(`^/admin/supporters/standing-orders\?saved=(\d+)$`)

// TestStandingOrderPages walks the treasurer's journey: add supporters
// (refused input shown beside its field, nothing saved), upload a
// statement, check the preview, confirm, import it again, and deal with
// the lines left over; every step on both engines.
func TestStandingOrderPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHarness(t, d, withStaff(), withFund())
		tr := account.Treasurer
		res := h.do(t, req{path: "/admin/supporters/standing-orders", as: tr})
		if res.status != 200 || !strings.Contains(res.body, `href="/admin/supporters"`) || !strings.Contains(res.body, "No standing orders") {
			t.Fatalf("empty list: %d %s", res.status, errorSummaryOr(res.body))
		}

		if res = h.do(t, req{path: "/admin/supporters/standing-orders?status=weekly", as: tr}); res.status != 400 ||
			!strings.Contains(res.body, "Choose active, lapsed, cancelled or failing") {
			t.Fatalf("unknown filter: %d", res.status)
		}

		// Bad input: every message beside its field, nothing saved.
		bad := standingOrderForm("", "0", "ab")
		bad.Set("frequency", "weekly")
		res = h.do(t, req{method: "POST", path: "/admin/supporters/standing-orders", as: tr, form: bad})
		for _, want := range []string{`id="name-error"`, `id="amount-error"`, `id="frequency-error"`, `id="reference-error"`,
			"The amount must be more than zero", "monthly, quarterly or yearly", `aria-invalid="true"`} {
			if res.status != 422 || !strings.Contains(res.body, want) {
				t.Fatalf("bad order: %d, missing %q\n%s", res.status, want, errorSummaryOr(res.body))
			}
		}
		if orders, _ := h.standing.ListStandingOrders(ctx, ""); len(orders) != 0 {
			t.Fatalf("a refused form saved %d orders", len(orders))
		}

		ids := map[string]int64{}
		for _, o := range [][3]string{{"Anna Jones", "5", "ANNA-2024"}, {"Ben Smith", "10.00", "ben 1 coop"}} {
			res = h.do(t, req{method: "POST", path: "/admin/supporters/standing-orders", as: tr, form: standingOrderForm(o[0], o[1], o[2])})
			m := savedOrderRE.FindStringSubmatch(res.header.Get("Location"))
			if res.status != 303 || m == nil {
				t.Fatalf("add %s: %d %s %s", o[0], res.status, res.header.Get("Location"), errorSummaryOr(res.body))
			}
			var id int64
			fmt.Sscan(m[1], &id)
			ids[o[0]] = id
		}
		res = h.do(t, req{method: "POST", path: "/admin/supporters/standing-orders", as: tr, form: standingOrderForm("Copy", "5", "anna 2024")})
		if res.status != 422 || !strings.Contains(res.body, "Another active standing order has this reference") {
			t.Fatalf("duplicate reference: %d %s", res.status, errorSummaryOr(res.body))
		}
		res = h.do(t, req{path: "/admin/supporters/standing-orders?saved=" + fmt.Sprint(ids["Ben Smith"]), as: tr})
		if res.status != 200 || !strings.Contains(res.body, "Saved the standing order of Ben Smith") || !strings.Contains(res.body, "Anna Jones") {
			t.Fatalf("list: %d", res.status)
		}

		// The statement: Anna matched, Ben at the wrong amount, a stranger.
		statement := "Date,Description,Paid in,Paid out\n01/11/2024,ANNA-2024,5.00,\n02/11/2024,BEN 1 COOP,12.00,\n" +
			"03/11/2024,RENT,,500.00\n04/11/2024,J DOE,20.00,\n"
		before := h.raised(t).Minor
		res = h.uploadStatement(t, statement)
		for _, want := range []string{"1 matched, £5 in all", "1 unmatched and 1 ambiguous, £32", "1 payment out was left out",
			"This is £12, but Ben Smith gives £10", "Import this statement"} {
			if res.status != 200 || !strings.Contains(res.body, want) {
				t.Fatalf("preview: %d, missing %q\n%s", res.status, want, errorSummaryOr(res.body))
			}
		}
		if h.raised(t).Minor != before {
			t.Fatal("the preview recorded money")
		}
		data := previewData(t, res.body)
		res = h.do(t, req{method: "POST", path: "/admin/supporters/statements", as: tr, form: url.Values{"data": {data}, "confirm": {"1"}}})
		if res.status != 303 || !strings.Contains(res.header.Get("Location"), "recorded=1") {
			t.Fatalf("confirm: %d %s %s", res.status, res.header.Get("Location"), errorSummaryOr(res.body))
		}
		if got := h.raised(t).Minor - before; got != 500 {
			t.Fatalf("the import raised %d pence, want 500", got)
		}
		res = h.do(t, req{path: res.header.Get("Location"), as: tr})
		if !strings.Contains(res.body, "1 payment recorded in the fighting fund, 2 left for you to assign, 0 already imported") {
			t.Fatalf("after the import: %s", errorSummaryOr(res.body))
		}

		// The same statement again records nothing.
		res = h.do(t, req{method: "POST", path: "/admin/supporters/statements", as: tr, form: url.Values{"data": {data}}})
		if res.status != 200 || !strings.Contains(res.body, "3 already imported") {
			t.Fatalf("second preview: %d %s", res.status, errorSummaryOr(res.body))
		}
		res = h.do(t, req{method: "POST", path: "/admin/supporters/statements", as: tr, form: url.Values{"data": {data}, "confirm": {"1"}}})
		if res.status != 303 || !strings.Contains(res.header.Get("Location"), "recorded=0&skipped=3&waiting=0") || h.raised(t).Minor-before != 500 {
			t.Fatalf("second import: %d %s", res.status, res.header.Get("Location"))
		}

		// A statement with a bad line: the problem by its line, nothing saved.
		res = h.uploadStatement(t, "Date,Description,Amount\n05/11/2024,ANNA-2024,5.00\n31/11/2024,ANNA-2024,5.00\n")
		if res.status != 422 || !strings.Contains(res.body, "1 line of the statement has problems") ||
			!strings.Contains(res.body, `The date &#34;31/11/2024&#34; is not a day`) || strings.Contains(res.body, "Import this statement") {
			t.Fatalf("bad statement: %d %s", res.status, errorSummaryOr(res.body))
		}
		body, ctype := multipartForm(t, []string{"confirm", "1"}, "file", "s.csv", []byte("Date,Description,Amount\n05/11/2024,ANNA-2024,5.00\n31/11/2024,ANNA-2024,5.00\n"))
		if res = h.do(t, req{method: "POST", path: "/admin/supporters/statements", as: tr, body: body, contentType: ctype}); res.status != 422 || h.raised(t).Minor-before != 500 {
			t.Fatalf("confirming a bad statement: %d", res.status)
		}

		// The lines left over.
		waiting, err := h.standing.WaitingLines(ctx)
		if err != nil || len(waiting) != 2 {
			t.Fatalf("waiting %v %v", waiting, err)
		}
		ben, doe := waiting[0].ID, waiting[1].ID
		res = h.do(t, req{path: "/admin/supporters/statements/waiting", as: tr})
		if res.status != 200 || !strings.Contains(res.body, "J DOE") || !strings.Contains(res.body, fmt.Sprintf(`<label for="order-%d">`, ben)) {
			t.Fatalf("waiting page: %d", res.status)
		}
		path := func(id int64, what string) string {
			return fmt.Sprintf("/admin/supporters/statements/lines/%d/%s", id, what)
		}
		res = h.do(t, req{method: "POST", path: path(ben, "assign"), as: tr, form: url.Values{"order": {""}}})
		if res.status != 422 || !strings.Contains(res.body, fmt.Sprintf(`id="order-%d-error"`, ben)) {
			t.Fatalf("assign to nobody: %d %s", res.status, errorSummaryOr(res.body))
		}
		res = h.do(t, req{method: "POST", path: path(ben, "assign"), as: tr, form: url.Values{"order": {fmt.Sprint(ids["Ben Smith"])}}})
		if res.status != 303 || h.raised(t).Minor-before != 1700 {
			t.Fatalf("assign: %d, raised %d", res.status, h.raised(t).Minor-before)
		}
		res = h.do(t, req{method: "POST", path: path(ben, "assign"), as: tr, form: url.Values{"order": {fmt.Sprint(ids["Anna Jones"])}}})
		if res.status != 422 || !strings.Contains(res.body, "dealt with already") || h.raised(t).Minor-before != 1700 {
			t.Fatalf("assign twice: %d %s", res.status, errorSummaryOr(res.body))
		}
		res = h.do(t, req{method: "POST", path: path(doe, "dismiss"), as: tr, form: url.Values{"note": {""}}})
		if res.status != 422 || !strings.Contains(res.body, fmt.Sprintf(`id="note-%d-error"`, doe)) {
			t.Fatalf("dismiss without a note: %d", res.status)
		}
		res = h.do(t, req{method: "POST", path: path(doe, "dismiss"), as: tr, form: url.Values{"note": {"One-off gift, recorded by hand"}}})
		if res.status != 303 {
			t.Fatalf("dismiss: %d %s", res.status, errorSummaryOr(res.body))
		}
		if res = h.do(t, req{method: "POST", path: path(9999, "dismiss"), as: tr, form: url.Values{"note": {"x"}}}); res.status != 404 {
			t.Fatalf("a missing line: %d", res.status)
		}
		if res = h.do(t, req{path: "/admin/supporters/statements/waiting", as: tr}); !strings.Contains(res.body, "No statement lines wait for you") {
			t.Fatal("lines still wait")
		}

		// Status changes, audited, with the history on the order's page.
		anna := fmt.Sprintf("/admin/supporters/standing-orders/%d", ids["Anna Jones"])
		res = h.do(t, req{method: "POST", path: anna + "/status", as: tr, form: url.Values{"status": {"lapsed"}}})
		if res.status != 303 {
			t.Fatalf("lapse: %d %s", res.status, errorSummaryOr(res.body))
		}
		res = h.do(t, req{method: "POST", path: anna + "/status", as: tr, form: url.Values{"status": {"lapsed"}}})
		if res.status != 422 || !strings.Contains(res.body, "already lapsed") {
			t.Fatalf("lapse twice: %d", res.status)
		}
		res = h.do(t, req{path: anna, as: tr})
		if res.status != 200 || !strings.Contains(res.body, "<strong>lapsed</strong>") || !strings.Contains(res.body, "<td>lapsed</td>") {
			t.Fatalf("order page: %d", res.status)
		}
		if res = h.do(t, req{path: "/admin/supporters/standing-orders/9999", as: tr}); res.status != 404 {
			t.Fatalf("a missing order: %d", res.status)
		}
		var audited int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'supporter.%'`).Scan(&audited); err != nil || audited != 7 {
			t.Fatalf("%d audit entries (%v), want 7: two orders added, two imports, an assignment, a dismissal and a lapse", audited, err)
		}
		r, err := h.fund.Check(ctx)
		if err != nil || !r.OK() {
			t.Fatalf("fund check: %v %v", r.Problems, err)
		}
	})
}
