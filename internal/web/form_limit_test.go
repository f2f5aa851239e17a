package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// countingStripe is stripe-mock behind a proxy that counts the calls
// made to it, so a test can show that a refused form never reached it.
type countingStripe struct {
	calls atomic.Int64
	url   string
}

func startCountingStripe(t *testing.T) *countingStripe {
	t.Helper()
	mock := testservers.StartStripeMock(t)
	target, err := url.Parse(mock.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	c := &countingStripe{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.calls.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// countRows counts the rows of table, which names a table of ours.
func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Writer().QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFormLimit: every limited form, at the real default limit (10 from
// one address at once, then one a minute), with gifts, supporters and
// share applications all going to stripe-mock. Ten pass; the eleventh
// is 429 with Retry-After, the form shown again with the refusal
// announced, nothing stored and Stripe not called; another address is
// not affected; and once the clock has moved on by Retry-After the first
// address may send again.
func TestFormLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		stripe := startCountingStripe(t)
		st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: stripe.url})
		if err != nil {
			t.Fatal(err)
		}
		gifts := fund.New(d, time.UTC, time.Now)
		supporters := supporter.New(d, gifts, st, "The Daily Co-op", "http://paper.test")
		five, err := supporters.CreatePlan(context.Background(), supporter.PlanInput{Name: "Monthly", Amount: "5", Interval: "month"})
		if err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, d, withStaff(), withPersonalData(), withDonations(donation.New(d, gifts, st, "The Daily Co-op", "http://paper.test")),
			withDeps(func(deps *web.Deps) {
				soc, err := society.New(d, society.DefaultRules(), time.Now, society.WithPayments(st, st),
					society.WithSite("the Readers' Society", "The Daily Co-op", "http://paper.test"))
				if err != nil {
					t.Fatal(err)
				}
				deps.Supporters, deps.Society = supporters, soc
				deps.FormLimits = web.FormLimits{} // the real defaults
				trustLoopback(deps)
			}))
		reader := h.persona(t, account.Reader)
		sub := addSubscription(t, d, reader.account, five, "sub_limit")
		subPath := "/account/support/" + strconv.FormatInt(sub, 10) + "/"

		cases := []struct {
			name string
			// post is the i-th submission, each one good.
			post func(i int) req
			// state is what a refused submission must leave as it was.
			state func() string
			// form is a mark of the page shown again.
			form string
		}{
			{"a gift", func(int) req {
				return req{method: "POST", path: "/donate", form: url.Values{"amount": {"10"}, "currency": {"GBP"},
					"name": {"Ann Reader"}, "email": {"ann@example.org"}}}
			}, func() string { return fmt.Sprint(countRows(t, d, "checkouts")) }, `action="/donate"`},
			{"joining the supporters", func(i int) req {
				return req{method: "POST", path: "/supporters/join", form: url.Values{"plan": {strconv.FormatInt(five.ID, 10)},
					"name": {"Ann Reader"}, "email": {fmt.Sprintf("ann%d@example.org", i)}}}
			}, func() string { return fmt.Sprint(countRows(t, d, "subscriptions")) }, `action="/supporters/join"`},
			{"applying for shares", func(i int) req {
				return req{method: "POST", path: "/shares", form: url.Values{"name": {"Ann Jones"}, "address": {"1 High St\nLeeds"},
					"email": {"ann@example.org"}, "email_use": {"notices"}, "class": {"individual"}, "shares": {"250"}, "pay_by": {"card"}}}
			}, func() string {
				return fmt.Sprint(countRows(t, d, "share_applications"), countRows(t, d, "share_application_events"))
			}, `action="/shares"`},
			{"pausing and resuming support", func(i int) req {
				what := "pause"
				if i%2 == 1 {
					what = "resume"
				}
				return req{method: "POST", path: subPath + what, token: reader.token, form: url.Values{}}
			}, func() string {
				return subscriptionStatus(t, d, sub) + " " + strconv.Itoa(countRows(t, d, "audit_log"))
			}, `id="support-heading"`},
			// A reader's own changes that append to the audit log each time.
			{"renaming oneself", func(i int) req {
				return req{method: "POST", path: "/account/name", token: reader.token, form: url.Values{"name": {fmt.Sprintf("Ann %d", i)}}}
			}, func() string { return strconv.Itoa(countRows(t, d, "audit_log")) }, `action="/account/name"`},
			{"email preferences", func(int) req {
				return req{method: "POST", path: "/account/preferences", token: reader.token, form: url.Values{}}
			}, func() string { return strconv.Itoa(countRows(t, d, "audit_log")) }, `action="/account/preferences"`},
		}
		for n, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				from := func(addr string, r req) response {
					r.header = map[string]string{"X-Forwarded-For": addr}
					return h.do(t, r)
				}
				addr, other := fmt.Sprintf("192.0.2.%d", n+1), fmt.Sprintf("198.51.100.%d", n+1)
				for i := range web.DefaultFormPerClient {
					if res := from(addr, c.post(i)); res.status != http.StatusSeeOther {
						t.Fatalf("submission %d of %d: %d %s", i+1, web.DefaultFormPerClient, res.status, errorSummaryOr(res.body))
					}
				}
				before, calls := c.state(), stripe.calls.Load()
				res := from(addr, c.post(web.DefaultFormPerClient))
				if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "60" {
					t.Fatalf("over the limit: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
				}
				for _, want := range []string{`role="alert"`, "too many times", "Nothing has been stored or charged", "try again in a minute", c.form} {
					if !strings.Contains(res.body, want) {
						t.Fatalf("the refusal lacks %q:\n%s", want, res.body)
					}
				}
				if res.header.Get("Cache-Control") == "" || strings.Contains(res.header.Get("Cache-Control"), "public") {
					t.Errorf("refusal's Cache-Control %q", res.header.Get("Cache-Control"))
				}
				if after := c.state(); after != before || stripe.calls.Load() != calls {
					t.Fatalf("a refused form changed %q to %q and called Stripe %d times", before, after, stripe.calls.Load()-calls)
				}
				if res := from(other, c.post(web.DefaultFormPerClient)); res.status != http.StatusSeeOther {
					t.Fatalf("another address: %d %s", res.status, errorSummaryOr(res.body))
				}
				if res := from(addr, c.post(web.DefaultFormPerClient+1)); res.status != http.StatusTooManyRequests {
					t.Fatalf("the first address again at once: %d", res.status)
				}
				h.clock.Advance(time.Minute)
				if res := from(addr, c.post(web.DefaultFormPerClient+1)); res.status != http.StatusSeeOther {
					t.Fatalf("a minute later: %d %s", res.status, errorSummaryOr(res.body))
				}
			})
		}
	})
}

// TestFormLimitForAll: addresses without number meet the limit for all
// of them together, with its own message; the refused address had sent
// nothing, and its turn comes when the limit for all has room again.
func TestFormLimitForAll(t *testing.T) {
	fc := &fakeCheckout{}
	h := newHarness(t, dbtest.SQLite(t), withDonations(fc), withDeps(func(deps *web.Deps) {
		deps.FormLimits = web.FormLimits{PerClient: 2, All: 3, Window: time.Minute}
		trustLoopback(deps)
	}))
	gift := func(addr string) response {
		return h.do(t, req{method: "POST", path: "/donate", header: map[string]string{"X-Forwarded-For": addr},
			form: url.Values{"amount": {"10"}, "currency": {"GBP"}, "name": {"Ann"}, "email": {"ann@example.org"}}})
	}
	for _, addr := range []string{"192.0.2.1", "192.0.2.1", "192.0.2.2"} {
		if res := gift(addr); res.status != http.StatusSeeOther {
			t.Fatalf("%s: %d", addr, res.status)
		}
	}
	res := gift("192.0.2.3")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "20" ||
		!strings.Contains(res.body, "So many forms are being sent to us just now") {
		t.Fatalf("a new address past the limit for all: %d, Retry-After %q\n%s", res.status, res.header.Get("Retry-After"), res.body)
	}
	if len(fc.reqs) != 3 {
		t.Fatalf("%d checkouts started, want 3", len(fc.reqs))
	}
	h.clock.Advance(20 * time.Second)
	if res := gift("192.0.2.3"); res.status != http.StatusSeeOther {
		t.Fatalf("20 seconds later: %d", res.status)
	}
	metrics := httptest.NewRecorder()
	h.srv.MetricsHandler().ServeHTTP(metrics, httptest.NewRequest("GET", "/metrics", nil))
	if want := `coopress_form_limited_total{route="POST /donate",scope="all"} 1`; !strings.Contains(metrics.Body.String(), want) {
		t.Fatalf("metrics lack %q", want)
	}
}
