package payment_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
)

// stripe-mock's data is canned (one payout, one transaction, whatever the
// filters), so this asserts on the shape of what ListPayouts returns and
// on the arithmetic, not on the values.
func TestListPayoutsAgainstStripeMock(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	payouts, err := s.ListPayouts(context.Background(), from, from.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(payouts) == 0 {
		t.Fatal("no payouts")
	}
	for _, p := range payouts {
		if !strings.HasPrefix(p.ID, "po_") || len(p.Currency) != 3 || p.Currency != strings.ToUpper(p.Currency) ||
			p.ArrivalDate.IsZero() || p.Status == "" || p.AmountMinor == 0 {
			t.Errorf("payout %+v", p)
		}
		if p.Automatic && len(p.Transactions) == 0 {
			t.Errorf("automatic payout %s has no transactions", p.ID)
		}
		for _, tx := range p.Transactions {
			if !strings.HasPrefix(tx.ID, "txn_") || tx.Type == "" || tx.Type == "payout" || tx.SourceID == "" ||
				tx.NetMinor != tx.AmountMinor-tx.FeeMinor || len(tx.Currency) != 3 {
				t.Errorf("transaction %+v", tx)
			}
		}
	}
}

// A stand-in Stripe with chosen data checks what stripe-mock cannot: the
// filters sent, the payout's own transaction left out, and each source's
// PaymentIntent read from the expanded object.
func TestListPayoutsReadsPaymentIntents(t *testing.T) {
	var queries []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/payouts":
			_, _ = w.Write([]byte(`{"object":"list","has_more":false,"data":[
				{"id":"po_2","object":"payout","amount":2415,"currency":"gbp","arrival_date":1731024000,"created":1730900000,"status":"paid","automatic":true},
				{"id":"po_1","object":"payout","amount":500,"currency":"gbp","arrival_date":1730937600,"created":1730800000,"status":"paid","automatic":false}]}`))
		case "/v1/balance_transactions":
			_, _ = w.Write([]byte(`{"object":"list","has_more":false,"data":[
				{"id":"txn_p","object":"balance_transaction","type":"payout","amount":-2415,"fee":0,"net":-2415,"currency":"gbp","source":{"id":"po_2","object":"payout"}},
				{"id":"txn_c","object":"balance_transaction","type":"charge","amount":2500,"fee":55,"net":2445,"currency":"gbp",
				 "source":{"id":"ch_1","object":"charge","payment_intent":"pi_1"}},
				{"id":"txn_r","object":"balance_transaction","type":"refund","amount":-30,"fee":0,"net":-30,"currency":"gbp",
				 "source":{"id":"re_1","object":"refund","payment_intent":{"id":"pi_9","object":"payment_intent"}}}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer api.Close()
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	payouts, err := s.ListPayouts(context.Background(), from, from.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(payouts) != 2 || payouts[0].ID != "po_1" || payouts[1].ID != "po_2" {
		t.Fatalf("payouts not oldest first: %+v", payouts)
	}
	if manual := payouts[0]; len(manual.Transactions) != 0 || !manual.Incomplete {
		t.Errorf("manual payout %+v", manual)
	}
	txs := payouts[1].Transactions
	if len(txs) != 2 || txs[0].PaymentRef != "pi_1" || txs[0].FeeMinor != 55 || txs[0].NetMinor != 2445 ||
		txs[1].PaymentRef != "pi_9" || txs[1].AmountMinor != -30 || txs[1].Currency != "GBP" {
		t.Fatalf("transactions %+v", txs)
	}
	var net int64
	for _, tx := range txs {
		net += tx.NetMinor
	}
	if net != payouts[1].AmountMinor {
		t.Errorf("transactions net %d, payout %d", net, payouts[1].AmountMinor)
	}
	if len(queries) != 2 || !strings.Contains(queries[0], "arrival_date[gte]=1730419200") ||
		!strings.Contains(queries[0], "arrival_date[lt]=1733011200") ||
		!strings.Contains(queries[1], "payout=po_2") || !strings.Contains(queries[1], "expand[0]=data.source") {
		t.Errorf("queries %q", queries)
	}
}
