package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
)

// The newsroom's pages (admin_article_*.go, admin_desk.go) share these
// helpers: who is acting, the workflow with the audit log attached, and
// how a refusal reads.

// newsroomRoles may open the article pages; editorRoles may publish.
func newsroomRoles() []account.Role { return []account.Role{account.Writer, account.Editor} }
func editorRoles() []account.Role   { return []account.Role{account.Editor} }

// storyActor maps the signed-in person to the workflow's two rights:
// editors publish and edit everything, writers neither.
func storyActor(a account.Account) article.Actor {
	ed := a.HasAny(account.Editor)
	return article.Actor{ID: a.ID, Name: a.Name, CanPublish: ed, CanEditAll: ed}
}

// newsroom is the workflow acting for the request's person; every change
// it makes goes into the audit log in the same transaction.
func (s *Server) newsroom(r *http.Request) *article.Newsroom {
	who := actor(r)
	return article.NewNewsroom(s.articles, s.jobs, func(ctx context.Context, q db.Queryer, action string, id int64, before, after any) error {
		if s.accounts == nil {
			return nil
		}
		return s.accounts.Audit().Record(ctx, q, account.Entry{Actor: who, Action: action, ObjectType: "article",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	})
}

// errNotYours refuses a workflow step the person's role does not allow.
var errNotYours = &httpError{Status: http.StatusForbidden,
	Message: "Your role does not allow this: writers edit only their own drafts and submissions, and only editors publish."}

// workflowError turns the domain's refusal into a 403 page; other errors
// pass through.
func workflowError(err error) error {
	if errors.Is(err, article.ErrForbidden) {
		return errNotYours
	}
	return err
}

// loadStory loads the article named in the path, in any state.
func (s *Server) loadStory(r *http.Request) (article.Story, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return article.Story{}, err
	}
	return s.articles.ByID(r.Context(), id)
}

// statusLabel is how a status reads to staff.
func statusLabel(st article.Status) string {
	switch st {
	case article.Draft:
		return "Draft"
	case article.Submitted:
		return "Waiting for review"
	case article.Scheduled:
		return "Scheduled"
	case article.Published:
		return "Published"
	case article.Unpublished:
		return "Unpublished"
	}
	return string(st)
}

// allStatuses are the list filter's choices in workflow order.
func allStatuses() []article.Status {
	return []article.Status{article.Draft, article.Submitted, article.Scheduled, article.Published, article.Unpublished}
}
