package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
)

// roleChoice is one role checkbox.
type roleChoice struct {
	Role    account.Role
	Checked bool
}

func roleChoices(have []account.Role) []roleChoice {
	var out []roleChoice
	for _, r := range account.AllRoles() {
		out = append(out, roleChoice{Role: r, Checked: slices.Contains(have, r)})
	}
	return out
}

// usersPage lists accounts and holds the form that adds one.
type usersPage struct {
	adminFrame
	Users []account.Account
	Email string
	Name  string
	Roles []roleChoice
	Link  string
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	p := &usersPage{adminFrame: s.newAdminFrame(r, "Users"), Roles: roleChoices(nil)}
	return s.renderUsers(w, r, http.StatusOK, p)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, p *usersPage) error {
	list, err := s.accounts.List(r.Context())
	if err != nil {
		return err
	}
	p.Users = list
	return s.renderAdmin(w, status, "admin_users", p)
}

// formRoles reads the role checkboxes.
func formRoles(r *http.Request, e *fieldErrors) []account.Role {
	var roles []account.Role
	for _, v := range r.PostForm["roles"] {
		role := account.Role(v)
		if !role.Valid() {
			e.Add("roles", "Choose roles from the list.")
			return nil
		}
		roles = append(roles, role)
	}
	return roles
}

// adminUserCreate adds an account and sends the person a sign-in link, from
// which they choose their own password: nobody else ever knows it.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	p := &usersPage{adminFrame: s.newAdminFrame(r, "Users")}
	p.Email = formValue(r, &p.Errors, "email", "The email address", 254)
	p.Name = formValue(r, &p.Errors, "name", "The name", 200)
	roles := formRoles(r, &p.Errors)
	p.Roles = roleChoices(roles)
	if len(roles) == 0 {
		p.Errors.Add("roles", "Choose at least one role.")
	}
	if len(p.Errors) > 0 {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, p)
	}
	a, err := s.accounts.CreateAccount(r.Context(), actor(r), account.NewAccount{Email: p.Email, Name: p.Name, Roles: roles})
	if err != nil {
		if p.Errors.addValidation(err, "") {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	token, err := s.accounts.IssueSignInLink(r.Context(), actor(r), a.ID)
	if err != nil {
		return err
	}
	link := s.site.BaseURL + "/signin/link/" + token
	p = &usersPage{adminFrame: s.newAdminFrame(r, "Users"), Roles: roleChoices(nil)}
	if s.mail == nil {
		// Without mail the admin hands the link over in person.
		p.Notice = fmt.Sprintf("Account created for %s. Give them this sign-in link, which works once within 24 hours:", a.Email)
		p.Link = link
		return s.renderUsers(w, r, http.StatusOK, p)
	}
	_, err = s.mail.Enqueue(r.Context(), mail.Message{To: a.Email, Subject: "Your account at " + s.site.Name, Kind: "signin_link",
		Text: fmt.Sprintf("Hello %s,\n\nAn account has been made for you at %s. Sign in within 24 hours with this link, "+
			"which works once, and choose your password:\n\n%s\n", a.Name, s.site.Name, link)})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?created=1", a.ID), http.StatusSeeOther)
	return nil
}

// userPage shows one account with its roles form.
type userPage struct {
	adminFrame
	User  account.Account
	Roles []roleChoice
	Self  bool
}

func (s *Server) loadUser(r *http.Request) (account.Account, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return account.Account{}, err
	}
	return s.accounts.ByID(r.Context(), id)
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Roles: roleChoices(u.Roles), Self: u.ID == currentAccount(r).ID}
	switch q := r.URL.Query(); {
	case q.Get("created") != "":
		p.Notice = "Account created. We have emailed " + u.Email + " a sign-in link that works once within 24 hours."
	case q.Get("saved") != "":
		p.Notice = "Roles saved."
	case q.Get("factors") != "":
		p.Notice = "Second factors reset. The person has been told, and sets up a new one when they next sign in."
	case q.Get("disabled") != "":
		p.Notice = "Account disabled. Its sessions have ended."
	case q.Get("enabled") != "":
		p.Notice = "Account enabled. The person can sign in again."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_user", p)
}

func (s *Server) adminUserRoles(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Self: u.ID == currentAccount(r).ID}
	_ = r.ParseForm()
	roles := formRoles(r, &p.Errors)
	p.Roles = roleChoices(roles)
	if p.Self && !slices.Contains(roles, account.Admin) {
		// Another admin must do it, so the paper is never left without one.
		p.Errors.Add("roles", "You cannot take the admin role from yourself.")
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
	}
	if _, err := s.accounts.SetRoles(r.Context(), actor(r), u.ID, roles); err != nil {
		// The account domain refuses to leave no active admin, even when
		// two admins act at once; its message goes beside the roles.
		if p.Errors.addValidation(err, "roles") {
			return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?saved=1", u.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) adminUserDisable(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	if u.ID == currentAccount(r).ID {
		p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Roles: roleChoices(u.Roles), Self: true}
		p.Errors.Add("disable", "You cannot disable your own account.")
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
	}
	if err := s.accounts.Disable(r.Context(), actor(r), u.ID); err != nil {
		p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Roles: roleChoices(u.Roles)}
		if p.Errors.addValidation(err, "disable") {
			return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?disabled=1", u.ID), http.StatusSeeOther)
	return nil
}

// adminUserEnable lets a disabled account sign in again (account.Enable:
// audited; refused for an account that is not disabled).
func (s *Server) adminUserEnable(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	if err := s.accounts.Enable(r.Context(), actor(r), u.ID); err != nil {
		p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Roles: roleChoices(u.Roles), Self: u.ID == currentAccount(r).ID}
		if p.Errors.addValidation(err, "enable") {
			return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?enabled=1", u.ID), http.StatusSeeOther)
	return nil
}

// adminUserResetFactors removes every second factor of someone who has
// lost them (account.ResetSecondFactors: audited, the owner told, their
// sessions ended). Nobody resets their own.
func (s *Server) adminUserResetFactors(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	if err := s.accounts.ResetSecondFactors(r.Context(), actor(r), u.ID); err != nil {
		p := &userPage{adminFrame: s.newAdminFrame(r, u.Name), User: u, Roles: roleChoices(u.Roles), Self: u.ID == currentAccount(r).ID}
		if p.Errors.addValidation(err, "factor") {
			return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_user", p)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?factors=reset", u.ID), http.StatusSeeOther)
	return nil
}
