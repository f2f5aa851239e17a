package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/money"
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

// donate posts form to /donate.
func donate(form url.Values) req { return req{method: "POST", path: "/donate", form: form} }

func TestDonateFormRefusesBadAmounts(t *testing.T) {
	fc := &fakeCheckout{}
	h := newHarness(t, dbtest.SQLite(t), withDonations(fc))
	var scenarios []scenario
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
		scenarios = append(scenarios, scenario{name: c.name, method: "POST", path: "/donate",
			form: url.Values{"amount": {c.amount}, "custom_amount": {c.custom}, "currency": {c.currency},
				"name": {"Jo Bloggs"}, "town": {"Leeds"}, "message": {"Good luck"}},
			status: http.StatusUnprocessableEntity, want: []string{c.want, `id="donate-amount-error"`, `aria-invalid="true"`,
				`value="Jo Bloggs"`, `value="Leeds"`, "Good luck</textarea>"}})
	}
	runScenarios(t, h, scenarios)
	if len(fc.reqs) != 0 {
		t.Fatalf("%d checkouts started for bad input", len(fc.reqs))
	}
}

func TestDonateFormStartsCheckout(t *testing.T) {
	fc := &fakeCheckout{}
	h := newHarness(t, dbtest.SQLite(t), withDonations(fc))
	res := h.do(t, donate(url.Values{"amount": {"other"}, "custom_amount": {"£12.50"}, "currency": {"GBP"},
		"name": {"Jo"}, "email": {"jo@example.test"}, "town": {"Leeds"}, "public": {"yes"}}))
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "https://checkout.stripe.test/c/pay/cs_1" {
		t.Fatalf("status %d, location %q", res.status, res.header.Get("Location"))
	}
	if res := h.do(t, donate(url.Values{"amount": {"25"}, "currency": {"GBP"}})); res.status != http.StatusSeeOther {
		t.Fatalf("suggested amount: status %d", res.status)
	}
	if len(fc.reqs) != 2 || fc.reqs[0].Amount != money.New(1250, "GBP") || !fc.reqs[0].Public ||
		fc.reqs[0].Email != "jo@example.test" || fc.reqs[1].Amount != money.Major(25, "GBP") {
		t.Fatalf("requests %+v", fc.reqs)
	}
	runScenarios(t, h, []scenario{{name: "bad email", method: "POST", path: "/donate", form: url.Values{"amount": {"10"}, "email": {"not an email"}},
		status: http.StatusUnprocessableEntity, want: []string{"Enter an email address like"}}})
}

func TestDonatePages(t *testing.T) {
	noStore := map[string]string{"Cache-Control": "no-store"}
	on := newHarness(t, dbtest.SQLite(t), withDonations(&fakeCheckout{}))
	runScenarios(t, on, []scenario{
		{name: "form", path: "/donate", status: 200, wantHeader: noStore, want: []string{"<legend>How much would you like to give?</legend>",
			`<label for="donate-amount-5">£5</label>`, `<label for="donate-amount-50">£50</label>`,
			`<label for="donate-custom">`, `<label for="donate-public">`, `autocomplete="email"`}},
		{name: "thanks", path: "/donate/thanks?session_id=cs_1", status: 200, wantHeader: noStore, want: []string{"Thank you", "as soon as"}},
	})
	off := newHarness(t, dbtest.SQLite(t), withDonations(nil))
	runScenarios(t, off, []scenario{
		{name: "not set up", path: "/donate", status: 200, wantHeader: noStore,
			want: []string{"Online giving is not set up yet", "by post", "the Readers&#39; Society"}},
		{name: "post without Stripe", method: "POST", path: "/donate", form: url.Values{"amount": {"10"}},
			status: http.StatusServiceUnavailable, want: []string{"not set up"}},
	})
}

func stripeEvent(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"checkout.session.completed","created":1730900000,` +
		`"api_version":"` + stripe.APIVersion + `","data":{"object":{"id":"cs_1","payment_intent":"pi_1",` +
		`"payment_status":"paid","amount_total":500,"currency":"gbp","metadata":{"purpose":"donation"}}}}`)
}

func TestWebhookPassesCrossOriginProtectionButDonateFormDoesNot(t *testing.T) {
	fc := &fakeCheckout{}
	h := newHarness(t, dbtest.SQLite(t), withDonations(fc))
	b := stripeEvent("evt_web_1")
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: hookSecret}).Header
	post := func(body []byte, sig string) int {
		r := req{method: "POST", path: "/webhooks/stripe", body: body, contentType: "application/json"}
		if sig != "" {
			r.header = map[string]string{"Stripe-Signature": sig}
		}
		return h.do(t, r).status
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
	cross := donate(url.Values{"amount": {"10"}})
	cross.header = map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	if res := h.do(t, cross); res.status != http.StatusForbidden {
		t.Fatalf("cross-site donate post: %d, want 403", res.status)
	}
	if len(fc.reqs) != 0 {
		t.Fatal("a cross-site post started a checkout")
	}
}
