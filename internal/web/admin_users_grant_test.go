package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/web"
)

// TestAdminCannotGrantThemselves: on /admin/users/{id}/roles an admin
// cannot add a role to their own account (the money roles least of all),
// and is told so beside the roles; another admin can, and the role's other
// holders are mailed about it.
func TestAdminCannotGrantThemselves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		notices := &mailbox{}
		h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) {
			// The server's accounts queue grant notices to notices.
			deps.Accounts = account.New(d, account.Options{Now: deps.Now, Hash: cheapHash, Mail: notices})
		}))
		ctx := context.Background()
		me := h.person(t, "me@example.org", account.Admin)
		other := h.person(t, "other@example.org", account.Admin)
		h.person(t, "books@example.org", account.Treasurer)
		mine := fmt.Sprintf("/admin/users/%d/roles", me.ID)
		for _, add := range []account.Role{account.Treasurer, account.Secretary, account.Editor} {
			res := h.do(t, req{method: "POST", path: mine, token: h.session(t, me),
				form: url.Values{"roles": {string(account.Admin), string(add)}}})
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="roles-error"`) ||
				!strings.Contains(res.body, "You cannot give yourself the "+string(add)+" role") {
				t.Errorf("admin giving themselves %s: %d\n%s", add, res.status, errorSummary(res.body))
			}
		}
		if a, _ := h.accounts.ByID(ctx, me.ID); !slices.Equal(a.Roles, []account.Role{account.Admin}) {
			t.Fatalf("roles after refused self-grants: %v", a.Roles)
		}
		if len(notices.sent) != 0 {
			t.Fatalf("refused self-grants queued mail: %+v", notices.sent)
		}
		// Another admin may; the treasurer hears of it, the grantee does not.
		res := h.do(t, req{method: "POST", path: mine, token: h.session(t, other),
			form: url.Values{"roles": {string(account.Admin), string(account.Treasurer)}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("another admin granting treasurer: %d\n%s", res.status, errorSummary(res.body))
		}
		if len(notices.sent) != 1 || notices.sent[0].To != "books@example.org" || notices.sent[0].Kind != "role_grant" ||
			!strings.Contains(notices.sent[0].Text, "other@example.org gave the treasurer role to Test me (me@example.org)") {
			t.Errorf("grant notices %+v, want one to books@example.org", notices.sent)
		}
		entries, _, err := h.accounts.Audit().List(ctx, account.Filter{Action: "account.grant"}, 1)
		if err != nil || len(entries) != 1 || entries[0].ActorName != "other@example.org" {
			t.Errorf("account.grant entries %+v (%v), want one by other@example.org", entries, err)
		}
		// The page says why before anyone tries.
		if res := h.do(t, req{path: fmt.Sprintf("/admin/users/%d", me.ID), token: h.session(t, me)}); !strings.Contains(res.body, "You may drop your own roles but not add one") {
			t.Errorf("own user page lacks the self-grant hint")
		}
	})
}
