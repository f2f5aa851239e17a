package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// memberLinkPage finds a member by number and links them to the reader
// account they sign in with, or unlinks them, so they reach their
// membership under /account.
type memberLinkPage struct {
	adminFrame
	Number string // as typed
	Email  string // as typed
	Member *society.Member
	// Linked is the address of the account the member is linked to.
	Linked string
}

// newMemberLinkPage reads the member named by number, if any; a number
// that is not one, or names no member, is an error beside the field.
func (s *Server) newMemberLinkPage(r *http.Request, number string) (*memberLinkPage, error) {
	soc, err := s.societyOr404()
	if err != nil {
		return nil, err
	}
	p := &memberLinkPage{adminFrame: s.newAdminFrame(r, "Link a member to a reader account"), Number: strings.TrimSpace(number)}
	if p.Number == "" {
		return p, nil
	}
	n, err := strconv.ParseInt(p.Number, 10, 64)
	if err != nil || n <= 0 {
		p.Errors.Add(society.FieldNumber, "A membership number is a whole number from 1 up.")
		return p, nil
	}
	m, err := soc.Member(r.Context(), n)
	if err != nil {
		if p.Errors.addValidation(err, society.FieldNumber) {
			return p, nil
		}
		return nil, err
	}
	p.Member = &m
	if m.AccountID != 0 {
		a, err := s.accounts.ByID(r.Context(), m.AccountID)
		if err != nil {
			return nil, err
		}
		p.Linked = a.Email
	}
	return p, nil
}

func (s *Server) adminMemberLink(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newMemberLinkPage(r, r.URL.Query().Get("number"))
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "linked":
		p.Notice = "The member is linked: signed in with that address, they see their membership under Your account."
	case "unlinked":
		p.Notice = "The member is unlinked from the account."
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_member_link", p)
}

// adminMemberLinkSave links the member to the account with the address
// typed, or with action=unlink removes their link; audited either way.
func (s *Server) adminMemberLinkSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read that form.")
	}
	p, err := s.newMemberLinkPage(r, r.PostFormValue(society.FieldNumber))
	if err != nil {
		return err
	}
	unlink := r.PostFormValue("action") == "unlink"
	p.Email = strings.TrimSpace(formValue(r, &p.Errors, society.FieldEmail, "The email address", 254))
	if p.Number == "" {
		p.Errors.Add(society.FieldNumber, "Enter the membership number.")
	}
	var accountID int64
	if !unlink && p.Email == "" {
		p.Errors.Add(society.FieldEmail, "Enter the address the member signs in with.")
	} else if !unlink && len(p.Errors) == 0 {
		a, err := s.accounts.ByEmail(r.Context(), p.Email)
		if errors.Is(err, account.ErrNotFound) {
			p.Errors.Add(society.FieldEmail, "No account signs in with that address: ask the member to sign in once at /account/signin, then link them.")
		} else if err != nil {
			return err
		}
		accountID = a.ID
	}
	if len(p.Errors) == 0 {
		err := s.society.Link(r.Context(), p.Member.Number, accountID, account.ActorOf(currentAccount(r), clientIP(r)))
		vs := valid.All(err)
		if err != nil && len(vs) == 0 {
			return err
		}
		for _, v := range vs {
			if v.Field == society.FieldMember { // the form names the member by number
				v.Field = society.FieldNumber
			}
			p.Errors.Add(v.Field, v.Message)
		}
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_member_link", p)
	}
	done := "linked"
	if unlink {
		done = "unlinked"
	}
	http.Redirect(w, r, "/admin/register/member?done="+done+"&number="+p.Number, http.StatusSeeOther)
	return nil
}
