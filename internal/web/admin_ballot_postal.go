package web

import (
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// postalPage is the tellers' entry of a returned postal paper: the
// voting code printed on it and the marks, as on the member's form.
type postalPage struct {
	adminFrame
	Ballot society.Ballot
	Code   string
	Paper  paperForm
}

func (s *Server) adminBallotPostal(w http.ResponseWriter, r *http.Request) error {
	_, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	return s.renderPostal(w, r, b, "", nil, nil)
}

func (s *Server) renderPostal(w http.ResponseWriter, r *http.Request, b society.Ballot, code string, form map[string][]string, errs fieldErrors) error {
	p := &postalPage{adminFrame: s.newAdminFrame(r, "Enter a postal paper: "+b.Title), Ballot: b, Code: code,
		Paper: paperForm{Ballot: b, Form: form, Errors: errs, Teller: true}}
	p.Errors = errs
	if r.URL.Query().Get("done") == "entered" {
		p.Notice = "Paper of member " + r.URL.Query().Get("member") + " entered. Enter the next."
	}
	return s.renderAdmin(w, formStatus(errs), "admin_ballot_postal", p)
}

// adminBallotPostalEnter records the paper. A refusal (a code used
// online, a member who voted) is shown beside the code, with the marks
// kept so the teller can set the paper aside or correct a typing slip.
func (s *Server) adminBallotPostalEnter(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	code := r.PostFormValue("code")
	var errs fieldErrors
	if code == "" {
		errs.Add(society.FieldCode, "Type the voting code printed on the paper.")
	}
	c := paperForm{Ballot: b}.read(r.PostForm, &errs)
	if len(errs) > 0 {
		return s.renderPostal(w, r, b, code, r.PostForm, errs)
	}
	member, err := soc.EnterPostal(r.Context(), b.ID, code, c, actorOf(r))
	for _, v := range valid.All(err) {
		f := v.Field
		if f == society.FieldMember || f == society.FieldBallot {
			f = society.FieldCode
		}
		errs.Add(f, v.Message)
	}
	if len(errs) > 0 {
		return s.renderPostal(w, r, b, code, r.PostForm, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"/postal?done=entered&member="+
		strconv.FormatInt(member, 10), http.StatusSeeOther)
	return nil
}
