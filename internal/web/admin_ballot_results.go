package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/society"
)

// turnoutPage is who has voted and how they voted — by which channel,
// never for what.
type turnoutPage struct {
	adminFrame
	Ballot  society.Ballot
	Turnout society.Turnout
	loc     *time.Location
}

// When is a time in the publication's zone.
func (p *turnoutPage) When(t time.Time) string { return t.In(p.loc).Format("2 Jan 2006 15:04 MST") }

// Channel is how many voted by ch.
func (p *turnoutPage) Channel(ch string) int64 { return p.Turnout.ByChannel[society.Channel(ch)] }

func (s *Server) adminBallotTurnout(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	t, err := soc.Turnout(r.Context(), b.ID)
	if err != nil {
		return err
	}
	p := &turnoutPage{adminFrame: s.newAdminFrame(r, "Turnout: "+b.Title), Ballot: b, Turnout: t, loc: s.site.Location}
	return s.renderAdmin(w, http.StatusOK, "admin_ballot_turnout", p)
}

// resultsPage is a closed ballot's count, or word that it is not closed.
type resultsPage struct {
	adminFrame
	Ballot  society.Ballot
	Results *society.Results
	loc     *time.Location
}

// When is a time in the publication's zone.
func (p *resultsPage) When(t time.Time) string { return t.In(p.loc).Format("2 Jan 2006 15:04 MST") }

// Candidates lists an election's candidates with their votes and
// whether elected or tied.
func (p *resultsPage) Candidates(e society.ElectionResult) []candidateResult {
	mark := map[int64]string{}
	for i, c := range e.Elected {
		mark[c.ID] = "elected"
		if e.Method == society.STV {
			mark[c.ID] = "elected " + strconv.Itoa(i+1) + " of " + strconv.Itoa(len(e.Elected))
		}
	}
	for _, c := range e.Tied {
		mark[c.ID] = "tied for the last seat: the rules decide"
	}
	var out []candidateResult
	for _, c := range e.Candidates {
		out = append(out, candidateResult{Name: c.Name, Votes: e.Votes[c.ID], Outcome: mark[c.ID]})
	}
	return out
}

// Sheet is an STV election's count sheet, every stage, as text.
func (p *resultsPage) Sheet(e society.ElectionResult) string {
	if e.Count == nil {
		return ""
	}
	var b strings.Builder
	if err := e.Count.WriteText(&b); err != nil {
		return ""
	}
	return b.String()
}

type candidateResult struct {
	Name    string
	Votes   int64
	Outcome string
}

// Channel is how many voted by ch.
func (p *resultsPage) Channel(ch string) int64 { return p.Results.Turnout[society.Channel(ch)] }

func (s *Server) adminBallotResults(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	p := &resultsPage{adminFrame: s.newAdminFrame(r, "Results: "+b.Title), Ballot: b, loc: s.site.Location}
	res, err := soc.Tally(r.Context(), b.ID)
	switch {
	case errors.Is(err, society.ErrNotClosed):
		// The page says the count waits for the close.
	case err != nil:
		return err
	default:
		p.Results = &res
	}
	return s.renderAdmin(w, http.StatusOK, "admin_ballot_results", p)
}
