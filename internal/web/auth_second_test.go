package web_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/pquerna/otp/totp"
)

// TestPasswordAloneOpensNoStaffPage asks every staff route with a session
// that has only given a password, for each role that must have a second
// factor. With a factor set up, a page is a trip to the second-factor
// step and an action is refused; without one, only the security page
// opens. A treasurer with a password alone reaches no money page.
func TestPasswordAloneOpensNoStaffPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund(), withMedia(), withJobs())
		routes := h.srv.AdminRoutes()
		for _, role := range account.PowerRoles() {
			enrolled := h.person(t, "enrolled-"+string(role)+"@example.org", role)
			h.enrolTOTP(t, enrolled)
			fresh := h.person(t, "fresh-"+string(role)+"@example.org", role)
			money := 0
			for _, r := range routes {
				method, path := requestFor(r.Pattern, matrixObjects{})
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{}
				}
				res := h.do(t, req{method: method, path: path, token: h.passwordSession(t, enrolled), form: form})
				loc := res.header.Get("Location")
				switch {
				case method == http.MethodGet && (res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin/second?next=")):
					t.Errorf("%s with a password alone: GET %s: %d %q, want a trip to /signin/second", role, path, res.status, loc)
				case method != http.MethodGet && res.status != http.StatusUnauthorized:
					t.Errorf("%s with a password alone: %s %s: %d, want 401", role, method, path, res.status)
				}
				if strings.HasPrefix(path, "/admin/fund") {
					money++
				}

				setUp := strings.HasPrefix(path, "/admin/account/security")
				res = h.do(t, req{method: method, path: path, token: h.passwordSession(t, fresh), form: form})
				loc = res.header.Get("Location")
				switch {
				case setUp:
					if res.status == http.StatusForbidden || res.status == http.StatusUnauthorized || strings.HasPrefix(loc, "/signin") {
						t.Errorf("%s without a factor: %s %s: %d %q, want the set-up to open", role, method, path, res.status, loc)
					}
				case method == http.MethodGet && (res.status != http.StatusSeeOther || loc != "/admin/account/security?setup=1"):
					t.Errorf("%s without a factor: GET %s: %d %q, want a trip to set one up", role, path, res.status, loc)
				case method != http.MethodGet && res.status != http.StatusForbidden:
					t.Errorf("%s without a factor: %s %s: %d, want 403", role, method, path, res.status)
				}
			}
			if money < 10 {
				t.Errorf("only %d money routes asked; the table of routes is not what this test expects", money)
			}
		}
	})
}

var (
	secretRE   = regexp.MustCompile(`<code class="totp-secret">([A-Z2-7]+)</code>`)
	recoveryRE = regexp.MustCompile(`<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>`)
)

// TestSecondFactorSetUpAndSignIn follows a new treasurer through the
// site: the password leads only to setting up an authenticator app; its
// code completes it and shows ten recovery codes once; the next sign-in
// asks for a code, refuses a wrong and a reused one, and a recovery code
// works once.
func TestSecondFactorSetUpAndSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		h.person(t, "tre@example.org", account.Treasurer)
		signIn := func() string {
			t.Helper()
			res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"tre@example.org"}, "password": {testPassword}, "next": {"/admin/fund"}}})
			if res.status != http.StatusSeeOther || res.cookie == nil {
				t.Fatalf("sign in: %d", res.status)
			}
			return res.cookie.Value
		}
		token := signIn()
		res := h.do(t, req{path: "/admin/fund", token: token})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/account/security?setup=1" {
			t.Fatalf("money page before set-up: %d %q", res.status, res.header.Get("Location"))
		}
		res = h.do(t, req{path: "/admin/account/security?setup=1", token: token})
		if res.status != 200 || !strings.Contains(res.body, "Your role needs a second factor") || strings.Contains(res.body, "Fighting fund</a>") {
			t.Fatalf("set-up page: %d (the staff menu must not show before set-up)\n%.600s", res.status, res.body)
		}
		if res := h.do(t, req{method: "POST", path: "/admin/account/security/totp/start", token: token, form: url.Values{}}); res.status != http.StatusSeeOther {
			t.Fatalf("start: %d", res.status)
		}
		res = h.do(t, req{path: "/admin/account/security", token: token})
		m := secretRE.FindStringSubmatch(res.body)
		if m == nil || !strings.Contains(res.body, `href="otpauth://totp/`) {
			t.Fatalf("the page shows no key or app link:\n%s", res.body)
		}
		secret := m[1]
		img := h.do(t, req{path: "/admin/account/security/totp.png", token: token})
		if _, err := png.Decode(bytes.NewReader([]byte(img.body))); err != nil || img.header.Get("Content-Type") != "image/png" || img.header.Get("Cache-Control") != "no-store" {
			t.Errorf("QR code: %v %q %q", err, img.header.Get("Content-Type"), img.header.Get("Cache-Control"))
		}
		res = h.do(t, req{method: "POST", path: "/admin/account/security/totp", token: token, form: url.Values{"name": {"My phone"}, "code": {"12345x"}}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `aria-describedby="code-error"`) {
			t.Errorf("wrong code at set-up: %d", res.status)
		}
		code := mustCode(t, secret, h.clock.Now())
		res = h.do(t, req{method: "POST", path: "/admin/account/security/totp", token: token, form: url.Values{"name": {"My phone"}, "code": {code}}})
		codes := recoveryRE.FindAllStringSubmatch(res.body, -1)
		if res.status != 200 || len(codes) != account.RecoveryCodeCount || !strings.Contains(res.body, "My phone") {
			t.Fatalf("confirm: %d, %d recovery codes\n%s", res.status, len(codes), errorSummaryOr(res.body))
		}
		if res := h.do(t, req{path: "/admin/account/security", token: token}); recoveryRE.MatchString(res.body) || !strings.Contains(res.body, "10 unused recovery codes") {
			t.Errorf("recovery codes shown a second time, or not counted")
		}
		if res := h.do(t, req{path: "/admin/fund", token: token}); res.status != 200 {
			t.Fatalf("money page after set-up: %d", res.status)
		}

		// The next sign-in needs the code.
		token = signIn()
		res = h.do(t, req{path: "/admin/fund", token: token})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin/second?next=%2Fadmin%2Ffund" {
			t.Fatalf("money page after the password: %d %q", res.status, res.header.Get("Location"))
		}
		res = h.do(t, req{path: "/signin/second?next=%2Fadmin%2Ffund", token: token})
		if res.status != 200 || !strings.Contains(res.body, `autocomplete="one-time-code"`) || !strings.Contains(res.body, `<label for="recovery">`) {
			t.Fatalf("second-factor page: %d", res.status)
		}
		second := func(method, code string) response {
			return h.do(t, req{method: "POST", path: "/signin/second", token: token, form: url.Values{"method": {method}, map[string]string{"totp": "code", "recovery": "recovery"}[method]: {code}, "next": {"/admin/fund"}}})
		}
		if res := second("totp", code); res.status != http.StatusUnauthorized || !strings.Contains(res.body, "was used already") {
			t.Errorf("the set-up code again: %d, want 401", res.status)
		}
		h.clock.Advance(30 * time.Second)
		res = second("totp", mustCode(t, secret, h.clock.Now()))
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/fund" || res.cookie == nil || res.cookie.Value == token {
			t.Fatalf("right code: %d %q", res.status, res.header.Get("Location"))
		}
		if res := h.do(t, req{path: "/admin/fund", token: token}); !res.sentToSignIn() {
			t.Errorf("the half-signed-in session still works: %d", res.status)
		}
		if res := h.do(t, req{path: "/admin/fund", token: res.cookie.Value}); res.status != 200 {
			t.Errorf("money page after the code: %d", res.status)
		}

		// A recovery code, typed in capitals, works once.
		token = signIn()
		if res := second("recovery", strings.ToUpper(codes[0][1])); res.status != http.StatusSeeOther {
			t.Errorf("recovery code: %d %s", res.status, errorSummaryOr(res.body))
		}
		token = signIn()
		if res := second("recovery", codes[0][1]); res.status != http.StatusUnauthorized {
			t.Errorf("recovery code used twice: %d", res.status)
		}
	})
}

func mustCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSecondFactorGuessesLimited: after five wrong codes the sixth try,
// even with the right code, is refused with 429 and Retry-After.
func TestSecondFactorGuessesLimited(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	a := h.person(t, "admin2@example.org", account.Admin)
	secret := h.enrolTOTP(t, a)
	h.clock.Advance(time.Minute)
	token := h.passwordSession(t, a)
	right := mustCode(t, secret, h.clock.Now())
	for i := range 5 {
		wrong := []byte(right)
		wrong[5] = '0' + (wrong[5]-'0'+1+byte(i))%10
		res := h.do(t, req{method: "POST", path: "/signin/second", token: token, form: url.Values{"method": {"totp"}, "code": {string(wrong)}}})
		if res.status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i+1, res.status)
		}
	}
	res := h.do(t, req{method: "POST", path: "/signin/second", token: token, form: url.Values{"method": {"totp"}, "code": {right}}})
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || res.cookie != nil {
		t.Fatalf("sixth try: %d %q", res.status, res.header.Get("Retry-After"))
	}
}

// TestAdminResetsSomeoneElsesFactors: the reset ends the person's
// sessions and sends them to set up a new factor; an admin cannot reset
// their own.
func TestAdminResetsSomeoneElsesFactors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		admin := h.as(t, account.Admin)
		tr := h.account(t, account.Treasurer)
		trToken := h.as(t, account.Treasurer)
		res := h.do(t, req{path: "/admin/users/" + itoa(tr.ID), token: admin})
		if !strings.Contains(res.body, "Reset second factors of treasurer@example.org") {
			t.Fatalf("user page offers no reset:\n%s", res.body)
		}
		res = h.do(t, req{method: "POST", path: "/admin/users/" + itoa(tr.ID) + "/second-factor/reset", token: admin, form: url.Values{}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("reset: %d %s", res.status, errorSummaryOr(res.body))
		}
		if res := h.do(t, req{path: "/admin/fund", token: trToken}); !res.sentToSignIn() {
			t.Errorf("the treasurer's session survived the reset: %d", res.status)
		}
		if fs, _ := h.accounts.Factors(context.Background(), tr.ID); len(fs) != 0 {
			t.Errorf("factors after reset: %v", fs)
		}
		me := h.account(t, account.Admin)
		res = h.do(t, req{method: "POST", path: "/admin/users/" + itoa(me.ID) + "/second-factor/reset", token: admin, form: url.Values{}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "You cannot reset your own second factors") {
			t.Errorf("self reset: %d", res.status)
		}
	})
}
