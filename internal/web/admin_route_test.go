package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
)

// TestStaffTableRefusesBadRoutesAtStart: each mistake in the staff route
// table stops the program at start-up, before any request, with a message
// naming the route.
func TestStaffTableRefusesBadRoutesAtStart(t *testing.T) {
	nop := func(http.ResponseWriter, *http.Request) error { return nil }
	eds := []account.Role{account.Editor}
	cases := []struct {
		name     string
		register func(s *Server, mux *http.ServeMux)
		want     string
	}{
		{"outside /admin", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "GET /fund/secret", eds, nop) }, "not under /admin/"},
		{"prefix only", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "GET /administer", eds, nop) }, "not under /admin/"},
		{"no roles", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "GET /admin/x", nil, nop) }, "has no roles"},
		{"unknown role", func(s *Server, mux *http.ServeMux) {
			s.adminRoute(mux, "GET /admin/x", []account.Role{"superuser"}, nop)
		}, `unknown role "superuser"`},
		{"twice", func(s *Server, mux *http.ServeMux) {
			s.adminRoute(mux, "GET /admin/x", eds, nop)
			s.adminRoute(mux, "GET /admin/x", anyStaff(), nop)
		}, "registered twice"},
		{"menu on a POST", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "POST /admin/x", eds, nop).menu("X") }, "needs a GET route"},
		{"menu on a wildcard", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "GET /admin/x/{id}", eds, nop).menu("X") }, "needs a GET route"},
		{"menu with no method", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "/admin/x", eds, nop).menu("X") }, "needs a GET route"},
		{"menu with no label", func(s *Server, mux *http.ServeMux) { s.adminRoute(mux, "GET /admin/x", eds, nop).menu("") }, "needs a GET route"},
		{"label twice", func(s *Server, mux *http.ServeMux) {
			s.adminRoute(mux, "GET /admin/x", eds, nop).menu("X")
			s.adminRoute(mux, "GET /admin/y", eds, nop).menu("X")
		}, `menu "X" is on both`},
		{"menu on a catch-all", func(s *Server, mux *http.ServeMux) {
			s.adminRoute(mux, "GET /admin/{rest...}", anyStaff(), nop).menu("Everything")
		}, "needs a GET route"},
		{"menu link shadowed", func(s *Server, mux *http.ServeMux) {
			s.adminRoute(mux, "GET /admin/", eds, nop).menu("Desk")
			s.adminRoute(mux, "GET /admin/{$}", anyStaff(), nop)
			s.checkMenu(mux)
		}, `which "GET /admin/{$}" serves`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				v := recover()
				msg, _ := v.(string)
				if !strings.Contains(msg, c.want) {
					t.Fatalf("panic %v, want one saying %q", v, c.want)
				}
			}()
			c.register(&Server{}, http.NewServeMux())
		})
	}
}

// TestStaffMenuComesFromTheTable: the menu is the labelled routes, in table
// order, each shown to exactly its route's roles and pointing at it.
func TestStaffMenuComesFromTheTable(t *testing.T) {
	nop := func(http.ResponseWriter, *http.Request) error { return nil }
	s, mux := &Server{}, http.NewServeMux()
	s.adminRoute(mux, "GET /admin/{$}", anyStaff(), nop).menu("Dashboard")
	s.adminRoute(mux, "GET /admin/desk", []account.Role{account.Editor}, nop).menu("News desk")
	s.adminRoute(mux, "POST /admin/desk", []account.Role{account.Editor}, nop)
	s.adminRoute(mux, "GET /admin/fund", []account.Role{account.Treasurer, account.Admin}, nop).menu("Fighting fund")
	s.checkMenu(mux)
	cases := []struct {
		roles []account.Role
		want  string
	}{
		{[]account.Role{account.Editor}, "Dashboard /admin/ [current]; News desk /admin/desk"},
		{[]account.Role{account.Admin}, "Dashboard /admin/ [current]; Fighting fund /admin/fund"},
		{[]account.Role{account.Treasurer, account.Editor}, "Dashboard /admin/ [current]; News desk /admin/desk; Fighting fund /admin/fund"},
		{[]account.Role{account.Reader}, ""},
		{nil, ""},
	}
	for _, c := range cases {
		var got []string
		for _, n := range s.navFor(account.Account{ID: 1, Roles: c.roles}, "/admin/") {
			item := n.Label + " " + n.Href
			if n.Current {
				item += " [current]"
			}
			got = append(got, item)
		}
		if strings.Join(got, "; ") != c.want {
			t.Errorf("menu for %v = %q, want %q", c.roles, strings.Join(got, "; "), c.want)
		}
	}
}
