package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/coopress/coopress/internal/article"
)

// articleEditPage is the article form with everything around it: the
// workflow buttons, the schedule, corrections and the preview.
type articleEditPage struct {
	adminFrame
	Story       article.Story // ID 0 for a new article
	Form        articleForm
	Sections    []article.Section
	Authors     []article.Author
	Corrections []article.Correction
	// Preview is the sanitised body, when the Preview button was used.
	Preview    template.HTML
	CanEdit    bool
	CanPublish bool
	// PublishAt is the schedule field's value, in the paper's time zone.
	PublishAt   string
	Images      []imageChoice
	Correction  string
	CorrKind    string
	StatusLabel string
}

// HasAuthor tells the template which authors are selected.
func (p *articleEditPage) HasAuthor(id int64) bool { return slices.Contains(p.Form.Authors, id) }

// Action is where the form posts.
func (p *articleEditPage) Action() string {
	if p.Story.ID == 0 {
		return "/admin/articles"
	}
	return fmt.Sprintf("/admin/articles/%d", p.Story.ID)
}

func (s *Server) newEditPage(r *http.Request, st article.Story, f articleForm) (*articleEditPage, error) {
	title := "New article"
	if st.ID != 0 {
		title = "Edit: " + st.Headline
	}
	a := storyActor(currentAccount(r))
	p := &articleEditPage{adminFrame: s.newAdminFrame(r, title), Story: st, Form: f, CanEdit: st.ID == 0 || a.MayEdit(st),
		CanPublish: a.CanPublish, StatusLabel: statusLabel(st.Status), CorrKind: string(article.KindCorrection)}
	if !st.ScheduledAt.IsZero() {
		p.PublishAt = st.ScheduledAt.In(s.site.Location).Format(dateTimeLocal)
	}
	ctx := r.Context()
	var err error
	if p.Sections, err = s.articles.Sections(ctx); err != nil {
		return nil, err
	}
	if p.Authors, err = s.articles.Authors(ctx); err != nil {
		return nil, err
	}
	if p.Images, err = s.imageChoices(r, st, f.ImageID); err != nil {
		return nil, err
	}
	if st.ID != 0 {
		if p.Corrections, err = s.articles.Corrections(ctx, st.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) renderEdit(w http.ResponseWriter, p *articleEditPage) error {
	return s.renderAdmin(w, formStatus(p.Errors), "admin_article", p)
}

// adminArticleNew shows an empty form; a writer's own byline is chosen.
func (s *Server) adminArticleNew(w http.ResponseWriter, r *http.Request) error {
	var f articleForm
	if au, err := s.articles.AuthorForAccount(r.Context(), currentAccount(r).ID); err == nil {
		f.Authors = []int64{au.ID}
	}
	p, err := s.newEditPage(r, article.Story{Article: article.Article{Status: article.Draft}}, f)
	if err != nil {
		return err
	}
	return s.renderEdit(w, p)
}

// adminArticleEdit shows the form for an article in any state; one the
// person may not edit is shown read-only.
func (s *Server) adminArticleEdit(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadStory(r)
	if err != nil {
		return err
	}
	p, err := s.newEditPage(r, st, formFrom(st))
	if err != nil {
		return err
	}
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		p.Notice = "Saved."
	case q.Get("done") != "":
		p.Notice = "Done: the article is now " + statusLabel(st.Status) + "."
	case q.Get("corrected") != "":
		p.Notice = "The note is on the article."
	case q.Get("restored") != "":
		p.Notice = "The revision is restored as a new version."
	}
	return s.renderEdit(w, p)
}

// adminArticleCreate saves a new draft.
func (s *Server) adminArticleCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveArticle(w, r, article.Story{Article: article.Article{Status: article.Draft}})
}

// adminArticleSave saves the form over an existing article.
func (s *Server) adminArticleSave(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadStory(r)
	if err != nil {
		return err
	}
	if !storyActor(currentAccount(r)).MayEdit(st) {
		return errNotYours
	}
	return s.saveArticle(w, r, st)
}

// saveArticle reads the form, previews or saves it, and redirects to the
// saved article; any problem re-renders the form with what was typed.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, cur article.Story) error {
	var errs fieldErrors
	f := readArticleForm(w, r, &errs)
	p, err := s.newEditPage(r, cur, f)
	if err != nil {
		return err
	}
	p.Errors = errs
	next := f.story(p.Sections, p.Authors, &p.Errors)
	s.applyImage(r, cur, &f, &next, &p.Errors)
	if r.PostFormValue("preview") != "" {
		html, err := s.articles.Renderer().HTML(next.BodyMD)
		if err != nil {
			return err
		}
		p.Preview = template.HTML(html) // sanitised by the renderer
		if len(p.Errors) == 0 {
			p.Notice = "Preview below. Nothing is saved yet."
		}
		return s.renderEdit(w, p)
	}
	if len(p.Errors) > 0 {
		return s.renderEdit(w, p)
	}
	next.ID = cur.ID
	if err := s.newsroom(r).Save(r.Context(), storyActor(currentAccount(r)), &next); err != nil {
		if p.Errors.addArticleValidation(err) {
			return s.renderEdit(w, p)
		}
		return workflowError(err)
	}
	if next.Status == article.Published {
		s.Invalidate(r.Context())
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/articles/%d?saved=1", next.ID), http.StatusSeeOther)
	return nil
}

// dateTimeLocal is the value format of <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

// parseLocal reads a datetime-local value in the paper's time zone.
func (s *Server) parseLocal(v string) (time.Time, bool) {
	for _, layout := range []string{dateTimeLocal, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, s.site.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
