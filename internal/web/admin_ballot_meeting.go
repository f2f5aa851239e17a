package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// meetingPage is a regional meeting at work: the tellers check members
// in by membership number, record the count on each motion, and enter
// the election papers cast there.
type meetingPage struct {
	adminFrame
	Ballot  society.Ballot
	Meeting society.BallotMeeting
	Member  string
	Paper   paperForm
}

// Counted is the meeting's recorded count on a motion, if any.
func (p *meetingPage) Counted(id int64) *society.MeetingCount {
	if c, ok := p.Meeting.Tallies[id]; ok {
		return &c
	}
	return nil
}

// TallyID names a motion's count inputs.
func (p *meetingPage) TallyID(kind string, id int64) string {
	return "tally-" + kind + "-" + strconv.FormatInt(id, 10)
}

// MotionName is a motion's field, where its count's errors show.
func (p *meetingPage) MotionName(id int64) string { return society.MotionField(id) }

// loadMeeting is the ballot and the meeting of the path; a meeting of
// another ballot is a 404.
func (s *Server) loadMeeting(r *http.Request) (*society.Service, society.Ballot, society.BallotMeeting, error) {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return nil, b, society.BallotMeeting{}, err
	}
	mid, err := pathID(r, "mid")
	if err != nil {
		return nil, b, society.BallotMeeting{}, err
	}
	m, err := soc.Meeting(r.Context(), mid)
	if err == nil && m.BallotID != b.ID {
		err = society.ErrNotFound
	}
	return soc, b, m, err
}

func (s *Server) adminBallotMeeting(w http.ResponseWriter, r *http.Request) error {
	return s.renderMeeting(w, r, nil, nil)
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, errs fieldErrors, fill func(*meetingPage)) error {
	_, b, m, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	p := &meetingPage{adminFrame: s.newAdminFrame(r, "Meeting: "+m.Place+", "+m.HeldOn), Ballot: b, Meeting: m,
		Paper: meetingPaper(b)}
	p.Paper.Errors = errs
	p.Errors = errs
	q := r.URL.Query()
	switch q.Get("done") {
	case "checkin":
		p.Notice = "Member " + q.Get("member") + " checked in: they vote at this meeting."
	case "tally":
		p.Notice = "Count recorded."
	case "paper":
		p.Notice = "Paper entered."
	}
	if fill != nil {
		fill(p)
	}
	return s.renderAdmin(w, formStatus(errs), "admin_ballot_meeting", p)
}

// meetingPaper is the election paper a meeting's tellers enter: its
// motions are counted by hands or cards instead.
func meetingPaper(b society.Ballot) paperForm {
	return paperForm{Ballot: b, ElectionsOnly: true, Teller: true}
}

// meetingURL is the meeting's page, with a done notice.
func meetingURL(b society.Ballot, m society.BallotMeeting, done string) string {
	return "/admin/ballots/" + strconv.FormatInt(b.ID, 10) + "/meetings/" + strconv.FormatInt(m.ID, 10) + "?done=" + done
}

// adminBallotCheckIn checks a member in; one who voted by another
// channel, or is not an elector, is refused beside the number.
func (s *Server) adminBallotCheckIn(w http.ResponseWriter, r *http.Request) error {
	soc, b, m, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	typed := strings.TrimSpace(r.PostFormValue("member"))
	var errs fieldErrors
	n, perr := strconv.ParseInt(typed, 10, 64)
	if perr != nil || n < 1 {
		errs.Add(society.FieldMember, "Type the membership number, a whole number.")
	} else {
		err = soc.CheckIn(r.Context(), m.ID, n, actorOf(r))
		for _, v := range valid.All(err) {
			errs.Add(society.FieldMember, v.Message)
		}
		if len(errs) == 0 && err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderMeeting(w, r, errs, func(p *meetingPage) { p.Member = typed })
	}
	http.Redirect(w, r, meetingURL(b, m, "checkin")+"&member="+strconv.FormatInt(n, 10), http.StatusSeeOther)
	return nil
}

// adminBallotMeetingTally records the meeting's count on one motion.
func (s *Server) adminBallotMeetingTally(w http.ResponseWriter, r *http.Request) error {
	soc, b, m, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	motion, _ := strconv.ParseInt(r.PostFormValue("motion"), 10, 64)
	field := society.MotionField(motion)
	var errs fieldErrors
	count := func(name string) int64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs.Add(field, "Counts are whole numbers from 0.")
		}
		return n
	}
	c := society.MeetingCount{For: count("for"), Against: count("against"), Abstain: count("abstain"), Method: r.PostFormValue("method")}
	if len(errs) == 0 {
		err = soc.RecordMeetingTally(r.Context(), m.ID, motion, c, actorOf(r))
		if errs.addValidation(err, "") {
			// shown beside the motion's count
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderMeeting(w, r, errs, nil)
	}
	http.Redirect(w, r, meetingURL(b, m, "tally"), http.StatusSeeOther)
	return nil
}

// adminBallotMeetingPaper enters an election paper cast at the meeting.
func (s *Server) adminBallotMeetingPaper(w http.ResponseWriter, r *http.Request) error {
	soc, b, m, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var errs fieldErrors
	c := meetingPaper(b).read(r.PostForm, &errs)
	if len(errs) == 0 {
		err = soc.MeetingPaper(r.Context(), m.ID, c, actorOf(r))
		if errs.addValidation(err, "") {
			// beside the election, or the paper's count
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderMeeting(w, r, errs, func(p *meetingPage) { p.Paper.Form = r.PostForm })
	}
	http.Redirect(w, r, meetingURL(b, m, "paper"), http.StatusSeeOther)
	return nil
}
