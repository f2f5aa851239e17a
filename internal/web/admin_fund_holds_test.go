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
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// TestFundConflictsShownAndResolved: a conflicting duplicate, from the
// webhook or typed, is listed on the dashboard beside the entry it clashes
// with; the treasurer resolves it with a note (refused empty, beside its
// field), the decision is audited and the dashboard is well again. An
// import line that clashes is an error of the preview and holds nothing.
func TestFundConflictsShownAndResolved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		ctx := context.Background()
		card := fund.Entry{Amount: money.Major(1, "GBP"), Method: fund.Card, ProviderRef: "pi_rtCOLL", RecordedBy: fund.ProviderRecorder}
		if _, err := h.fund.Record(ctx, card); err != nil {
			t.Fatal(err)
		}
		card.Amount = money.Major(500, "GBP")
		if _, err := h.fund.Record(ctx, card); err == nil {
			t.Fatal("a conflicting credit was recorded")
		}
		typed := h.do(t, req{method: "POST", path: "/admin/fund/gifts/new", as: account.Treasurer, form: giftForm("20")})
		if typed.status != http.StatusSeeOther {
			t.Fatalf("gift: %d", typed.status)
		}
		again := h.do(t, req{method: "POST", path: "/admin/fund/gifts/new", as: account.Treasurer, form: giftForm("200")})
		if again.status != http.StatusUnprocessableEntity || !strings.Contains(unescape(again.body), "this gift differs") {
			t.Fatalf("typed conflict: %d", again.status)
		}
		file := importHeader + "2024-11-04,25.00,cheque,,,,,,,chq-100234\n"
		if res := h.importCSV(t, []byte(file)); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(unescape(res.body), "reference: This reference is already entry 2, £20 by cheque; this line is £25 by cheque") {
			t.Fatalf("import of a clashing line: %d", res.status)
		}
		dash := h.do(t, req{path: "/admin/fund", as: account.Treasurer})
		body := unescape(dash.body)
		for _, want := range []string{`id="holds"`, "£500 by card, reference pi_rtCOLL", "entry 1: £1 by card",
			"£200 by cheque, reference chq-100234", "entry 2: £20 by cheque", `<label for="note-1">`, "The check found problems"} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if strings.Contains(body, "£25 by cheque") {
			t.Error("the refused import line was held")
		}
		empty := h.do(t, req{method: "POST", path: "/admin/fund/holds/1/resolve", as: account.Treasurer, form: url.Values{"note": {" "}}})
		if empty.status != http.StatusUnprocessableEntity || !strings.Contains(empty.body, `id="note-1-error"`) ||
			!strings.Contains(empty.body, `aria-describedby="note-1-error"`) {
			t.Fatalf("an empty note: %d", empty.status)
		}
		for _, id := range []string{"1", "2"} {
			res := h.do(t, req{method: "POST", path: "/admin/fund/holds/" + id + "/resolve", as: account.Treasurer,
				form: url.Values{"note": {"refunded the card; the cheque was mistyped"}}})
			if res.status != http.StatusSeeOther {
				t.Fatalf("resolve %s: %d", id, res.status)
			}
		}
		if res := h.do(t, req{method: "POST", path: "/admin/fund/holds/99/resolve", as: account.Treasurer, form: url.Values{"note": {"x"}}}); res.status != http.StatusNotFound {
			t.Errorf("resolving no such hold: %d", res.status)
		}
		logged, _, err := h.accounts.Audit().List(ctx, account.Filter{Action: "fund.resolve_hold"}, 1)
		if err != nil || len(logged) != 2 || !strings.Contains(logged[0].After, "refunded the card") {
			t.Fatalf("audit %+v, %v", logged, err)
		}
		dash = h.do(t, req{path: "/admin/fund", as: account.Treasurer})
		if !strings.Contains(dash.body, "Nothing is held") || !strings.Contains(dash.body, "All is well") {
			t.Error("the dashboard still shows holds after resolving them")
		}
		if got := h.raised(t); got != money.Major(21, "GBP") {
			t.Fatalf("raised %v, want £21", got)
		}
	})
}
