package web_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/web"
)

// withPersonalData wires the reader's data pages to the harness's real
// accounts, fund and standing orders, as the app does.
func withPersonalData() option {
	return func(c *harnessConfig) {
		c.staff, c.fund = true, true
		c.deps = append(c.deps, func(d *web.Deps) {
			pd, err := account.NewPersonalData(d.Accounts, d.FundReports.(*fund.Service), d.StandingOrders, payment.StoredEvents{})
			if err != nil {
				panic(err)
			}
			d.PersonalData = pd
		})
	}
}

// TestAccountDataPages: the downloads, preferences and deletion, as a
// reader, as staff and anonymously, ending with a reader erasing
// themselves.
func TestAccountDataPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHarness(t, d, withPersonalData())
		reader := h.persona(t, account.Reader)
		if _, err := h.fund.Record(ctx, fund.Entry{Amount: money.Major(25, "GBP"), Method: fund.Cheque,
			DonorName: "Rita Reader", DonorEmail: reader.account.Email, DonorTown: "Hebden Bridge",
			Message: "=cmd|' /C calc'!A0", RecordedBy: "treasurer@example.org"}); err != nil {
			t.Fatal(err)
		}
		noLeak := []string{"goroutine", "panic", "sql:", "SQLSTATE", "sqlite"}
		attachment := func(ext string) map[string]string {
			return map[string]string{"Cache-Control": "no-store, private",
				"Content-Disposition": `attachment; filename="your-data-2024-11-06.` + ext + `"`}
		}
		runScenarios(t, h, []scenario{
			{name: "anonymous page", path: "/account/data", status: 303, location: "/account/signin"},
			{name: "anonymous download", path: "/account/data.json", status: 303, location: "/account/signin"},
			{name: "anonymous delete", method: "POST", path: "/account/delete", form: url.Values{"confirm": {"x@example.org"}},
				status: 401, notWant: noLeak},
			{name: "anonymous preferences", method: "POST", path: "/account/preferences", status: 401},
			{name: "page", path: "/account/data", token: reader.token, status: 200, wantHeader: map[string]string{"Cache-Control": "no-store"},
				want: []string{"<h1>Your data</h1>", `href="/account/data.json"`, `href="/account/data.csv"`,
					`<label for="allow-news">News from the paper</label>`, `<legend>Send me</legend>`, `href="/account/delete"`}},
			{name: "JSON", path: "/account/data.json", token: reader.token, status: 200, wantHeader: attachment("json"),
				want: []string{`"kind": "account"`, `"email": "reader@example.org"`, `"kind": "gift"`, `"donor_town": "Hebden Bridge"`, `"kind": "session"`}},
			{name: "CSV", path: "/account/data.csv", token: reader.token, status: 200, wantHeader: attachment("csv"),
				want: []string{"kind,id,at,email,name", "gift,", "Hebden Bridge", "'=cmd"}},
			{name: "preferences saved", method: "POST", path: "/account/preferences", token: reader.token,
				form: url.Values{"allow": {"news"}}, status: 303, location: "/account/data?saved=1"},
			{name: "preferences shown", path: "/account/data?saved=1", token: reader.token, status: 200,
				want: []string{"Your email preferences are saved.", `value="news" checked`, `value="appeals">`}},
			{name: "receipts cannot be refused", method: "POST", path: "/account/preferences", token: reader.token,
				form: url.Values{"allow": {"receipt"}}, status: 422, want: []string{"is not a kind of mail you can choose"}, plain: true},
			{name: "delete page", path: "/account/delete", token: reader.token, status: 200,
				want: []string{"What we erase", "What we keep, and why", "section 30", `<label for="confirm">Type your email address to confirm</label>`}},
			{name: "delete with the wrong address", method: "POST", path: "/account/delete", token: reader.token,
				form: url.Values{"confirm": {"someone@example.org"}}, status: 422,
				want: []string{`id="confirm-error"`, `aria-invalid="true"`, "Type the email address of your account, reader@example.org, to confirm."}},
			{name: "staff are refused", method: "POST", path: "/account/delete", as: account.Treasurer,
				form: url.Values{"confirm": {"treasurer@example.org"}}, status: 422,
				want: []string{`id="confirm-error"`, "an admin must remove them before it can be erased"}},
		})
		// The reader's address in another case confirms; the account is
		// erased, the cookie cleared and the session gone.
		res := h.do(t, req{method: "POST", path: "/account/delete", token: reader.token,
			form: url.Values{"confirm": {" READER@example.org "}}})
		if res.status != 200 || !strings.Contains(res.body, "Your account has been erased") || res.cookie == nil || res.cookie.MaxAge >= 0 {
			t.Fatalf("delete: %d, cookie %v\n%.600s", res.status, res.cookie, errorSummaryOr(res.body))
		}
		if again := h.do(t, req{path: "/account/data", token: reader.token}); again.status != 303 || again.header.Get("Location") != "/account/signin" {
			t.Errorf("the erased account's session still opens its page: %d", again.status)
		}
		if _, err := h.accounts.ByEmail(ctx, reader.account.Email); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("the address still finds an account: %v", err)
		}
		entries, err := h.fund.Entries(ctx, "2024-11")
		if err != nil || len(entries) != 1 || entries[0].DonorEmail != "" || entries[0].DonorTown != "" || entries[0].Amount != money.Major(25, "GBP") {
			t.Errorf("the gift after erasing: %+v %v", entries, err)
		}
	})
}
