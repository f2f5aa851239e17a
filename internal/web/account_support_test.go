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
	"github.com/coopress/coopress/internal/supporter"
)

// addSubscription stores an active £5 monthly subscription of a, as the
// provider's webhooks leave it, and returns its id.
func addSubscription(t *testing.T, d *db.DB, a account.Account, plan supporter.Plan, providerID string) int64 {
	t.Helper()
	var id int64
	err := d.Writer().QueryRowContext(context.Background(), `INSERT INTO subscriptions (join_ref, provider_subscription, plan_id,
		amount_minor, currency, method, status, email, name, account_id, created_at, updated_at)
		VALUES ($1, $2, $3, 500, 'GBP', 'card', 'active', $4, $5, $6, $7, $7) RETURNING id`,
		"join-"+providerID, providerID, plan.ID, a.Email, a.Name, a.ID, db.UTC(testStart)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func subscriptionStatus(t *testing.T, d *db.DB, id int64) string {
	t.Helper()
	var st string
	if err := d.Writer().QueryRowContext(context.Background(), `SELECT status FROM subscriptions WHERE id = $1`, id).Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestReaderManagesTheirSupport: a reader sees their monthly support on
// /account and pauses, resumes and cancels it (at stripe-mock and here,
// audited); another reader's support is a 404 and stays as it was; an
// action that does not fit the status is refused beside the section.
func TestReaderManagesTheirSupport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, svc, five := supportersSite(t, d)
		reader := h.persona(t, account.Reader)
		other := h.person(t, "other-reader@example.org", account.Reader)
		mine := addSubscription(t, d, reader.account, five, "sub_reader")
		theirs := addSubscription(t, d, other, five, "sub_other")
		page := h.do(t, req{path: "/account", token: reader.token})
		if page.status != 200 || !strings.Contains(page.body, "(Monthly), by card") || !strings.Contains(page.body, "Pause this support") ||
			strings.Contains(page.body, "/account/support/"+strconv.FormatInt(theirs, 10)+"/") {
			t.Fatalf("account page: %d\n%s", page.status, page.body)
		}
		action := func(id int64, what string) response {
			return h.do(t, req{method: "POST", path: "/account/support/" + strconv.FormatInt(id, 10) + "/" + what, token: reader.token, form: map[string][]string{}})
		}
		if res := action(theirs, "cancel"); res.status != http.StatusNotFound || subscriptionStatus(t, d, theirs) != "active" {
			t.Errorf("cancelling another reader's support: %d, theirs now %s", res.status, subscriptionStatus(t, d, theirs))
		}
		// Moving to the any-amount plan: refusals beside the section, then
		// the change, which Stripe (stripe-mock) takes first.
		plans, err := svc.Plans(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		choice := ""
		for _, p := range plans {
			if p.AnyAmount() {
				choice = strconv.FormatInt(p.ID, 10)
			}
		}
		change := func(id int64, plan, amount string) response {
			return h.do(t, req{method: "POST", path: "/account/support/" + strconv.FormatInt(id, 10) + "/change", token: reader.token,
				form: map[string][]string{"plan": {plan}, "amount": {amount}}})
		}
		for _, bad := range []struct{ plan, amount, want string }{
			{strconv.FormatInt(five.ID, 10), "", "You already give £5 a month"},
			{choice, "2", "The smallest amount on this plan is £3"},
			{choice, "lots", "amount"},
			{"999999", "", "Choose one of the plans"},
		} {
			res := change(mine, bad.plan, bad.amount)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(unescape(res.body), bad.want) || !strings.Contains(res.body, `id="support-error"`) {
				t.Errorf("change to plan %s amount %q: %d, want 422 saying %q", bad.plan, bad.amount, res.status, bad.want)
			}
		}
		if res := change(theirs, choice, "7"); res.status != http.StatusNotFound {
			t.Errorf("changing another reader's support: %d", res.status)
		}
		if res := change(mine, choice, "7.50"); res.status != http.StatusSeeOther {
			t.Fatalf("change to £7.50: %d %s", res.status, errorSummaryOr(res.body))
		}
		var amount int64
		if err := d.Writer().QueryRowContext(context.Background(), `SELECT amount_minor FROM subscriptions WHERE id = $1`, mine).Scan(&amount); err != nil || amount != 750 {
			t.Errorf("amount after the change: %d %v, want 750", amount, err)
		}
		for _, step := range []struct{ action, status, notice string }{
			{"pause", "paused", "Your support is paused"}, {"resume", "active", "running again"}, {"cancel", "cancelled", "Your support is cancelled"},
		} {
			res := action(mine, step.action)
			if res.status != http.StatusSeeOther || subscriptionStatus(t, d, mine) != step.status {
				t.Fatalf("%s: %d %s, status %s", step.action, res.status, errorSummaryOr(res.body), subscriptionStatus(t, d, mine))
			}
			loc, _, _ := strings.Cut(res.header.Get("Location"), "#") // browsers keep the fragment to themselves
			if page := h.do(t, req{path: loc, token: reader.token}); !strings.Contains(page.body, step.notice) {
				t.Errorf("after %s the page does not say %q", step.action, step.notice)
			}
		}
		if res := action(mine, "pause"); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="support-error"`) {
			t.Errorf("pausing a cancelled support: %d", res.status)
		}
		entries, _, err := h.accounts.Audit().List(context.Background(), account.Filter{ObjectType: "subscription"}, 1)
		if err != nil || len(entries) != 4 || entries[0].Action != "supporter.cancel" || entries[3].Action != "supporter.change" || entries[0].ActorID != reader.account.ID {
			t.Errorf("audit: %+v %v", entries, err)
		}
	})
}
