// Package stv counts board elections: the single transferable vote under
// the Scottish STV rules (The Scottish Local Government Elections Order
// 2007, SSI 2007/42, Schedule 1, rules 45 to 52) and the block vote. It
// knows nothing of members, ballots' storage or HTTP: an Election goes in,
// a Result with every stage of the count comes out, and the same Election
// and seed always give the same Result.
//
// Every value is an integer number of hundred-thousandths of a vote (a
// Value), because the rules compute to five decimal places and ignore the
// rest; no float is ever used.
package stv

import (
	"errors"
	"fmt"
	"strings"
)

// Value is a number of votes in units of 0.00001 of a vote: the rules
// compute every value to five decimal places, any remainder ignored.
type Value int64

// Unit is one whole vote.
const Unit Value = 100000

// String writes the value with five decimal places, as the count sheet
// shows it: 1234.50000.
func (v Value) String() string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%05d", sign, v/Unit, v%Unit)
}

// Whole writes the value as a whole number of votes when it is one (the
// block vote has no fractions), else with five decimal places.
func (v Value) Whole() string {
	if v%Unit == 0 {
		return fmt.Sprintf("%d", v/Unit)
	}
	return v.String()
}

// maxPapers bounds the number of papers so that a paper's value times a
// surplus (both in units) stays well inside an int64.
const maxPapers = 100_000_000

// Method is a counting rule.
type Method string

// The counting rules.
const (
	// ScottishSTV is the single transferable vote under the Scottish
	// rules; the zero Method means it too.
	ScottishSTV Method = "scottish-stv"
	// BlockVote gives each ballot up to Seats choices, all of equal
	// weight; the most votes win.
	BlockVote Method = "block"
)

// Election is what is counted.
type Election struct {
	// Title names the election on the count sheet.
	Title string
	// Candidates are the candidates' names; a candidate is referred to
	// everywhere else by their index in this slice, from 0.
	Candidates []string
	// Seats is the number of vacancies to fill.
	Seats int
	// Withdrawn candidates are excluded before the first stage: a
	// preference for one is passed over.
	Withdrawn []int
	// Ballots are the papers, identical papers grouped under a weight.
	Ballots []Ballot
}

// Ballot is Weight identical ballot papers.
type Ballot struct {
	// Weight is the number of papers, at least 1.
	Weight int
	// Prefs are candidate indexes, first preference first. For the block
	// vote they are the chosen candidates in any order, at most Seats.
	Prefs []int
}

// Options choose the counting rule and fix its lots.
type Options struct {
	// Method is the counting rule; empty means ScottishSTV.
	Method Method
	// Seed fixes every decision by lot, so that anyone can repeat the
	// count and get the same result. It is printed on the count sheet.
	Seed uint64
}

// ErrNoPapers is returned when no ballot paper names a standing candidate.
var ErrNoPapers = errors.New("stv: no valid ballot papers to count")

// InputError says what is wrong with an Election; nothing is counted.
type InputError struct {
	// Ballot is the index of the ballot group at fault, or -1.
	Ballot int
	// Message says what is wrong, for a person.
	Message string
}

func (e *InputError) Error() string {
	if e.Ballot >= 0 {
		return fmt.Sprintf("stv: ballot %d: %s", e.Ballot+1, e.Message)
	}
	return "stv: " + e.Message
}

// validate refuses what cannot be counted rather than guessing: a
// duplicate preference or an unknown candidate is never silently dropped.
func (e *Election) validate(m Method) error {
	bad := func(i int, format string, a ...any) error {
		return &InputError{Ballot: i, Message: fmt.Sprintf(format, a...)}
	}
	n := len(e.Candidates)
	if n == 0 {
		return bad(-1, "there are no candidates")
	}
	if e.Seats < 1 {
		return bad(-1, "seats must be at least 1, not %d", e.Seats)
	}
	for i, name := range e.Candidates {
		if strings.TrimSpace(name) == "" {
			return bad(-1, "candidate %d has no name", i+1)
		}
	}
	seen := make([]bool, n)
	for _, c := range e.Withdrawn {
		if c < 0 || c >= n {
			return bad(-1, "withdrawn candidate %d is not a candidate (there are %d)", c+1, n)
		}
		if seen[c] {
			return bad(-1, "candidate %d is withdrawn twice", c+1)
		}
		seen[c] = true
	}
	var total int64
	mark := make([]int, n)
	for i, b := range e.Ballots {
		if b.Weight < 1 {
			return bad(i, "weight must be at least 1, not %d", b.Weight)
		}
		total += int64(b.Weight)
		if total > maxPapers {
			return bad(i, "more than %d papers", maxPapers)
		}
		if m == BlockVote && len(b.Prefs) > e.Seats {
			return bad(i, "%d choices for %d seats", len(b.Prefs), e.Seats)
		}
		for _, c := range b.Prefs {
			if c < 0 || c >= n {
				return bad(i, "candidate %d is not a candidate (there are %d)", c+1, n)
			}
			if mark[c] == i+1 {
				return bad(i, "candidate %d is chosen twice", c+1)
			}
			mark[c] = i + 1
		}
	}
	return nil
}

// Count counts the election by the chosen rule.
func Count(e Election, opts Options) (Result, error) {
	m := opts.Method
	if m == "" {
		m = ScottishSTV
	}
	if m != ScottishSTV && m != BlockVote {
		return Result{}, &InputError{Ballot: -1, Message: fmt.Sprintf("unknown method %q; want %s or %s", m, ScottishSTV, BlockVote)}
	}
	if err := e.validate(m); err != nil {
		return Result{}, err
	}
	if m == BlockVote {
		return countBlock(&e, opts.Seed)
	}
	return countScottish(&e, opts.Seed)
}
