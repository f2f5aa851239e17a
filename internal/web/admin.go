package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// AdminRoute is one registered staff page, the roles that may use it and,
// when it is a link in the staff menu, the link's label. The server keeps
// the list so that tests can check every route's rule.
type AdminRoute struct {
	Pattern string
	Roles   []account.Role
	Menu    string
}

// anyStaff is the rule for pages every member of staff may use. It is an
// explicit list so that a route can never be registered with no rule.
func anyStaff() []account.Role { return account.StaffRoles() }

// AdminRoutes lists every registered staff route with its rule, in the
// order registered.
func (s *Server) AdminRoutes() []AdminRoute {
	out := make([]AdminRoute, len(s.adminTable))
	for i, r := range s.adminTable {
		out[i] = r
		out[i].Roles = slices.Clone(r.Roles)
	}
	return out
}

// adminRoute registers a staff page on mux. The wrapper answers before h
// runs: an anonymous GET is sent to /signin and back, any other anonymous
// request gets 401, a signed-in person without one of roles gets 403. h
// finds the person with currentAccount(r). Responses are never cached. A
// valid.Error that h returns becomes a 422 staff page naming the field
// (renderInvalid).
//
// It panics at start-up on a pattern outside /admin, a repeated pattern or
// an empty or unknown role list: a staff page without a rule must not run.
func (s *Server) adminRoute(mux *http.ServeMux, pattern string, roles []account.Role, h handlerFunc) staffRoute {
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
		ss, token, ok, err := s.loadStaffSession(w, r)
		if err != nil {
			return err
		}
		get := r.Method == http.MethodGet || r.Method == http.MethodHead
		if !ok {
			if get {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return s.renderDenied(w, r, http.StatusUnauthorized, account.Account{}, nil)
		}
		// A session that has not given its second factor opens nothing;
		// one whose account must set a factor up opens only that page.
		stage := s.accounts.Stage(ss)
		switch {
		case stage == account.StageSecondFactor && get:
			http.Redirect(w, r, "/signin/second?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		case stage == account.StageSecondFactor:
			return s.renderDenied(w, r, http.StatusUnauthorized, account.Account{}, nil)
		case stage == account.StageSetUp && !duringSetUp(path) && get:
			http.Redirect(w, r, securityPath+"?setup=1", http.StatusSeeOther)
			return nil
		case stage == account.StageSetUp && !duringSetUp(path):
			return s.renderDenied(w, r, http.StatusForbidden, ss.Account, nil)
		}
		if !ss.Account.HasAny(roles...) {
			return s.renderDenied(w, r, http.StatusForbidden, ss.Account, roles)
		}
		r = withAuth(r, auth{account: ss.Account, session: ss, stage: stage, token: token})
		err = h(w, r)
		if lines := invalidLines(err); len(lines) > 0 {
			return s.renderInvalid(w, r, mux, lines)
		}
		return err
	}))
	return staffRoute{s: s, i: len(s.adminTable) - 1}
}

// staffRoute is a route adminRoute has just registered, so that the route
// table can put it in the menu.
type staffRoute struct {
	s *Server
	i int
}

// menu makes the route a link in the staff menu with label, shown to the
// route's own roles: the menu cannot offer a page its route refuses. It
// panics at start-up on a route a link cannot open (not a GET, or with a
// wildcard other than {$}) and on a label used twice.
func (sr staffRoute) menu(label string) {
	r := &sr.s.adminTable[sr.i]
	method, path, _ := strings.Cut(r.Pattern, " ")
	if method != http.MethodGet || strings.Contains(strings.ReplaceAll(path, "{$}", ""), "{") || label == "" {
		panic(fmt.Sprintf("web: menu %q on %q: a menu link needs a GET route with no wildcards and a label", label, r.Pattern))
	}
	for _, o := range sr.s.adminTable {
		if o.Menu == label {
			panic(fmt.Sprintf("web: menu %q is on both %q and %q", label, o.Pattern, r.Pattern))
		}
	}
	r.Menu = label
}

// menuHref is the address a menu route's link points at.
func menuHref(r AdminRoute) string {
	_, path, _ := strings.Cut(r.Pattern, " ")
	return strings.ReplaceAll(path, "{$}", "")
}

// checkMenu panics at start-up if a menu link's address would be served by
// some other route than the one that carries the label (a later, more
// specific pattern, say), whose roles could differ.
func (s *Server) checkMenu(mux *http.ServeMux) {
	for _, r := range s.adminTable {
		if r.Menu == "" {
			continue
		}
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: menuHref(r)}}
		if _, got := mux.Handler(req); got != r.Pattern {
			panic(fmt.Sprintf("web: menu %q links to %s, which %q serves, not %q", r.Menu, menuHref(r), got, r.Pattern))
		}
	}
}

// navItem is one link of the staff navigation.
type navItem struct {
	Href, Label string
	Current     bool
}

// navFor is the staff menu as a may see it, with the page at path marked:
// the routes that carry a menu label, in table order, that one of a's
// roles opens.
func (s *Server) navFor(a account.Account, path string) []navItem {
	var out []navItem
	for _, r := range s.adminTable {
		if r.Menu == "" || !a.HasAny(r.Roles...) {
			continue
		}
		href := menuHref(r)
		out = append(out, navItem{Href: href, Label: r.Menu, Current: path == href})
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
		p.Account, p.Nav = &a, s.navFor(a, "")
	}
	return s.renderAdmin(w, status, "admin_denied", p)
}

// invalidPage answers a staff request whose input a domain refused and
// whose handler did not show the form again: it names the field and says
// what is wrong, and leads back to the form when there is one.
type invalidPage struct {
	adminFrame
	Messages []string
	Back     string
}

// renderInvalid is adminRoute's answer to a valid.Error: a 422 staff page
// in the frame, not a 500, with lines (invalidLines) saying what was
// refused. The form at the same address, if a staff GET route other than
// the catch-all serves it, is offered as the way back.
func (s *Server) renderInvalid(w http.ResponseWriter, r *http.Request, mux *http.ServeMux, lines []string) error {
	p := &invalidPage{adminFrame: s.newAdminFrame(r, "Check what you entered"), Messages: lines}
	get := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: r.URL.Path}}
	if _, pattern := mux.Handler(get); pattern != "" && pattern != "/admin/" {
		p.Back = r.URL.Path
	}
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_invalid", p)
}
