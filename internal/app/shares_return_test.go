package app

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testservers"
)

// refundGate stands between coopress and stripe-mock: it refuses the
// first failures refund requests as Stripe does when it is in trouble
// (503, do not retry at once), and counts the refunds that reach Stripe
// by idempotency key.
type refundGate struct {
	mu       sync.Mutex
	failures int
	refused  int
	made     map[string]int
}

func startRefundGate(t *testing.T, stripeURL string, failures int) (*refundGate, string) {
	t.Helper()
	target, err := url.Parse(stripeURL)
	if err != nil {
		t.Fatal(err)
	}
	g := &refundGate{failures: failures, made: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" {
			g.mu.Lock()
			if g.failures > 0 {
				g.failures--
				g.refused++
				g.mu.Unlock()
				w.Header().Set("Stripe-Should-Retry", "false")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":{"type":"api_error","message":"try again later"}}`))
				return
			}
			g.made[r.Header.Get("Idempotency-Key")]++
			g.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return g, hs.URL
}

func (g *refundGate) counts() (refused int, made map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refused, maps.Clone(g.made)
}

// TestLatePaymentForRejectedApplication: an applicant pays by card after
// the secretary rejected their application. The signed webhook reaches
// the endpoint and the payment worker's job refunds the payment through
// Stripe itself: the first try finds Stripe failing and the job is
// retried; then one refund is made, recorded and mailed, and neither a
// redelivery of the event, another event about the same payment nor the
// refund's own charge.refunded makes a second. A payment of another
// amount for the same application is held for the secretary as before.
// The fund is exactly as it was throughout.
func TestLatePaymentForRejectedApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mock, mp := testservers.StartStripeMock(t), testservers.StartMailpit(t)
		gate, stripeURL := startRefundGate(t, mock.URL(), 1)
		p, f, site := startSharesNode(t, d, stripeURL, mp)
		before := readFund(t, d, f)

		soc := p.society
		a, err := society.ParseApplication(society.ApplicationInput{Name: "Ann Jones", Address: "1 High St, Leeds",
			Email: "ann@example.org", Shares: "250", PayBy: "card"}, soc.Rules())
		if err != nil {
			t.Fatal(err)
		}
		if a, err = soc.Submit(ctx, a, account.Actor{Name: "ann@example.org"}); err != nil {
			t.Fatal(err)
		}
		if _, err := soc.StartCheckout(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if a, err = soc.Reject(ctx, a.ID, "The offer closed on Friday.", account.Actor{Name: "secretary@example.org"}); err != nil {
			t.Fatal(err)
		}
		session := a.Events[0].Reference
		paid := func(evID, pi string, amount int64) []byte {
			return paymenttest.Event(evID, "checkout.session.completed", time.Now().Add(-time.Minute), map[string]any{
				"id": session, "object": "checkout.session", "payment_intent": pi, "payment_status": "paid",
				"amount_total": amount, "currency": "gbp", "mode": "payment",
				"metadata": map[string]string{"purpose": society.PaymentPurpose, "application": strconv.FormatInt(a.ID, 10)}})
		}
		deliver := func(body []byte) {
			t.Helper()
			if code, err := deliverTo(site, body, signed(body, time.Now())); err != nil || code != http.StatusOK {
				t.Fatalf("webhook: %d %v", code, err)
			}
		}
		late := paid("evt_late", "pi_late", 250_00)
		deliver(late)
		// The first try meets Stripe failing; the job's retry refunds.
		settled(t, d, 1, 30*time.Second)
		deliver(late)
		deliver(paid("evt_late_again", "pi_late", 250_00))
		deliver(paid("evt_short", "pi_short", 100_00))
		deliver(paymenttest.Refunded("evt_late_refund", "pi_late", society.PaymentPurpose, 250_00, 250_00))
		settled(t, d, 4, 30*time.Second)

		refused, made := gate.counts()
		if refused != 1 || !reflect.DeepEqual(made, map[string]int{"coopress-share-return-pi_late": 1}) {
			t.Fatalf("refunds at Stripe: %d refused, made %v; want 1 refused and one made for pi_late", refused, made)
		}
		rs, err := soc.Returns(ctx, a.ID)
		if err != nil || len(rs) != 1 || rs[0].PaymentRef != "pi_late" || rs[0].RefundID == "" {
			t.Fatalf("returns %+v %v", rs, err)
		}
		if h, err := soc.Holds(ctx); err != nil || len(h) != 1 || h[0].PaymentRef != "pi_short" {
			t.Fatalf("held: %+v %v", h, err)
		}
		var audits int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'society.application.return'
			AND object_id = $1 AND after_json LIKE $2`, strconv.FormatInt(a.ID, 10), "%"+rs[0].RefundID+"%").Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit rows naming the refund: %d %v", audits, err)
		}
		// The rejection's mail and then the return's, once.
		returned := waitMails(t, mp, "ann@example.org", 2, 20*time.Second)
		if !strings.Contains(returned, "has been refunded") {
			t.Fatalf("no mail of the return among %q", returned)
		}
		if after := readFund(t, d, f); !reflect.DeepEqual(after, before) {
			t.Fatalf("share money reached the fund:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

// waitMails waits until n mails to addr have arrived and gives their
// subjects, one a line; more than n fails the test.
func waitMails(t *testing.T, mp *testservers.Mailpit, addr string, n int, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		got := mp.To(t, addr)
		if len(got) > n {
			t.Fatalf("%d mails to %s, want %d", len(got), addr, n)
		}
		if len(got) == n {
			var subjects []string
			for _, s := range got {
				subjects = append(subjects, s.Subject)
			}
			return strings.Join(subjects, "\n")
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails to %s after %s, want %d", len(got), addr, timeout, n)
		}
		<-tick.C
	}
}
