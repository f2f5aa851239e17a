package web

import (
	"net/http"

	"github.com/coopress/coopress/internal/article"
)

// deskPage is the editor's dashboard.
type deskPage struct {
	adminFrame
	Desk article.Desk
}

func (s *Server) adminDesk(w http.ResponseWriter, r *http.Request) error {
	d, err := s.articles.ListForDesk(r.Context(), 20)
	if err != nil {
		return err
	}
	return s.renderAdmin(w, http.StatusOK, "admin_desk", &deskPage{adminFrame: s.newAdminFrame(r, "News desk"), Desk: d})
}
