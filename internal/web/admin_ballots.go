package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// ballotTellers may use the pages where votes are counted in: a
// returned postal paper's entry and a meeting's check-ins, counts and
// papers, and the list of ballots that leads to them. A teller sees no
// register, turnout, codes or results: the secretary keeps those.
func ballotTellers() []account.Role { return []account.Role{account.Secretary, account.Teller} }

// ballotsPage lists the ballots and their meetings, and drafts a new one
// for those who may.
type ballotsPage struct {
	adminFrame
	Ballots  []society.Ballot
	meetings map[int64][]society.BallotMeeting
	Form     society.BallotInput
	loc      *time.Location
}

// MeetingsOf are the regional meetings of ballot id.
func (p *ballotsPage) MeetingsOf(id int64) []society.BallotMeeting { return p.meetings[id] }

// When is a time in the publication's zone.
func (p *ballotsPage) When(t time.Time) string { return t.In(p.loc).Format("2 Jan 2006 15:04 MST") }

// ballotPage is one ballot: its details (a form while a draft), its
// motions and elections, and what the secretary may do next.
type ballotPage struct {
	adminFrame
	Ballot society.Ballot
	Form   society.BallotInput
	// Motion and Election are the add forms as typed.
	Motion   motionForm
	Election electionForm
	Voted    int
	// Member is the membership number typed for a new code.
	Member string
	// Seal is the choice typed on the open form ("yes" or "no"); Key the
	// counting key typed on the close form.
	Seal, Key string
	loc       *time.Location
}

// When is a time in the publication's zone.
func (p *ballotPage) When(t time.Time) string { return t.In(p.loc).Format("2 Jan 2006 15:04 MST") }

// DetailsAction is where the details form posts.
func (p *ballotsPage) DetailsAction() string { return "/admin/ballots" }

// DetailsAction is where the details form posts.
func (p *ballotPage) DetailsAction() string {
	return "/admin/ballots/" + strconv.FormatInt(p.Ballot.ID, 10)
}

// Draft reports whether the ballot may still be edited.
func (p *ballotPage) Draft() bool { return p.Ballot.Status == society.Draft }

// Open reports whether the ballot is open.
func (p *ballotPage) Open() bool { return p.Ballot.Status == society.Open }

// Item names a motion or an election for the remove button.
func (p *ballotPage) Item(kind string, id int64) string {
	return kind + "-" + strconv.FormatInt(id, 10)
}

type motionForm struct{ Title, Body, Kind, Fraction string }

type electionForm struct{ Title, Seats, Method, Candidates string }

// actorOf is the signed-in member of staff, for the audit log.
func actorOf(r *http.Request) account.Actor { return account.ActorOf(currentAccount(r), clientIP(r)) }

// localInput writes a UTC time as a datetime-local value in the zone.
func localInput(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02T15:04") }

func (s *Server) adminBallots(w http.ResponseWriter, r *http.Request) error {
	return s.renderBallots(w, r, society.BallotInput{AllowChange: s.allowChange}, nil)
}

func (s *Server) renderBallots(w http.ResponseWriter, r *http.Request, in society.BallotInput, errs fieldErrors) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &ballotsPage{adminFrame: s.newAdminFrame(r, "Ballots"), Form: in, loc: s.site.Location,
		meetings: map[int64][]society.BallotMeeting{}}
	p.Errors = errs
	if p.Ballots, err = soc.Ballots(r.Context()); err != nil {
		return err
	}
	for _, b := range p.Ballots {
		if p.meetings[b.ID], err = soc.Meetings(r.Context(), b.ID); err != nil {
			return err
		}
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_ballots", p)
}

// ballotInput reads the details form.
func ballotInput(r *http.Request) society.BallotInput {
	return society.BallotInput{Title: r.PostFormValue("title"), Meeting: r.PostFormValue("meeting"),
		Opens: r.PostFormValue("opens"), Closes: r.PostFormValue("closes"), RecordDate: r.PostFormValue("record_date"),
		AllowChange: r.PostFormValue("allow_change") == "yes"}
}

// adminBallotCreate stores a new draft and goes to it.
func (s *Server) adminBallotCreate(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	in := ballotInput(r)
	var errs fieldErrors
	b, err := society.ParseBallot(in, s.site.Location)
	if err == nil {
		b.ID, err = soc.CreateBallot(r.Context(), b, actorOf(r))
	}
	if errs.addValidation(err, "") {
		return s.renderBallots(w, r, in, errs)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
	return nil
}

// loadAdminBallot is the ballot named in the path.
func (s *Server) loadAdminBallot(r *http.Request) (*society.Service, society.Ballot, error) {
	soc, err := s.societyOr404()
	if err != nil {
		return nil, society.Ballot{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, society.Ballot{}, err
	}
	b, err := soc.Ballot(r.Context(), id)
	return soc, b, err
}

func (s *Server) adminBallot(w http.ResponseWriter, r *http.Request) error {
	return s.renderBallot(w, r, nil, nil)
}

// renderBallot shows the ballot; fill, when set, puts what was typed back
// into the forms.
func (s *Server) renderBallot(w http.ResponseWriter, r *http.Request, errs fieldErrors, fill func(*ballotPage)) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	loc := s.site.Location
	p := &ballotPage{adminFrame: s.newAdminFrame(r, b.Title), Ballot: b, loc: loc,
		Form: society.BallotInput{Title: b.Title, Meeting: b.Meeting, Opens: localInput(b.OpensAt, loc),
			Closes: localInput(b.ClosesAt, loc), RecordDate: b.RecordDate, AllowChange: b.AllowChange},
		Motion: motionForm{Kind: "ordinary"}, Election: electionForm{Seats: "1", Method: "block"}, Seal: "yes"}
	p.Errors = errs
	if r.URL.Query().Get("done") != "" {
		p.Notice = map[string]string{"saved": "Saved.", "closed": "The ballot is closed; the results are below."}[r.URL.Query().Get("done")]
	}
	if fill != nil {
		fill(p)
	}
	t, err := soc.Turnout(r.Context(), b.ID)
	if err != nil {
		return err
	}
	p.Voted = len(t.Voters)
	return s.renderAdmin(w, formStatus(p.Errors), "admin_ballot", p)
}

// editDraft applies change to the draft and saves it; a refusal shows
// the page again with what was typed.
func (s *Server) editDraft(w http.ResponseWriter, r *http.Request, change func(*society.Ballot) error, fill func(*ballotPage)) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	err = change(&b)
	if err == nil {
		err = soc.UpdateBallot(r.Context(), b, actorOf(r))
	}
	var errs fieldErrors
	if errs.addValidation(err, "") {
		return s.renderBallot(w, r, errs, fill)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

// adminBallotSave changes a draft's details.
func (s *Server) adminBallotSave(w http.ResponseWriter, r *http.Request) error {
	in := ballotInput(r)
	return s.editDraft(w, r, func(b *society.Ballot) error {
		d, err := society.ParseBallot(in, s.site.Location)
		d.ID, d.Motions, d.Elections = b.ID, b.Motions, b.Elections
		*b = d
		return err
	}, func(p *ballotPage) { p.Form = in })
}

// adminBallotMotion adds a motion to a draft.
func (s *Server) adminBallotMotion(w http.ResponseWriter, r *http.Request) error {
	f := motionForm{Title: r.PostFormValue("motion_title"), Body: r.PostFormValue("motion_body"),
		Kind: r.PostFormValue("motion_kind"), Fraction: r.PostFormValue("motion_fraction")}
	return s.editDraft(w, r, func(b *society.Ballot) error {
		kind, num, den, err := society.ParseMotionKind(f.Kind, f.Fraction)
		if err != nil {
			return err
		}
		if strings.TrimSpace(f.Title) == "" {
			return valid.New(society.FieldMotions, "Give the motion a title.")
		}
		b.Motions = append(b.Motions, society.Motion{Title: strings.TrimSpace(f.Title), Body: strings.TrimSpace(f.Body),
			Kind: kind, NeedNum: num, NeedDen: den})
		return nil
	}, func(p *ballotPage) { p.Motion = f })
}

// adminBallotElection adds an election, with its candidates, to a draft.
func (s *Server) adminBallotElection(w http.ResponseWriter, r *http.Request) error {
	f := electionForm{Title: r.PostFormValue("election_title"), Seats: r.PostFormValue("election_seats"),
		Method: r.PostFormValue("election_method"), Candidates: r.PostFormValue("election_candidates")}
	return s.editDraft(w, r, func(b *society.Ballot) error {
		seats, err := strconv.Atoi(strings.TrimSpace(f.Seats))
		if err != nil || seats < 1 {
			return valid.New(society.FieldElection, "Give the number of seats, a whole number from 1.")
		}
		cands := society.ParseCandidates(f.Candidates)
		if strings.TrimSpace(f.Title) == "" || len(cands) == 0 {
			return valid.New(society.FieldElection, "Give the election a title and its candidates, one a line.")
		}
		b.Elections = append(b.Elections, society.Election{Title: strings.TrimSpace(f.Title), Seats: seats,
			Method: society.Method(f.Method), Candidates: cands})
		return nil
	}, func(p *ballotPage) { p.Election = f })
}

// adminBallotRemove takes a motion or an election off a draft.
func (s *Server) adminBallotRemove(w http.ResponseWriter, r *http.Request) error {
	item := r.PostFormValue("item")
	return s.editDraft(w, r, func(b *society.Ballot) error {
		n := len(b.Motions) + len(b.Elections)
		b.Motions = slices.DeleteFunc(b.Motions, func(m society.Motion) bool { return society.MotionField(m.ID) == item })
		b.Elections = slices.DeleteFunc(b.Elections, func(e society.Election) bool { return society.ElectionField(e.ID) == item })
		if len(b.Motions)+len(b.Elections) == n {
			return valid.New(society.FieldMotions, "Choose a motion or election of this ballot to remove.")
		}
		return nil
	}, nil)
}

// adminBallotReissue gives one elector a new voting code, shown once on
// the page, for a lost letter; the old code stops working.
func (s *Server) adminBallotReissue(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	var errs fieldErrors
	typed := strings.TrimSpace(r.PostFormValue("member"))
	member, perr := strconv.ParseInt(typed, 10, 64)
	if perr != nil || member <= 0 {
		errs.Add("member", "Give the membership number.")
		return s.renderBallot(w, r, errs, func(p *ballotPage) { p.Member = typed })
	}
	vc, err := soc.ReissueCode(r.Context(), b.ID, member, actorOf(r))
	if errs.addValidation(err, "member") {
		return s.renderBallot(w, r, errs, func(p *ballotPage) { p.Member = typed })
	} else if err != nil {
		return err
	}
	return s.renderBallot(w, r, nil, func(p *ballotPage) {
		p.Notice = "New voting code for member " + typed + ": " + vc.Code + ". Give it to them now: it is not shown again, and their old code no longer works."
	})
}
