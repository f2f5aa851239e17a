package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/web"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// fakeCheckout records what the donate form asked for.
type fakeCheckout struct {
	mu   sync.Mutex
	reqs []donation.Request
}

func (f *fakeCheckout) StartDonation(_ context.Context, r donation.Request) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	return "https://checkout.stripe.test/c/pay/cs_1", nil
}

const hookSecret = "whsec_web_test"

func newDonateSite(t *testing.T, starter web.DonationStarter) *httptest.Server {
	t.Helper()
	d := dbtest.SQLite(t)
	// An insert-only River client: the webhook tests look only at HTTP and
	// at what is stored, so no worker runs the jobs.
	if err := jobs.Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	jc, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := payment.NewIntake(d, jc, hookSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{Site: web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test", SocietyName: "the Readers' Society"},
		Articles: article.NewStore(d, time.Now), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		DonationLimits: donation.Limits{Min: money.Major(1, "GBP"), Max: money.Major(10000, "GBP")},
		StripeWebhooks: in}
	if starter != nil {
		deps.Donations = starter
	}
	srv, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs
}

func postForm(t *testing.T, base string, form url.Values, header ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/donate", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestDonateFormRefusesBadAmounts(t *testing.T) {
	fc := &fakeCheckout{}
	hs := newDonateSite(t, fc)
	for _, c := range []struct {
		name, amount, custom, currency, want string
	}{
		{"nothing chosen", "", "", "GBP", "Choose an amount"},
		{"zero", "other", "0", "GBP", "at least £1"},
		{"negative", "other", "-5", "GBP", "Enter"},
		{"fractional pence", "other", "1.234", "GBP", "no more than two figures after the point"},
		{"below the minimum", "other", "0.50", "GBP", "The smallest gift we can take online is £1"},
		{"above the maximum", "other", "10000.01", "GBP", "We can take up to £10,000 online"},
		{"huge", "other", "99999999999999999999", "GBP", "We can take up to £10,000 online"},
		{"not a number", "other", "ten pounds", "GBP", "Enter the amount as a number"},
		{"euro sign", "other", "€20", "GBP", "in GBP only"},
		{"wrong currency field", "10", "", "EUR", "in GBP only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, _, body := postForm(t, hs.URL, url.Values{"amount": {c.amount}, "custom_amount": {c.custom},
				"currency": {c.currency}, "name": {"Jo Bloggs"}, "town": {"Leeds"}, "message": {"Good luck"}})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			for _, want := range []string{c.want, `id="donate-amount-error"`, `aria-invalid="true"`,
				`value="Jo Bloggs"`, `value="Leeds"`, "Good luck</textarea>"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
	if len(fc.reqs) != 0 {
		t.Fatalf("%d checkouts started for bad input", len(fc.reqs))
	}
}

func TestDonateFormStartsCheckout(t *testing.T) {
	fc := &fakeCheckout{}
	hs := newDonateSite(t, fc)
	st, h, _ := postForm(t, hs.URL, url.Values{"amount": {"other"}, "custom_amount": {"£12.50"}, "currency": {"GBP"},
		"name": {"Jo"}, "email": {"jo@example.test"}, "town": {"Leeds"}, "public": {"yes"}})
	if st != http.StatusSeeOther || h.Get("Location") != "https://checkout.stripe.test/c/pay/cs_1" {
		t.Fatalf("status %d, location %q", st, h.Get("Location"))
	}
	st, _, _ = postForm(t, hs.URL, url.Values{"amount": {"25"}, "currency": {"GBP"}})
	if st != http.StatusSeeOther {
		t.Fatalf("suggested amount: status %d", st)
	}
	if len(fc.reqs) != 2 || fc.reqs[0].Amount != money.New(1250, "GBP") || !fc.reqs[0].Public ||
		fc.reqs[0].Email != "jo@example.test" || fc.reqs[1].Amount != money.Major(25, "GBP") {
		t.Fatalf("requests %+v", fc.reqs)
	}
	st, _, body := postForm(t, hs.URL, url.Values{"amount": {"10"}, "email": {"not an email"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter an email address like") {
		t.Fatalf("bad email: status %d", st)
	}
}

func TestDonatePages(t *testing.T) {
	on := newDonateSite(t, &fakeCheckout{})
	off := newDonateSite(t, nil)
	for _, c := range []struct {
		name, base, path string
		status           int
		want             []string
	}{
		{"form", on.URL, "/donate", 200, []string{"<legend>How much would you like to give?</legend>",
			`<label for="donate-amount-5">£5</label>`, `<label for="donate-amount-50">£50</label>`,
			`<label for="donate-custom">`, `<label for="donate-public">`, `autocomplete="email"`}},
		{"not set up", off.URL, "/donate", 200, []string{"Online giving is not set up yet", "by post", "the Readers&#39; Society"}},
		{"thanks", on.URL, "/donate/thanks?session_id=cs_1", 200, []string{"Thank you", "as soon as"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(c.base + c.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("status %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
	st, _, body := postForm(t, off.URL, url.Values{"amount": {"10"}})
	if st != http.StatusServiceUnavailable || !strings.Contains(body, "not set up") {
		t.Fatalf("post without Stripe: %d", st)
	}
}

func stripeEvent(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"checkout.session.completed","created":1730900000,` +
		`"api_version":"` + stripe.APIVersion + `","data":{"object":{"id":"cs_1","payment_intent":"pi_1",` +
		`"payment_status":"paid","amount_total":500,"currency":"gbp","metadata":{"purpose":"donation"}}}}`)
}

func TestWebhookPassesCrossOriginProtectionButDonateFormDoesNot(t *testing.T) {
	fc := &fakeCheckout{}
	hs := newDonateSite(t, fc)
	b := stripeEvent("evt_web_1")
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: hookSecret}).Header
	post := func(body []byte, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/webhooks/stripe", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set("Stripe-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(b, sig); st != http.StatusOK {
		t.Fatalf("signed webhook: %d", st)
	}
	if st := post(b, sig); st != http.StatusOK {
		t.Fatalf("redelivered webhook: %d", st)
	}
	old := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: hookSecret, Timestamp: time.Now().Add(-10 * time.Minute)}).Header
	for name, st := range map[string]int{
		"unsigned": post(b, ""), "badly signed": post(b, "t=1,v1=00"), "too old": post(b, old),
		"malformed": post([]byte("{"), webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte("{"), Secret: hookSecret}).Header),
		"too large": post([]byte(strings.Repeat(" ", 300<<10)), ""),
	} {
		want := http.StatusBadRequest
		if name == "too large" {
			want = http.StatusRequestEntityTooLarge
		}
		if st != want {
			t.Errorf("%s webhook: %d, want %d", name, st, want)
		}
	}
	st, _, _ := postForm(t, hs.URL, url.Values{"amount": {"10"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if st != http.StatusForbidden {
		t.Fatalf("cross-site donate post: %d, want 403", st)
	}
	if len(fc.reqs) != 0 {
		t.Fatal("a cross-site post started a checkout")
	}
}
