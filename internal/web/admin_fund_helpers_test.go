package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/money"
)

// giftForm is the treasurer's gift form, filled in, with amount.
func giftForm(amount string) url.Values {
	return url.Values{"amount": {amount}, "method": {"cheque"}, "received_at": {"2024-11-06"},
		"donor_name": {"Jane Smith"}, "donor_email": {"jane@example.org"}, "donor_town": {"Leeds"},
		"public": {"1"}, "public_name": {"J Smith"}, "message": {"Keep going"}, "provider_ref": {"chq-100234"}}
}

// raised is the ledger's November total, from a harness built withFund.
func (h *harness) raised(t *testing.T) money.Money {
	t.Helper()
	tot, err := h.fund.Totals(context.Background(), "2024-11")
	if err != nil {
		t.Fatal(err)
	}
	return tot.Raised
}

// importCSV uploads csv to the import page as the treasurer.
func (h *harness) importCSV(t *testing.T, csv []byte) response {
	t.Helper()
	body, ctype := multipartForm(t, nil, "file", "gifts.csv", csv)
	return h.do(t, req{method: "POST", path: "/admin/fund/import", as: account.Treasurer, body: body, contentType: ctype})
}

var hiddenData = regexp.MustCompile(`name="data" value="([^"]*)"`)

// previewData is the file the preview carries to its confirmation.
func previewData(t *testing.T, body string) string {
	t.Helper()
	m := hiddenData.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the preview offers no confirmation")
	}
	return m[1]
}
