package web

import (
	"net/http"

	"github.com/coopress/coopress/internal/account"
)

// dashboardSection is one block of the dashboard: what a role can do and
// where to start. Each area adds its own with the roles of its pages.
type dashboardSection struct {
	Title, Text string
	Links       []navItem
	Roles       []account.Role
}

// dashboardSections are the dashboard's blocks in order.
func dashboardSections() []dashboardSection {
	return []dashboardSection{
		{Title: "People and access", Text: "Add staff, give and take away roles, and see who changed what.",
			Links: []navItem{{Href: "/admin/users", Label: "Users"}, {Href: "/admin/audit", Label: "Audit log"}},
			Roles: []account.Role{account.Admin}},
		{Title: "Your account", Text: "Change your password or sign out on every device.",
			Links: []navItem{{Href: "/admin/account", Label: "Your account"}}, Roles: anyStaff()},
	}
}

// dashboardPage lists what the person's roles let them do.
type dashboardPage struct {
	adminFrame
	Sections []dashboardSection
	// NoArticles is true on a new site, where nothing has been drafted,
	// submitted, scheduled or published yet.
	NoArticles bool
	// CanWrite is whether the person may start the first article.
	CanWrite bool
}

func (s *Server) adminDashboard(w http.ResponseWriter, r *http.Request) error {
	p := &dashboardPage{adminFrame: s.newAdminFrame(r, "Staff dashboard")}
	a := currentAccount(r)
	for _, sec := range dashboardSections() {
		if a.HasAny(sec.Roles...) {
			p.Sections = append(p.Sections, sec)
		}
	}
	desk, err := s.articles.ListForDesk(r.Context(), 1)
	if err != nil {
		return err
	}
	p.NoArticles = len(desk.Waiting)+len(desk.Scheduled)+len(desk.Recent)+len(desk.Drafts) == 0
	p.CanWrite = a.HasAny(newsroomRoles()...)
	return s.renderAdmin(w, http.StatusOK, "admin_dashboard", p)
}
