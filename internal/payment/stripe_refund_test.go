package payment_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
)

// refundList is a page of Stripe's refunds list, newest first.
func refundList(refunds ...string) string {
	return `{"object":"list","url":"/v1/refunds","has_more":false,"data":[` + strings.Join(refunds, ",") + `]}`
}

func refund(id, status, key string) string {
	meta := `{}`
	if key != "" {
		meta = `{"coopress_key":"` + key + `"}`
	}
	return `{"id":"` + id + `","object":"refund","amount":2500,"currency":"gbp","payment_intent":"pi_1","status":"` +
		status + `","metadata":` + meta + `}`
}

// TestRefundAfterStripeForgotTheKey: Stripe keeps an idempotency key for
// 24 hours; a job retried after that finds the payment "already
// refunded". Refund then gives the refund made under its key, or else the
// payment's latest live one, instead of an error retried for ever; any
// other refusal is still an error. Stripe's answers to the create come
// from a proxy in front of stripe-mock (which keeps no state and never
// refuses), as do the lists where a case needs its own.
func TestRefundAfterStripeForgotTheKey(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	target, err := url.Parse(mock.URL())
	if err != nil {
		t.Fatal(err)
	}
	const already = `{"error":{"type":"invalid_request_error","code":"charge_already_refunded","message":"Charge ch_1 has already been refunded."}}`
	cases := []struct {
		name        string
		create      string // the create's refusal, "" to let stripe-mock answer
		list        string // the list's answer, "" to let stripe-mock answer
		want, wantE string
	}{
		{"a first refund", "", "", "re_", ""},
		{"already refunded under this key", already,
			refundList(refund("re_other", "succeeded", ""), refund("re_ours", "succeeded", "coopress-test-key")), "re_ours", ""},
		{"already refunded by hand in Stripe", already,
			refundList(refund("re_failed", "failed", ""), refund("re_by_hand", "succeeded", "")), "re_by_hand", ""},
		{"already refunded, as stripe-mock lists it", already, "", "re_", ""},
		{"already refunded, but no refund listed", already, refundList(refund("re_failed", "failed", "")), "",
			"lists no refund"},
		{"another refusal", `{"error":{"type":"invalid_request_error","code":"amount_too_large","message":"Refund amount is greater than unrefunded amount."}}`,
			"", "", "greater than unrefunded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proxy := httputil.NewSingleHostReverseProxy(target)
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				answer := ""
				switch {
				case r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" && c.create != "":
					answer = c.create
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
				case r.Method == http.MethodGet && r.URL.Path == "/v1/refunds" && c.list != "":
					if r.URL.Query().Get("payment_intent") != "pi_1" {
						t.Errorf("refunds listed for %q, not the payment", r.URL.Query().Get("payment_intent"))
					}
					answer = c.list
					w.Header().Set("Content-Type", "application/json")
				}
				if answer != "" {
					_, _ = w.Write([]byte(answer))
					return
				}
				proxy.ServeHTTP(w, r)
			}))
			defer hs.Close()
			s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Refund(context.Background(), "pi_1", 2500, "coopress-test-key")
			switch {
			case c.wantE != "" && (err == nil || !strings.Contains(err.Error(), c.wantE)):
				t.Fatalf("Refund = %q, %v; want an error saying %q", got, err, c.wantE)
			case c.wantE == "" && err != nil:
				t.Fatalf("Refund: %v", err)
			case c.wantE == "" && !strings.HasPrefix(got, c.want):
				t.Fatalf("Refund = %q, want %q", got, c.want)
			}
		})
	}
}
