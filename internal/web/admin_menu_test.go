package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
)

var (
	staffNav  = regexp.MustCompile(`(?s)<nav aria-label="Staff".*?</nav>`)
	adminLink = regexp.MustCompile(`<a href="(/admin[^"]*)"[^>]*>([^<]*)</a>`)
)

// TestStaffMenuOpensWhatItShows signs in as each staff role and reads the
// menu and the dashboard as served: every link shown opens (200), every
// menu link not shown is refused (403), and each menu link's route has the
// roles staffRule gives it. So the menu can never offer a page its route
// refuses, nor hide one it allows.
func TestStaffMenuOpensWhatItShows(t *testing.T) {
	// Every area is set up, so that each page can answer 200.
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund(), withMedia())
	var menu []string // the hrefs of every menu route
	for _, r := range h.srv.AdminRoutes() {
		if r.Menu == "" {
			continue
		}
		want, ok := staffRule[r.Pattern]
		if !ok || !strings.HasPrefix(r.Pattern, "GET /admin/") {
			t.Fatalf("menu %q is on %q, which is not a GET route in staffRule", r.Menu, r.Pattern)
		}
		if !slices.Equal(sorted(r.Roles), sorted(want)) {
			t.Errorf("menu %q: route %q allows %v, staffRule says %v", r.Menu, r.Pattern, r.Roles, want)
		}
		menu = append(menu, strings.ReplaceAll(strings.TrimPrefix(r.Pattern, "GET "), "{$}", ""))
	}
	if len(menu) < 8 {
		t.Fatalf("%d menu links, want the 8 or more areas of the staff side: %v", len(menu), menu)
	}
	for i, role := range account.StaffRoles() {
		t.Run(string(role), func(t *testing.T) {
			token := h.session(t, h.person(t, fmt.Sprintf("menu%d@example.org", i), role))
			home := h.do(t, req{path: "/admin/", token: token})
			if home.status != http.StatusOK {
				t.Fatalf("GET /admin/ as %s: %d", role, home.status)
			}
			shown := map[string]bool{}
			for _, m := range adminLink.FindAllStringSubmatch(staffNav.FindString(home.body), -1) {
				shown[m[1]] = true
			}
			if !shown["/admin/"] || !shown["/admin/account"] {
				t.Errorf("menu for %s lacks the dashboard or their account: %v", role, shown)
			}
			for _, href := range menu {
				res := h.do(t, req{path: href, token: token})
				switch {
				case shown[href] && res.status != http.StatusOK:
					t.Errorf("menu shows %s to %s, which answers %d", href, role, res.status)
				case !shown[href] && res.status != http.StatusForbidden:
					t.Errorf("menu hides %s from %s, which answers %d, not 403", href, role, res.status)
				}
			}
			// The dashboard's own links, in its blocks, open too.
			_, main, _ := strings.Cut(home.body, `<main`)
			for _, m := range adminLink.FindAllStringSubmatch(main, -1) {
				if res := h.do(t, req{path: m[1], token: token}); res.status != http.StatusOK {
					t.Errorf("dashboard links %q (%s) for %s, which answers %d", m[2], m[1], role, res.status)
				}
			}
		})
	}
}
