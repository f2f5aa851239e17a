package web

import (
	"net/http"
	"time"
)

// infoPageData is a page of fixed text about the paper.
type infoPageData struct {
	layout
}

// infoPage serves a template with no data of its own, cached like the
// other public pages. The co-operative box on every article links to two
// of them: how to buy shares, and how to give every month.
func (s *Server) infoPage(name, title, description string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.cachedPage(w, r, "info:"+name, time.Time{}, func() (string, any, error) {
			d := infoPageData{layout: s.newLayout(r, title+" | "+s.site.Name)}
			d.Description = description
			return name, &d, nil
		})
	}
}
