package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
)

// authorRoles may manage author profiles and tie them to accounts: the
// editors, who own the bylines. Tying a byline to an account gives that
// account no power, so it needs no admin.
func authorRoles() []account.Role { return []account.Role{account.Editor} }

// authorsPage lists every profile and holds the form that adds one or,
// when Editing is set, edits it.
type authorsPage struct {
	adminFrame
	Authors  []authorRow
	Editing  int64
	Form     authorForm
	Accounts []accountChoice
}

// authorRow is one profile in the list, with its account's name.
type authorRow struct {
	article.AuthorProfile
	AccountName string
}

// authorForm is the form's values as typed, kept when it is shown again.
type authorForm struct {
	Name, Slug, Bio string
	Account         int64
}

// accountChoice is one option of the account select.
type accountChoice struct {
	ID       int64
	Label    string
	Selected bool
}

// bylineRoles are the roles whose holders write under a byline.
func bylineRoles() []account.Role { return []account.Role{account.Writer, account.Editor} }

func (s *Server) adminAuthors(w http.ResponseWriter, r *http.Request) error {
	p := &authorsPage{adminFrame: s.newAdminFrame(r, "Authors")}
	if r.URL.Query().Get("saved") != "" {
		p.Notice = "Author saved."
	}
	return s.renderAuthors(w, r, http.StatusOK, p)
}

func (s *Server) adminAuthor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.articles.AuthorProfile(r.Context(), id)
	if err != nil {
		return err
	}
	p := &authorsPage{adminFrame: s.newAdminFrame(r, "Edit "+a.Name), Editing: a.ID,
		Form: authorForm{Name: a.Name, Slug: a.Slug, Bio: a.Bio, Account: a.AccountID}}
	if r.URL.Query().Get("saved") != "" {
		p.Notice = "Author saved."
	}
	return s.renderAuthors(w, r, http.StatusOK, p)
}

// adminAuthorSave creates a profile (POST /admin/authors) or saves one
// (POST /admin/authors/{id}), tying it to a writer's or editor's account or
// untying it.
func (s *Server) adminAuthorSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var prof article.AuthorProfile
	title := "Authors"
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if prof, err = s.articles.AuthorProfile(ctx, id); err != nil {
			return err
		}
		title = "Edit " + prof.Name
	}
	p := &authorsPage{adminFrame: s.newAdminFrame(r, title), Editing: prof.ID}
	_ = r.ParseForm()
	p.Form.Name = formValue(r, &p.Errors, "name", "The name", article.MaxAuthorNameLen)
	p.Form.Slug = formValue(r, &p.Errors, "slug", "The slug", article.MaxSlugLen)
	p.Form.Bio = formValue(r, &p.Errors, "bio", "The biography", article.MaxAuthorBioLen)
	if v := r.PostFormValue("account"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !s.mayHoldByline(ctx, id, prof.AccountID) {
			p.Errors.Add("account", "Choose a writer or editor from the list.")
		}
		p.Form.Account = id
	}
	if len(p.Errors) == 0 {
		prof.Name, prof.Slug, prof.Bio, prof.AccountID = p.Form.Name, p.Form.Slug, p.Form.Bio, p.Form.Account
		saved, err := s.articles.SaveAuthor(ctx, prof, s.authorAudit(r))
		switch {
		case p.Errors.addValidation(err, ""):
		case err != nil:
			return err
		default:
			// The author's page and every byline link must show the
			// change now, not when the page cache next notices.
			s.Invalidate(r.Context())
			http.Redirect(w, r, fmt.Sprintf("/admin/authors/%d?saved=1", saved.ID), http.StatusSeeOther)
			return nil
		}
	}
	return s.renderAuthors(w, r, http.StatusUnprocessableEntity, p)
}

// mayHoldByline reports whether account id may be tied to a byline: an
// active writer or editor, or the account it is already tied to (so that
// saving a profile never unties it behind the editor's back).
func (s *Server) mayHoldByline(ctx context.Context, id, current int64) bool {
	if id != 0 && id == current {
		return true
	}
	a, err := s.accounts.ByID(ctx, id)
	return err == nil && !a.Disabled && a.HasAny(bylineRoles()...)
}

// authorAudit records profile changes in the account audit log.
func (s *Server) authorAudit(r *http.Request) article.AuditFunc {
	who := actor(r)
	return func(ctx context.Context, q db.Queryer, action string, id int64, before, after any) error {
		return s.accounts.Audit().Record(ctx, q, account.Entry{Actor: who, Action: action, ObjectType: "author",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	}
}

// renderAuthors fills the list and the account choices, then renders.
func (s *Server) renderAuthors(w http.ResponseWriter, r *http.Request, status int, p *authorsPage) error {
	ctx := r.Context()
	profiles, err := s.articles.AuthorProfiles(ctx)
	if err != nil {
		return err
	}
	accounts, err := s.accounts.List(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(accounts))
	for _, a := range accounts {
		names[a.ID] = a.Name + " <" + a.Email + ">"
	}
	current := int64(0)
	bylineOf := map[int64]string{} // account → the other profile it holds
	for _, pr := range profiles {
		p.Authors = append(p.Authors, authorRow{AuthorProfile: pr, AccountName: names[pr.AccountID]})
		switch {
		case pr.ID == p.Editing:
			current = pr.AccountID
		case pr.AccountID != 0:
			bylineOf[pr.AccountID] = pr.Name
		}
	}
	for _, a := range accounts {
		if a.ID == current || (!a.Disabled && a.HasAny(bylineRoles()...)) {
			label := names[a.ID]
			if other, ok := bylineOf[a.ID]; ok {
				label += " (the byline of " + other + ")"
			}
			p.Accounts = append(p.Accounts, accountChoice{ID: a.ID, Label: label, Selected: a.ID == p.Form.Account})
		}
	}
	return s.renderAdmin(w, status, "admin_authors", p)
}
