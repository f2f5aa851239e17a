package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// TestReaderPaymentsAndReceipts: /account lists every gift given under
// the reader's address (a refunded one marked), none of anyone else's,
// and each has a receipt only its giver can open.
func TestReaderPaymentsAndReceipts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHarness(t, d, withStaff(), withFund())
		reader := h.persona(t, account.Reader)
		give := func(email string, pounds int64, method fund.Method) fund.Entry {
			t.Helper()
			e, err := h.fund.Record(ctx, fund.Entry{Amount: money.Major(pounds, "GBP"), Method: method, DonorName: "Rita Reader",
				DonorEmail: email, DonorTown: "Hebden Bridge", RecordedBy: "treasurer@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		kept := give(strings.ToUpper(reader.account.Email), 25, fund.Cheque)
		refunded := give(reader.account.Email, 10, fund.Cash)
		if _, err := h.fund.Reverse(ctx, refunded.ID, "returned at the reader's request", "treasurer@example.org"); err != nil {
			t.Fatal(err)
		}
		theirs := give("someone.else@example.org", 99, fund.Cheque)
		page := h.do(t, req{path: "/account", token: reader.token})
		body := unescape(page.body)
		if page.status != 200 || !strings.Contains(body, "£25.00") || !strings.Contains(body, "£10.00 (refunded)") || strings.Contains(body, "£99.00") {
			t.Fatalf("account page payments (%d):\n%s", page.status, body)
		}
		if strings.Count(body, `href="/account/payments/`) != 2 {
			t.Errorf("receipt links: %d, want 2", strings.Count(body, `href="/account/payments/`))
		}
		receipt := h.do(t, req{path: "/account/payments/" + strconv.FormatInt(kept.ID, 10), token: reader.token})
		if receipt.status != 200 || !strings.Contains(unescape(receipt.body), "£25.00") || !strings.Contains(receipt.body, "Hebden Bridge") ||
			receipt.header.Get("Cache-Control") != "no-store, private" {
			t.Errorf("own receipt: %d %q", receipt.status, receipt.header.Get("Cache-Control"))
		}
		for _, id := range []int64{theirs.ID, 999999} {
			if res := h.do(t, req{path: "/account/payments/" + strconv.FormatInt(id, 10), token: reader.token}); res.status != http.StatusNotFound {
				t.Errorf("receipt %d, not theirs: %d, want 404", id, res.status)
			}
		}
		if res := h.get(t, "/account/payments/"+strconv.FormatInt(kept.ID, 10)); res.status != http.StatusSeeOther {
			t.Errorf("receipt without a session: %d, want a trip to sign in", res.status)
		}
	})
}
