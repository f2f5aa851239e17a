package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// withRulesSociety adds the society under the default rules changed by opts,
// on the harness's start time, and returns it through *soc.
func withRulesSociety(t testing.TB, d *db.DB, soc **society.Service, opts ...func(*society.Rules)) option {
	return withDeps(func(deps *web.Deps) {
		r := society.DefaultRules()
		for _, o := range opts {
			o(&r)
		}
		s, err := society.New(d, r, func() time.Time { return testStart })
		if err != nil {
			t.Fatal(err)
		}
		*soc, deps.Society = s, s
	})
}

// admitMember admits name with shares on 2024-01-10.
func admitMember(t testing.TB, soc *society.Service, name string, shares int64) society.Member {
	t.Helper()
	m, err := soc.Admit(context.Background(), society.Admission{Class: society.Individual, Shares: shares, On: "2024-01-10",
		Contact: society.Contact{Name: name, Address: "1 " + name + " Street, Leeds", EmailUse: society.EmailNone,
			EffectiveOn: "2024-01-10"}}, account.Actor{Name: "secretary"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMembersArea: a reader with no membership is shown the way in; the
// secretary links a member to their account; the member sees their
// holding and history, changes their details (an entry: the register
// as of an earlier day keeps the old ones) and asks to withdraw, bad
// input each time refused beside its field with nothing recorded; the
// secretary pays one request and rejects another, and the member is
// told by email each time.
func TestMembersArea(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc))
		reader := h.persona(t, account.Reader)
		secretary := h.as(t, account.Secretary)
		m := admitMember(t, soc, "Rita Reader", 100)
		link := func(form url.Values) response {
			return h.do(t, req{method: "POST", path: "/admin/register/member/link", token: secretary, form: form})
		}
		runScenarios(t, h, []scenario{
			{name: "not a member yet", path: "/account/membership", token: reader.token, status: 200,
				want: []string{`href="/shares"`, "ask the society's secretary to link"}, notWant: []string{"Rita Reader"}},
			{name: "account page offers membership", path: "/account", token: reader.token, status: 200,
				want: []string{`id="membership-heading"`, "You are not a member"}},
			{name: "no change for a non-member", method: "POST", path: "/account/membership/withdraw", token: reader.token,
				form: url.Values{"shares": {"1"}}, status: http.StatusNotFound},
			{name: "anonymous", path: "/account/membership", status: http.StatusSeeOther, location: "/account/signin"},
			{name: "anonymous post", method: "POST", path: "/account/membership/contact", form: url.Values{}, status: http.StatusUnauthorized},
			{name: "find a member", path: "/admin/register/member?number=1", token: secretary, status: 200,
				want: []string{"Member 1: Rita Reader", "Not linked to an account."}},
			{name: "no such member", path: "/admin/register/member?number=99", token: secretary, status: http.StatusUnprocessableEntity,
				want: []string{`id="number-error"`, "There is no member 99"}},
		})
		for _, bad := range []struct {
			name  string
			form  url.Values
			field string
		}{
			{"no address", url.Values{"number": {"1"}, "action": {"link"}}, "email"},
			{"no such account", url.Values{"number": {"1"}, "email": {"nobody@example.org"}, "action": {"link"}}, "email"},
			{"unlink a member with none", url.Values{"number": {"1"}, "action": {"unlink"}}, "number"},
			{"not a number", url.Values{"number": {"one"}, "email": {reader.account.Email}}, "number"},
		} {
			if res := link(bad.form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+bad.field+`-error"`) {
				t.Errorf("link, %s: %d\n%s", bad.name, res.status, errorSummaryOr(res.body))
			}
		}
		if res := link(url.Values{"number": {"1"}, "email": {strings.ToUpper(reader.account.Email)}, "action": {"link"}}); res.status != http.StatusSeeOther {
			t.Fatalf("link: %d\n%s", res.status, errorSummaryOr(res.body))
		}

		page := h.do(t, req{path: "/account/membership", token: reader.token})
		for _, want := range []string{"<dd>1</dd>", "<dd>2024-01-10</dd>", "<dd>100</dd>", "£100.00", "allotment", "admission",
			"1 Rita Reader Street, Leeds", `id="address"`, "ask for no notice"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("membership page lacks %q", want)
			}
		}

		contact := func(name, address, email, use string) response {
			return h.do(t, req{method: "POST", path: "/account/membership/contact", token: reader.token,
				form: url.Values{"name": {name}, "address": {address}, "email": {email}, "email_use": {use}}})
		}
		for _, bad := range []struct {
			name, field                string
			rname, address, email, use string
		}{
			{"no name", "name", " ", "2 New Rd", "", "none"},
			{"no address", "address", "Rita Reader", "", "", "none"},
			{"address too long", "address", "Rita Reader", strings.Repeat("x", 501), "", "none"},
			{"email without @", "email", "Rita Reader", "2 New Rd", "rita.example.org", "notices"},
			{"unknown use", "email_use", "Rita Reader", "2 New Rd", "rita@example.org", "spam"},
		} {
			res := contact(bad.rname, bad.address, bad.email, bad.use)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+bad.field+`-error"`) {
				t.Errorf("contact, %s: %d\n%s", bad.name, res.status, errorSummaryOr(res.body))
			}
		}
		if res := contact("Rita Reader", "2 New Road, York", "rita@example.org", "notices"); res.status != http.StatusSeeOther {
			t.Fatalf("change details: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		for asOf, want := range map[string]string{"2024-11-06": "2 New Road, York", "2024-11-05": "1 Rita Reader Street, Leeds"} {
			reg, err := soc.Register(ctx, asOf)
			if err != nil || len(reg) != 1 || reg[0].Address != want {
				t.Errorf("register as of %s: %+v %v", asOf, reg, err)
			}
		}

		withdraw := func(shares string, all bool) response {
			form := url.Values{"shares": {shares}}
			if all {
				form.Set("all", "yes")
			}
			return h.do(t, req{method: "POST", path: "/account/membership/withdraw", token: reader.token, form: form})
		}
		for _, bad := range []string{"", "0", "-3", "1.5", "101", "ten"} {
			if res := withdraw(bad, false); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="shares-error"`) {
				t.Errorf("withdraw %q: %d\n%s", bad, res.status, errorSummaryOr(res.body))
			}
		}
		if res := withdraw("30", false); res.status != http.StatusSeeOther {
			t.Fatalf("withdraw 30: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		if res := withdraw("", true); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "already wait") {
			t.Errorf("withdraw all with 30 waiting: %d", res.status)
		}
		if res := withdraw("20", false); res.status != http.StatusSeeOther {
			t.Fatalf("withdraw 20 more: %d", res.status)
		}
		waiting, err := soc.WaitingWithdrawals(ctx)
		if err != nil || len(waiting) != 2 {
			t.Fatalf("waiting %+v %v", waiting, err)
		}
		list := h.do(t, req{path: "/admin/register/withdrawals", token: secretary})
		if list.status != 200 || !strings.Contains(list.body, "1 Rita Reader") || !strings.Contains(list.body, "30 shares: £30.00") {
			t.Fatalf("withdrawals page: %d\n%s", list.status, list.body)
		}
		pay, reject := "/admin/register/withdrawals/"+itoa(waiting[0].ID)+"/pay", "/admin/register/withdrawals/"+itoa(waiting[1].ID)+"/reject"
		sent := h.sentCount()
		runScenarios(t, h, []scenario{
			{name: "pay unconfirmed", method: "POST", path: pay, token: secretary, form: url.Values{}, status: http.StatusUnprocessableEntity,
				want: []string{`id="pay-` + itoa(waiting[0].ID) + `-error"`}},
			{name: "reject without reason", method: "POST", path: reject, token: secretary, form: url.Values{}, status: http.StatusUnprocessableEntity,
				want: []string{`id="reason-` + itoa(waiting[1].ID) + `-error"`}},
			{name: "pay", method: "POST", path: pay, token: secretary, form: url.Values{"confirm": {"yes"}}, status: http.StatusSeeOther},
			{name: "pay twice", method: "POST", path: pay, token: secretary, form: url.Values{"confirm": {"yes"}}, status: http.StatusUnprocessableEntity,
				want: []string{"already"}},
			{name: "reject", method: "POST", path: reject, token: secretary,
				form: url.Values{"reason-" + itoa(waiting[1].ID): {"The board needs the capital until March."}}, status: http.StatusSeeOther},
			{name: "unknown request", method: "POST", path: "/admin/register/withdrawals/99999/pay", token: secretary,
				form: url.Values{"confirm": {"yes"}}, status: http.StatusNotFound},
			{name: "member's page after", path: "/account/membership", token: reader.token, status: 200,
				want: []string{"<dd>70</dd>", "paid: £30.00", "not paid: The board needs the capital until March.", "withdrawal"}},
		})
		if h.sentCount() != sent+2 {
			t.Fatalf("%d emails sent; want 2", h.sentCount()-sent)
		}
		h.mail.mu.Lock()
		paid, rejected := h.mail.sent[sent], h.mail.sent[sent+1]
		h.mail.mu.Unlock()
		if paid.To != reader.account.Email || !strings.Contains(paid.Text, "repaid you £30.00") ||
			rejected.To != reader.account.Email || !strings.Contains(rejected.Text, "needs the capital") {
			t.Errorf("emails: %+v\n%+v", paid, rejected)
		}
		if shares, _, _ := soc.Holding(ctx, m.Number); shares != 70 {
			t.Errorf("holding %d; want 70", shares)
		}
		r, err := soc.Check(ctx)
		if err != nil || !r.OK() {
			t.Fatalf("check: %v %v", r.Problems, err)
		}
	})
}

// TestMembersAreaSuspended: while the board has suspended withdrawals the
// member's page says so, a request is still recorded, and the secretary
// cannot pay it.
func TestMembersAreaSuspended(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc, func(r *society.Rules) {
			r.WithdrawalsSuspendedFrom, r.NoticeDays = "2024-06-01", 90
		}))
		reader := h.persona(t, account.Reader)
		m := admitMember(t, soc, "Sam Saver", 50)
		if err := soc.Link(context.Background(), m.Number, reader.account.ID, account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		page := h.do(t, req{path: "/account/membership", token: reader.token})
		for _, want := range []string{"suspended withdrawals from 1 June 2024 until further notice", "90 days", "from 2025-02-04", "cannot be paid while"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if res := h.do(t, req{method: "POST", path: "/account/membership/withdraw", token: reader.token,
			form: url.Values{"all": {"yes"}}}); res.status != http.StatusSeeOther {
			t.Fatalf("request all: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		ws, err := soc.WaitingWithdrawals(context.Background())
		if err != nil || len(ws) != 1 || !ws[0].All() {
			t.Fatalf("waiting %+v %v", ws, err)
		}
		res := h.do(t, req{method: "POST", path: "/admin/register/withdrawals/" + itoa(ws[0].ID) + "/pay", as: account.Secretary,
			form: url.Values{"confirm": {"yes"}}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "suspended withdrawals") {
			t.Fatalf("pay while suspended: %d\n%s", res.status, errorSummaryOr(res.body))
		}
		// A staff member who has not given their second factor is not
		// signed in for the reader pages either.
		sec := h.person(t, "half@example.org", account.Secretary)
		h.enrolTOTP(t, sec)
		if res := h.do(t, req{path: "/account/membership", token: h.passwordSession(t, sec)}); !strings.HasPrefix(res.header.Get("Location"), "/account/signin") {
			t.Errorf("half-signed-in staff: %d %s", res.status, res.header.Get("Location"))
		}
	})
}
