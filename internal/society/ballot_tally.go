package society

import (
	"context"
	"fmt"
	"slices"

	"github.com/coopress/coopress/internal/stv"
	"github.com/coopress/coopress/internal/valid"
)

// Results are a closed ballot's count.
type Results struct {
	Ballot Ballot
	// Papers counts the stored papers, one per voter.
	Papers    int64
	Turnout   map[Channel]int64
	Motions   []MotionResult
	Elections []ElectionResult
}

// MotionResult is the count on one motion. A motion passes when votes
// for are more than NeedNum/NeedDen of the votes for and against
// (ordinary: a simple majority) or, for a special resolution, at least
// that fraction; abstentions are counted and shown but are not votes
// cast for the majority. Comparisons are in whole numbers.
type MotionResult struct {
	Motion
	For, Against, Abstain int64
	Passed                bool
}

// ElectionResult is the count of one election.
type ElectionResult struct {
	Election
	// Papers counts the papers that marked this election.
	Papers int64
	// Votes are each candidate's votes (block) or first preferences
	// (STV), by candidate id.
	Votes map[int64]int64
	// Elected in order of votes (block) or of election (STV); Tied are candidates level for
	// the last seats, which the society's rules decide (often by lot).
	Elected, Tied []Candidate
	// Count is the STV count, every stage, by internal/stv; nil for a
	// block vote or an STV election no one voted in.
	Count *stv.Result
	// Preferences are each paper's marks in this election, as candidate
	// ids: the order of preference for STV, the choices for a block vote;
	// papers in the order of their random keys.
	Preferences [][]int64
}

// Tally counts a closed ballot's papers; before the close it refuses, so
// no running count can be read while people still vote.
func (s *Service) Tally(ctx context.Context, id int64) (Results, error) {
	b, err := s.Ballot(ctx, id)
	if err != nil {
		return Results{}, err
	}
	if b.Status != Closed {
		return Results{}, valid.Error{Field: FieldBallot, Cause: ErrNotClosed,
			Message: "Results are counted when the ballot closes, not before."}
	}
	r := Results{Ballot: b, Turnout: map[Channel]int64{}}
	r.Motions = make([]MotionResult, len(b.Motions))
	motion := map[int64]*MotionResult{}
	for i, m := range b.Motions {
		r.Motions[i].Motion = m
		motion[m.ID] = &r.Motions[i]
	}
	r.Elections = make([]ElectionResult, len(b.Elections))
	election := map[int64]*ElectionResult{}
	for i, e := range b.Elections {
		r.Elections[i] = ElectionResult{Election: e, Votes: map[int64]int64{}}
		election[e.ID] = &r.Elections[i]
	}
	// Papers are read in the order of their random keys, which says
	// nothing of who or when.
	rows, err := s.db.QueryContext(ctx, `SELECT choices, sealed IS NOT NULL FROM ballot_papers WHERE ballot_id = $1 ORDER BY id`, id)
	if err != nil {
		return r, fmt.Errorf("society: tally: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		var sealed bool
		if err := rows.Scan(&text, &sealed); err != nil {
			return r, err
		}
		if sealed { // the close opens every paper; one still sealed would count as blank
			return r, fmt.Errorf("society: tally: ballot %d holds a paper still sealed", id)
		}
		c, err := decodeChoices(text)
		if err != nil {
			return r, err
		}
		r.Papers++
		for mid, st := range c.Motions {
			m := motion[mid]
			if m == nil {
				return r, fmt.Errorf("society: tally: a paper marks motion %d, not on ballot %d", mid, id)
			}
			switch st {
			case For:
				m.For++
			case Against:
				m.Against++
			case Abstain:
				m.Abstain++
			}
		}
		for eid, ks := range c.Elections {
			e := election[eid]
			if e == nil || len(ks) == 0 {
				continue
			}
			e.Papers++
			e.Preferences = append(e.Preferences, ks)
			if e.Method == STV {
				e.Votes[ks[0]]++
				continue
			}
			for _, k := range ks {
				e.Votes[k]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	if err := s.addMeetingTallies(ctx, id, motion); err != nil {
		return r, err
	}
	for i := range r.Motions {
		r.Motions[i].Passed = r.Motions[i].passes()
	}
	for i := range r.Elections {
		if r.Elections[i].Method == Block {
			r.Elections[i].countBlock()
		} else if err := r.Elections[i].countSTV(); err != nil {
			return r, err
		}
	}
	t, err := s.Turnout(ctx, id)
	if err != nil {
		return r, err
	}
	r.Turnout = t.ByChannel
	return r, nil
}

// passes applies the motion's majority in integers.
func (m MotionResult) passes() bool {
	cast := m.For + m.Against
	if cast == 0 {
		return false
	}
	if m.Kind == Special {
		return m.For*m.NeedDen >= m.NeedNum*cast
	}
	return m.For*m.NeedDen > m.NeedNum*cast
}

// countBlock elects the candidates with the most votes: those above the
// last seat's vote are elected, and those level at it too when they fit
// the seats left; otherwise they are Tied and the rules decide.
func (e *ElectionResult) countBlock() {
	order := slices.Clone(e.Candidates)
	slices.SortStableFunc(order, func(a, b Candidate) int {
		va, vb := e.Votes[a.ID], e.Votes[b.ID]
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	if len(order) <= e.Seats {
		e.Elected = order
		return
	}
	last := e.Votes[order[e.Seats-1].ID]
	var level []Candidate
	for _, c := range order {
		switch v := e.Votes[c.ID]; {
		case v > last:
			e.Elected = append(e.Elected, c)
		case v == last:
			level = append(level, c)
		}
	}
	if len(e.Elected)+len(level) <= e.Seats {
		e.Elected = append(e.Elected, level...)
	} else {
		e.Tied = level
	}
}
