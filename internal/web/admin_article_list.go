package web

import (
	"net/http"

	"github.com/coopress/coopress/internal/article"
)

// articleListPage is the staff list of articles, filtered by status.
type articleListPage struct {
	adminFrame
	Stories  []article.Story
	Status   article.Status
	Mine     bool
	Statuses []article.Status
	Page     int
	Total    int
	HasNext  bool
}

// StatusLabel is how a status reads, for the template.
func (articleListPage) StatusLabel(st article.Status) string { return statusLabel(st) }

const articlesPerPage = 50

func (s *Server) adminArticles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &articleListPage{adminFrame: s.newAdminFrame(r, "Articles"), Statuses: allStatuses(), Page: 1, Mine: q.Get("mine") != ""}
	f := article.AdminFilter{}
	if v := q.Get("status"); v != "" {
		for _, st := range allStatuses() {
			if string(st) == v {
				f.Status = st
			}
		}
		if f.Status == "" {
			p.Errors.Add("status", "Choose a status from the list.")
		}
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	p.Page = page
	if p.Mine {
		f.CreatedBy = currentAccount(r).ID
	}
	p.Status = f.Status
	list, total, err := s.articles.AdminList(r.Context(), f, p.Page, articlesPerPage)
	if err != nil {
		return err
	}
	p.Stories, p.Total, p.HasNext = list, total, p.Page*articlesPerPage < total
	return s.renderAdmin(w, formStatus(p.Errors), "admin_articles", p)
}
