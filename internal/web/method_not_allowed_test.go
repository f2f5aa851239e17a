package web_test

import (
	"net/http"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestMethodsNotAllowed: a wrong method on a path the site serves answers
// 405 with an Allow header naming the right ones, public and staff; an
// unknown path is still 404 whatever the method; and under /admin/ a
// visitor who is not signed in is asked to sign in before being told
// anything about the staff area's routes.
func TestMethodsNotAllowed(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	get, post := "GET, HEAD", "POST"
	allow := func(v string) map[string]string { return map[string]string{"Allow": v, "Cache-Control": "no-store"} }
	none := map[string]string{"Allow": ""}
	heading := []string{"Method not allowed"}
	runScenarios(t, h, []scenario{
		// Public pages, the sign-in pages and the machinery.
		{method: "POST", path: "/article/the-seed", status: http.StatusMethodNotAllowed, wantHeader: allow(get), want: heading},
		{method: "DELETE", path: "/", status: http.StatusMethodNotAllowed, wantHeader: allow(get)},
		{method: "PUT", path: "/donate", status: http.StatusMethodNotAllowed, wantHeader: allow("GET, HEAD, POST")},
		{method: "GET", path: "/signout", status: http.StatusMethodNotAllowed, wantHeader: allow(post), want: heading},
		{method: "PATCH", path: "/reset/sometoken", status: http.StatusMethodNotAllowed, wantHeader: allow("GET, HEAD, POST")},
		{method: "GET", path: "/webhooks/stripe", status: http.StatusMethodNotAllowed, wantHeader: allow(post)},
		{method: "POST", path: "/fund/live", status: http.StatusMethodNotAllowed, wantHeader: allow(get)},
		{method: "POST", path: "/static/site.css", status: http.StatusMethodNotAllowed, wantHeader: allow(get)},
		{method: "POST", path: "/feed.rss", status: http.StatusMethodNotAllowed, wantHeader: allow(get)},
		// Unknown paths stay 404, with no Allow.
		{method: "POST", path: "/no-such-page", status: http.StatusNotFound, wantHeader: none},
		{method: "GET", path: "/no-such-page", status: http.StatusNotFound, wantHeader: none},
		{method: "POST", path: "/article/x/y", status: http.StatusNotFound, wantHeader: none},
		// Staff: signed in, the same rule.
		{method: "GET", path: "/admin/users/1/roles", as: account.Admin, status: http.StatusMethodNotAllowed, wantHeader: allow(post)},
		{method: "DELETE", path: "/admin/users", as: account.Admin, status: http.StatusMethodNotAllowed, wantHeader: allow("GET, HEAD, POST")},
		{method: "POST", path: "/admin/desk", as: account.Editor, status: http.StatusMethodNotAllowed, wantHeader: allow(get)},
		{method: "GET", path: "/admin/account/password", as: account.Writer, status: http.StatusMethodNotAllowed, wantHeader: allow(post)},
		{method: "POST", path: "/admin/no-such-page", as: account.Admin, status: http.StatusNotFound, wantHeader: none},
		// Staff: not signed in, asked to sign in first; nothing is given away.
		{name: "anonymous GET of a POST-only staff path", method: "GET", path: "/admin/users/1/roles",
			status: http.StatusSeeOther, location: "/signin?next=", wantHeader: none},
		{name: "anonymous POST to a GET-only staff path", method: "POST", path: "/admin/desk",
			status: http.StatusUnauthorized, wantHeader: none},
	})
}
