package web

import (
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"net/http"

	"github.com/coopress/coopress/internal/article"
)

// workflowStep is one of the buttons that moves an article along.
type workflowStep func(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error)

// adminArticleStep runs a workflow step and goes back to the article; a
// step the article's state does not allow shows the form with the reason.
func (s *Server) adminArticleStep(step workflowStep) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		st, err := step(s.newsroom(r), r, storyActor(currentAccount(r)), id)
		if err != nil {
			return s.stepFailed(w, r, err)
		}
		// Publishing, unpublishing and scheduling change what readers see
		// or will see; this node shows it at once, others within a second.
		s.Invalidate(r.Context())
		http.Redirect(w, r, fmt.Sprintf("/admin/articles/%d?done=%s", st.ID, st.Status), http.StatusSeeOther)
		return nil
	}
}

// stepFailed shows the article again with the reason a step was refused.
func (s *Server) stepFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var errs fieldErrors
	if !errs.addArticleValidation(err) {
		return workflowError(err)
	}
	st, lerr := s.loadStory(r)
	if lerr != nil {
		return lerr
	}
	p, perr := s.newEditPage(r, st, formFrom(st))
	if perr != nil {
		return perr
	}
	p.Errors = errs
	if v := r.PostFormValue("publish_at"); v != "" {
		p.PublishAt = v
	}
	return s.renderEdit(w, p)
}

func stepSubmit(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error) {
	return nr.Submit(r.Context(), a, id)
}

func stepDraft(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error) {
	return nr.ToDraft(r.Context(), a, id)
}

func stepPublish(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error) {
	return nr.Publish(r.Context(), a, id)
}

func stepUnpublish(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error) {
	return nr.Unpublish(r.Context(), a, id)
}

// stepSchedule reads the time in the paper's zone: editors think in local
// time, and a datetime-local input carries no zone.
func (s *Server) stepSchedule(nr *article.Newsroom, r *http.Request, a article.Actor, id int64) (article.Story, error) {
	var errs fieldErrors
	v := formValue(r, &errs, "publish_at", "The publication time", 40)
	if len(errs) > 0 {
		return article.Story{}, valid.Error{Field: "publish_at", Message: errs[0].Message}
	}
	if v == "" {
		return article.Story{}, valid.Error{Field: "publish_at", Message: "Choose the date and time to publish."}
	}
	at, ok := s.parseLocal(v)
	if !ok {
		return article.Story{}, valid.Error{Field: "publish_at", Message: "Give the date and time like 2024-11-07 06:00."}
	}
	return nr.Schedule(r.Context(), a, id, at)
}

// adminArticleCorrect appends a dated correction or update.
func (s *Server) adminArticleCorrect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var errs fieldErrors
	text := formValue(r, &errs, "correction", "The note", article.MaxCorrectionLen)
	kind := article.CorrectionKind(r.PostFormValue("kind"))
	if len(errs) == 0 {
		_, err = s.newsroom(r).AddCorrection(r.Context(), storyActor(currentAccount(r)), id, kind, text)
		if err == nil {
			s.Invalidate(r.Context())
			http.Redirect(w, r, fmt.Sprintf("/admin/articles/%d?corrected=1", id), http.StatusSeeOther)
			return nil
		}
		v, ok := valid.As(err)
		if !ok {
			return workflowError(err)
		}
		field := "correction"
		if v.Field == "kind" {
			field = "kind"
		}
		errs.Add(field, v.Message)
	}
	st, err := s.loadStory(r)
	if err != nil {
		return err
	}
	p, err := s.newEditPage(r, st, formFrom(st))
	if err != nil {
		return err
	}
	p.Errors, p.Correction = errs, text
	if kind == article.KindUpdate {
		p.CorrKind = string(kind)
	}
	return s.renderEdit(w, p)
}

// adminArticleRestore saves an old revision as the newest version.
func (s *Server) adminArticleRestore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rev, err := pathID(r, "rev")
	if err != nil {
		return err
	}
	st, err := s.newsroom(r).Restore(r.Context(), storyActor(currentAccount(r)), id, rev)
	if err != nil {
		return s.stepFailed(w, r, err)
	}
	if st.Status == article.Published {
		s.Invalidate(r.Context())
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/articles/%d?restored=1", id), http.StatusSeeOther)
	return nil
}
