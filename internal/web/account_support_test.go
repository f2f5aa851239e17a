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
		h, _, five := supportersSite(t, d)
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
		if err != nil || len(entries) != 3 || entries[0].Action != "supporter.cancel" || entries[0].ActorID != reader.account.ID {
			t.Errorf("audit: %+v %v", entries, err)
		}
	})
}
