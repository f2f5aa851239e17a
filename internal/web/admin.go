package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// AdminRoute is one registered staff page and the roles that may use it.
// The server keeps the list so that tests can check every route's rule.
type AdminRoute struct {
	Pattern string
	Roles   []account.Role
}

// anyStaff is the rule for pages every member of staff may use. It is an
// explicit list so that a route can never be registered with no rule.
func anyStaff() []account.Role { return account.StaffRoles() }

// adminRoutes registers the sign-in pages and every page of the staff
// area. Each other area adds its pages here, one line each, through
// adminRoute.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	s.authRoutes(mux)
	s.adminRoute(mux, "GET /admin/{$}", anyStaff(), s.adminDashboard)
	s.adminRoute(mux, "GET /admin/account", anyStaff(), s.adminAccountPage)
	s.adminRoute(mux, "POST /admin/account/password", anyStaff(), s.adminAccountPassword)
	s.adminRoute(mux, "POST /admin/account/signout-everywhere", anyStaff(), s.adminSignOutEverywhere)

	admins := []account.Role{account.Admin}
	s.adminRoute(mux, "GET /admin/users", admins, s.adminUsers)
	s.adminRoute(mux, "POST /admin/users", admins, s.adminUserCreate)
	s.adminRoute(mux, "GET /admin/users/{id}", admins, s.adminUser)
	s.adminRoute(mux, "POST /admin/users/{id}/roles", admins, s.adminUserRoles)
	s.adminRoute(mux, "POST /admin/users/{id}/disable", admins, s.adminUserDisable)
	s.adminRoute(mux, "GET /admin/audit", admins, s.adminAudit)
	// The image library, admin_media.go.
	s.mediaAdminRoutes(mux)
	s.fundAdminRoutes(mux) // the treasurer's pages, admin_fund.go
	// Articles and the news desk, admin_article.go.
	s.newsroomAdminRoutes(mux)
	s.authorAdminRoutes(mux) // author profiles and their accounts, admin_authors.go

	// Any other address under /admin/ asks for a sign-in before it says
	// 404, so the staff area's map is not visible from outside.
	s.adminRoute(mux, "/admin/", anyStaff(), s.notFoundPage)
}

// AdminRoutes lists every registered staff route with its rule, in the
// order registered.
func (s *Server) AdminRoutes() []AdminRoute {
	out := make([]AdminRoute, len(s.adminTable))
	for i, r := range s.adminTable {
		out[i] = AdminRoute{Pattern: r.Pattern, Roles: slices.Clone(r.Roles)}
	}
	return out
}

// adminRoute registers a staff page on mux. The wrapper answers before h
// runs: an anonymous GET is sent to /signin and back, any other anonymous
// request gets 401, a signed-in person without one of roles gets 403. h
// finds the person with currentAccount(r). Responses are never cached.
//
// It panics at start-up on a pattern outside /admin, a repeated pattern or
// an empty or unknown role list: a staff page without a rule must not run.
func (s *Server) adminRoute(mux *http.ServeMux, pattern string, roles []account.Role, h handlerFunc) {
	path := pattern
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		path = pattern[i+1:]
	}
	if path != "/admin/" && !strings.HasPrefix(path, "/admin/") {
		panic(fmt.Sprintf("web: adminRoute %q is not under /admin/", pattern))
	}
	if len(roles) == 0 {
		panic(fmt.Sprintf("web: adminRoute %q has no roles; use anyStaff() for every member of staff", pattern))
	}
	for _, r := range roles {
		if !r.Valid() {
			panic(fmt.Sprintf("web: adminRoute %q: unknown role %q", pattern, r))
		}
	}
	for _, r := range s.adminTable {
		if r.Pattern == pattern {
			panic(fmt.Sprintf("web: adminRoute %q registered twice", pattern))
		}
	}
	roles = slices.Clone(roles)
	s.adminTable = append(s.adminTable, AdminRoute{Pattern: pattern, Roles: roles})
	mux.Handle(pattern, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		ss, _, ok, err := s.loadSession(w, r)
		if err != nil {
			return err
		}
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return s.renderDenied(w, r, http.StatusUnauthorized, account.Account{}, nil)
		}
		if !ss.Account.HasAny(roles...) {
			return s.renderDenied(w, r, http.StatusForbidden, ss.Account, roles)
		}
		return h(w, withAuth(r, ss.Account))
	}))
}

// navItem is one link of the staff navigation.
type navItem struct {
	Href, Label string
	Roles       []account.Role
	Current     bool
}

// adminNav is the staff navigation: each area adds its entry here with the
// same roles as its routes, and people see only what they may open.
func adminNav() []navItem {
	return []navItem{
		{Href: "/admin/", Label: "Dashboard", Roles: anyStaff()},
		{Href: "/admin/users", Label: "Users", Roles: []account.Role{account.Admin}},
		{Href: "/admin/audit", Label: "Audit log", Roles: []account.Role{account.Admin}},
		{Href: "/admin/media", Label: "Images", Roles: mediaRoles()},
		{Href: "/admin/articles", Label: "Articles", Roles: newsroomRoles()},
		{Href: "/admin/desk", Label: "News desk", Roles: editorRoles()},
		{Href: "/admin/authors", Label: "Authors", Roles: authorRoles()},
		{Href: "/admin/fund", Label: "Fighting fund", Roles: treasurers()},
		{Href: "/admin/account", Label: "Your account", Roles: anyStaff()},
	}
}

// navFor filters the navigation to what a may open and marks the page at
// path.
func navFor(a account.Account, path string) []navItem {
	var out []navItem
	for _, n := range adminNav() {
		if a.HasAny(n.Roles...) {
			n.Current = path == n.Href
			out = append(out, n)
		}
	}
	return out
}

// deniedPage explains a refusal and what to do about it.
type deniedPage struct {
	adminFrame
	Status int
	Need   []account.Role
	Next   string
}

func (s *Server) renderDenied(w http.ResponseWriter, r *http.Request, status int, a account.Account, need []account.Role) error {
	title := "Sign in to continue"
	if status == http.StatusForbidden {
		title = "You do not have access to this page"
	}
	p := &deniedPage{adminFrame: s.newAdminFrame(r, title), Status: status, Need: need, Next: r.URL.RequestURI()}
	if a.ID != 0 {
		p.Account, p.Nav = &a, navFor(a, "")
	}
	return s.renderAdmin(w, status, "admin_denied", p)
}
