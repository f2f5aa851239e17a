package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/society"
)

// channelsPage is a ballot's postal papers, meetings and reminders: what
// the secretary and the tellers do besides online voting.
type channelsPage struct {
	adminFrame
	Ballot   society.Ballot
	Meetings []society.BallotMeeting
	Round    int
	Place    string
	HeldOn   string
	Mail     bool
	loc      *time.Location
}

// When is a time in the publication's zone.
func (p *channelsPage) When(t time.Time) string { return t.In(p.loc).Format("2 Jan 2006 15:04 MST") }

// Open reports whether the ballot is open.
func (p *channelsPage) Open() bool { return p.Ballot.Status == society.Open }

func (s *Server) adminBallotChannels(w http.ResponseWriter, r *http.Request) error {
	return s.renderChannels(w, r, nil, nil)
}

// renderChannels shows the page; fill puts typed values back.
func (s *Server) renderChannels(w http.ResponseWriter, r *http.Request, errs fieldErrors, fill func(*channelsPage)) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	p := &channelsPage{adminFrame: s.newAdminFrame(r, "Post, meetings and reminders: "+b.Title), Ballot: b,
		Mail: s.mail != nil, loc: s.site.Location}
	p.Errors = errs
	switch r.URL.Query().Get("done") {
	case "meeting":
		p.Notice = "Meeting added."
	case "remind":
		p.Notice = "Reminder round " + r.URL.Query().Get("round") + ": " + r.URL.Query().Get("queued") + " queued for sending."
	}
	if p.Meetings, err = soc.Meetings(r.Context(), b.ID); err != nil {
		return err
	}
	if p.Round, err = soc.NextRound(r.Context(), b.ID); err != nil {
		return err
	}
	if fill != nil {
		fill(p)
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_ballot_channels", p)
}

// ballotPDFOptions are the site's settings for the ballot PDFs.
func (s *Server) ballotPDFOptions() society.PDFOptions {
	name := s.site.SocietyName
	if name == "" {
		name = s.site.Name
	}
	o := society.PDFOptions{Society: name, Location: s.site.Location}
	if s.site.BaseURL != "" {
		o.VoteURL = strings.TrimRight(s.site.BaseURL, "/") + "/vote"
	}
	return o
}

// adminBallotPapers issues fresh codes and sends the postal papers as a
// PDF; a POST, since it replaces the members' codes.
func (s *Server) adminBallotPapers(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	all := r.PostFormValue("all") == "yes"
	b, codes, err := soc.PostalCodes(r.Context(), b.ID, all, actorOf(r))
	var errs fieldErrors
	if errs.addValidation(err, "papers") {
		return s.renderChannels(w, r, errs, nil)
	} else if err != nil {
		return err
	}
	if len(codes) == 0 {
		errs.Add("papers", "No papers to print: every elector has voted or has an email address. Tick the box to print for everyone who has not voted.")
		return s.renderChannels(w, r, errs, nil)
	}
	var buf bytes.Buffer
	if err := society.WritePapers(&buf, b, codes, s.ballotPDFOptions()); err != nil {
		return err
	}
	return sendAttachment(w, "application/pdf", "ballot-papers-"+strconv.FormatInt(b.ID, 10)+".pdf", buf.Bytes())
}

// adminBallotRemind queues a reminder round.
func (s *Server) adminBallotRemind(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	var errs fieldErrors
	if s.mail == nil {
		errs.Add("round", "This site sends no mail: set up SMTP to send reminders.")
		return s.renderChannels(w, r, errs, nil)
	}
	round, err := strconv.Atoi(r.PostFormValue("round"))
	if err != nil {
		round = 0
	}
	base := strings.TrimRight(s.site.BaseURL, "/")
	n, err := soc.Remind(r.Context(), b.ID, round, s.mail, society.Reminder{Society: s.ballotPDFOptions().Society,
		VoteURL: base + "/account/ballots", CodeURL: base + "/vote"}, actorOf(r))
	if errs.addValidation(err, "round") {
		return s.renderChannels(w, r, errs, nil)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"/channels?done=remind&round="+
		strconv.Itoa(round)+"&queued="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// adminBallotMeetingAdd adds a regional meeting.
func (s *Server) adminBallotMeetingAdd(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	place, held := r.PostFormValue("place"), r.PostFormValue("held_on")
	_, err = soc.AddMeeting(r.Context(), b.ID, place, held, actorOf(r))
	var errs fieldErrors
	if errs.addValidation(err, "") {
		return s.renderChannels(w, r, errs, func(p *channelsPage) { p.Place, p.HeldOn = place, held })
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"/channels?done=meeting", http.StatusSeeOther)
	return nil
}

// adminBallotResultsPDF sends a closed ballot's scrutineer's report.
func (s *Server) adminBallotResultsPDF(w http.ResponseWriter, r *http.Request) error {
	soc, b, res, err := s.closedResults(w, r)
	if err != nil || soc == nil {
		return err
	}
	ms, err := soc.Meetings(r.Context(), b.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := society.WriteResultsPDF(&buf, res, ms, s.ballotPDFOptions()); err != nil {
		return err
	}
	return sendAttachment(w, "application/pdf", "ballot-results-"+strconv.FormatInt(b.ID, 10)+".pdf", buf.Bytes())
}

// adminBallotResultsCSV is the closed ballot's results as CSV, the lines
// `coopress ballot tally --format csv` prints; before the close it sends
// the secretary to the results page, which says the count waits.
func (s *Server) adminBallotResultsCSV(w http.ResponseWriter, r *http.Request) error {
	soc, b, res, err := s.closedResults(w, r)
	if err != nil || soc == nil {
		return err
	}
	var buf bytes.Buffer
	if err := society.WriteResultsCSV(&buf, res); err != nil {
		return err
	}
	return sendAttachment(w, "text/csv; charset=utf-8", "ballot-results-"+strconv.FormatInt(b.ID, 10)+".csv", buf.Bytes())
}

// closedResults counts the ballot in the path for a download of its
// results. Before the close there is nothing to download: it sends the
// secretary to the results page, which says the count waits, and returns
// a nil society.
func (s *Server) closedResults(w http.ResponseWriter, r *http.Request) (*society.Service, society.Ballot, society.Results, error) {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return nil, b, society.Results{}, err
	}
	res, err := soc.Tally(r.Context(), b.ID)
	if errors.Is(err, society.ErrNotClosed) {
		http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"/results", http.StatusSeeOther)
		return nil, b, res, nil
	}
	if err != nil {
		return nil, b, res, err
	}
	return soc, b, res, nil
}
