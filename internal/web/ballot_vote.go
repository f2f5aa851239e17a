package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/society"
)

// votePage is a ballot's paper for a member to mark (Paper). It serves
// the signed-in member (/account/ballots/ID) and the holder of a voting
// code (/vote, the code carried in a hidden field).
type votePage struct {
	readerFrame
	Ballot society.Ballot
	Paper  paperForm
	Action string
	Code   string
	// Voted: this member has voted; Change: they may replace the vote
	// with their receipt before the close.
	Voted, Change bool
	loc           *time.Location
}

// When is a time in the publication's zone.
func (p *votePage) When(t time.Time) string {
	return t.In(p.loc).Format("15:04 on 2 January 2006 (MST)")
}

// voteReceiptPage shows the receipt, once.
type voteReceiptPage struct {
	readerFrame
	Ballot  society.Ballot
	Receipt string
	Changed bool
}

// accountBallotsPage lists the signed-in member's open ballots.
type accountBallotsPage struct {
	readerFrame
	Ballots []society.MemberBallot
	loc     *time.Location
}

// When is a time in the publication's zone.
func (p *accountBallotsPage) When(t time.Time) string {
	return t.In(p.loc).Format("15:04 on 2 January 2006 (MST)")
}

func (s *Server) accountBallots(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	bs, err := soc.BallotsFor(r.Context(), currentAccount(r).ID)
	if err != nil {
		return err
	}
	p := &accountBallotsPage{readerFrame: s.newReaderFrame(r, "Your ballots"), Ballots: bs, loc: s.site.Location}
	return s.writeReaderPage(w, "account_ballots", p, http.StatusOK)
}

// memberBallot is the open ballot in the path in which the signed-in
// reader's member is an elector; any other is a 404.
func (s *Server) memberBallot(r *http.Request) (*society.Service, society.MemberBallot, error) {
	soc, err := s.societyOr404()
	if err != nil {
		return nil, society.MemberBallot{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, society.MemberBallot{}, err
	}
	bs, err := soc.BallotsFor(r.Context(), currentAccount(r).ID)
	if err != nil {
		return nil, society.MemberBallot{}, err
	}
	for _, b := range bs {
		if b.Ballot.ID == id {
			return soc, b, nil
		}
	}
	return nil, society.MemberBallot{}, &httpError{Status: http.StatusNotFound, Message: "There is no open ballot of yours with that number."}
}

func (s *Server) accountBallot(w http.ResponseWriter, r *http.Request) error {
	_, mb, err := s.memberBallot(r)
	if err != nil {
		return err
	}
	return s.renderVote(w, r, mb.Ballot, "", mb.Voted, url.Values{}, nil)
}

func (s *Server) renderVote(w http.ResponseWriter, r *http.Request, b society.Ballot, code string, voted bool, form url.Values, errs fieldErrors) error {
	p := &votePage{readerFrame: s.newReaderFrame(r, b.Title), Ballot: b, Code: code, Voted: voted,
		Change: voted && b.AllowChange, Paper: paperForm{Ballot: b, Form: form, Errors: errs}, loc: s.site.Location}
	p.Action = "/account/ballots/" + strconv.FormatInt(b.ID, 10)
	if code != "" {
		p.Action = "/vote"
	}
	p.Errors = errs
	return s.writeReaderPage(w, "ballot_vote", p, formStatus(errs))
}

// accountBallotVote records the signed-in member's vote, or replaces it
// when they give their receipt, and shows the new receipt.
func (s *Server) accountBallotVote(w http.ResponseWriter, r *http.Request) error {
	soc, mb, err := s.memberBallot(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("The form could not be read.")
	}
	var errs fieldErrors
	c := paperForm{Ballot: mb.Ballot}.read(r.PostForm, &errs)
	var receipt string
	if len(errs) == 0 {
		if mb.Voted {
			receipt, err = soc.ChangeVote(r.Context(), mb.Ballot.ID, mb.Member, r.PostForm.Get("receipt"), c)
		} else {
			receipt, err = soc.Vote(r.Context(), mb.Ballot.ID, mb.Member, society.Online, c)
		}
		if errs.addValidation(err, "") {
			err = nil
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderVote(w, r, mb.Ballot, "", mb.Voted, r.PostForm, errs)
	}
	p := &voteReceiptPage{readerFrame: s.newReaderFrame(r, "Your vote is cast"), Ballot: mb.Ballot, Receipt: receipt, Changed: mb.Voted}
	return s.writeReaderPage(w, "ballot_receipt", p, http.StatusOK)
}

// voteCodePage asks for a voting code.
type voteCodePage struct {
	readerFrame
	Code string
}

func (s *Server) voteCodeForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.societyOr404(); err != nil {
		return err
	}
	return s.writeReaderPage(w, "ballot_code", &voteCodePage{readerFrame: s.newReaderFrame(r, "Vote with your code")}, http.StatusOK)
}

// voteWithCode takes the code alone (and shows the ballot's form) or the
// code with the marks (and votes, or with a receipt changes the vote).
func (s *Server) voteWithCode(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("The form could not be read.")
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	var errs fieldErrors
	b, used, err := soc.BallotForCode(r.Context(), code)
	if err == nil && !b.OpenAt(s.now()) {
		errs.Add("code", "This ballot is not open for voting now: it runs from "+
			b.OpensAt.In(s.site.Location).Format("15:04 on 2 January")+" to "+b.ClosesAt.In(s.site.Location).Format("15:04 on 2 January 2006")+".")
	}
	if err == nil && used && !b.AllowChange {
		errs.Add("code", "That voting code has already been used to vote.")
	}
	if errs.addValidation(err, "code") || len(errs) > 0 {
		p := &voteCodePage{readerFrame: s.newReaderFrame(r, "Vote with your code"), Code: code}
		p.Errors = errs
		return s.writeReaderPage(w, "ballot_code", p, http.StatusUnprocessableEntity)
	} else if err != nil {
		return err
	}
	if r.PostForm.Get("cast") == "" {
		return s.renderVote(w, r, b, code, used, url.Values{}, nil)
	}
	c := paperForm{Ballot: b}.read(r.PostForm, &errs)
	var receipt string
	if len(errs) == 0 {
		if used {
			_, receipt, err = soc.ChangeVoteWithCode(r.Context(), code, r.PostForm.Get("receipt"), c)
		} else {
			_, receipt, err = soc.VoteWithCode(r.Context(), code, c)
		}
		if errs.addValidation(err, "") {
			err = nil
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderVote(w, r, b, code, used, r.PostForm, errs)
	}
	p := &voteReceiptPage{readerFrame: s.newReaderFrame(r, "Your vote is cast"), Ballot: b, Receipt: receipt, Changed: used}
	return s.writeReaderPage(w, "ballot_receipt", p, http.StatusOK)
}

// ballotCheckPage lets anyone holding a receipt see that its paper is in
// the count, and nothing of how it was marked.
type ballotCheckPage struct {
	readerFrame
	Ballot  society.Ballot
	Receipt string
	Checked bool
	Counted bool
}

func (s *Server) ballotCheckForm(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := soc.Ballot(r.Context(), id)
	if err != nil || b.Status == society.Draft {
		return errNotFound
	}
	p := &ballotCheckPage{readerFrame: s.newReaderFrame(r, "Check your vote: "+b.Title), Ballot: b}
	if r.Method == http.MethodPost {
		p.Receipt = strings.TrimSpace(r.PostFormValue("receipt"))
		if p.Receipt == "" {
			p.Errors.Add("receipt", "Copy the receipt you were shown when you voted.")
		} else {
			p.Checked = true
			if p.Counted, err = soc.ReceiptCounted(r.Context(), b.ID, p.Receipt); err != nil {
				return err
			}
		}
	}
	return s.writeReaderPage(w, "ballot_check", p, formStatus(p.Errors))
}
