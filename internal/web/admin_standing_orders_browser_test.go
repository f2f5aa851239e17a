package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/testwait"
)

// TestStandingOrderPagesAccessible runs axe-core on the standing-order
// and bank statement pages, filled in, and as they come back with errors:
// the add form, a statement with a bad line, a good preview, and the
// waiting lines with a refused assignment.
func TestStandingOrderPagesAccessible(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	ctx := context.Background()
	o, err := h.standing.AddStandingOrder(ctx, supporter.OrderInput{Name: "Anna Jones", Email: "anna@example.org",
		Amount: "5", Frequency: "monthly", Reference: "ANNA-2024", StartedOn: "2024-01-01"}, "t")
	if err != nil {
		t.Fatal(err)
	}
	st, err := supporter.ParseStatement(strings.NewReader("Date,Description,Amount\n01/11/2024,ANNA-2024,5.00\n02/11/2024,J DOE,20.00\n"),
		"GBP", h.fund.Location(), h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.standing.Confirm(ctx, st, "t", nil); err != nil {
		t.Fatal(err)
	}
	waiting, err := h.standing.WaitingLines(ctx)
	if err != nil || len(waiting) != 1 {
		t.Fatalf("waiting %v %v", waiting, err)
	}
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, treasurer)+`; path=/"; true`)
	order := "/admin/supporters/standing-orders/" + strconv.FormatInt(o.ID, 10)
	for _, path := range []string{"/admin/supporters/standing-orders", "/admin/supporters/standing-orders/new", order,
		"/admin/supporters/statements", "/admin/supporters/statements/waiting"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	// submitted waits for the page a form's POST brings back.
	submitted := func(what, want string) {
		t.Helper()
		if !testwait.For(5*time.Second, func() bool {
			return strings.Contains(browsertest.Eval[string](b, `document.body ? document.body.innerHTML : ""`), want)
		}) {
			t.Fatalf("%s: the page did not come back with %q", what, want)
		}
		if vs := axeHere(t, b); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", what, len(vs), browsertest.FormatViolations(vs))
		}
	}
	b.Navigate(h.http.URL + "/admin/supporters/standing-orders/new")
	browsertest.Eval[bool](b, `document.getElementById("amount").value = "0"; document.getElementById("amount").form.submit(); true`)
	submitted("the add form with errors", "amount-error")

	upload := func(csv string) {
		b.Navigate(h.http.URL + "/admin/supporters/statements")
		browsertest.Eval[bool](b, fmt.Sprintf(`const dt = new DataTransfer(); dt.items.add(new File([%q], "s.csv", {type: "text/csv"}));
			const f = document.getElementById("file"); f.files = dt.files; f.form.submit(); true`, csv))
	}
	upload("Date,Description,Amount\n03/11/2024,ANNA-2024,5.00\n31/11/2024,ANNA-2024,5.00\n")
	submitted("a statement with a bad line", "has problems")
	upload("Date,Description,Amount\n03/11/2024,ANNA-2024,5.00\n04/11/2024,ANNA-2024,7.00\n05/11/2024,X,1.00\n")
	submitted("a statement's preview", "Import this statement")

	b.Navigate(h.http.URL + "/admin/supporters/statements/waiting")
	id := strconv.FormatInt(waiting[0].ID, 10)
	browsertest.Eval[bool](b, `document.getElementById("order-`+id+`").form.submit(); true`)
	submitted("the waiting lines with a refused assignment", `id="order-`+id+`-error"`)
}
