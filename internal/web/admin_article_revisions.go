package web

import (
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/article"
)

// revisionsPage lists an article's revisions and shows the diff between
// any two of them.
type revisionsPage struct {
	adminFrame
	Story      article.Story
	Revisions  []article.Revision
	From, To   int64
	Diff       []article.DiffLine
	CanRestore bool
}

// Op names a diff line's kind for the template's classes.
func (revisionsPage) Op(l article.DiffLine) string {
	switch l.Op {
	case article.DiffInsert:
		return "ins"
	case article.DiffDelete:
		return "del"
	}
	return "eq"
}

func (s *Server) adminArticleRevisions(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadStory(r)
	if err != nil {
		return err
	}
	revs, err := s.articles.Revisions(r.Context(), st.ID)
	if err != nil {
		return err
	}
	p := &revisionsPage{adminFrame: s.newAdminFrame(r, "Revisions: "+st.Headline), Story: st, Revisions: revs,
		CanRestore: storyActor(currentAccount(r)).CanEditAll}
	// By default compare the two latest saves.
	if len(revs) >= 2 {
		p.From, p.To = revs[1].ID, revs[0].ID
	}
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"from", &p.From}, {"to", &p.To}} {
		if v := q.Get(f.name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || indexRevision(revs, id) < 0 {
				p.Errors.Add(f.name, "Choose revisions of this article from the list.")
				continue
			}
			*f.dst = id
		}
	}
	if i, j := indexRevision(revs, p.From), indexRevision(revs, p.To); i >= 0 && j >= 0 {
		p.Diff = article.Diff(revs[i], revs[j])
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_article_revisions", p)
}

func indexRevision(revs []article.Revision, id int64) int {
	for i, r := range revs {
		if r.ID == id {
			return i
		}
	}
	return -1
}
