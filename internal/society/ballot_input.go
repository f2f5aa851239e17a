package society

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/valid"
)

// maxText bounds titles, names and statements typed for a ballot.
const maxText = 5000

// checkDraft refuses a ballot that could not be run: every refusal is
// joined, each naming its field, so a form shows all of them at once.
func checkDraft(b Ballot) error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, valid.New(field, msg)) }
	if strings.TrimSpace(b.Title) == "" || len(b.Title) > maxText {
		bad(FieldTitle, "Give the ballot a title (up to 5,000 characters).")
	}
	if strings.TrimSpace(b.Meeting) == "" || len(b.Meeting) > maxText {
		bad(FieldMeeting, "Name the general meeting the ballot is for.")
	}
	if b.OpensAt.IsZero() {
		bad(FieldOpens, "Give the time voting opens.")
	}
	if b.ClosesAt.IsZero() || !b.ClosesAt.After(b.OpensAt) {
		bad(FieldCloses, "Voting must close after it opens.")
	}
	rd, err := time.Parse(time.DateOnly, b.RecordDate)
	switch {
	case err != nil:
		bad(FieldRecord, "Give the record date as YYYY-MM-DD: members on the register at its close may vote.")
	case !b.OpensAt.IsZero() && rd.After(b.OpensAt):
		bad(FieldRecord, "The record date must be on or before the day voting opens.")
	}
	for i, m := range b.Motions {
		f := FieldMotions
		n := "Motion " + strconv.Itoa(i+1)
		if strings.TrimSpace(m.Title) == "" || len(m.Title) > maxText || len(m.Body) > 20*maxText {
			bad(f, n+" needs a title.")
		}
		switch m.Kind {
		case Ordinary:
			if m.NeedNum != 1 || m.NeedDen != 2 {
				bad(f, n+" is an ordinary resolution: it passes by a simple majority (1/2).")
			}
		case Special:
			if m.NeedNum < 1 || m.NeedDen < 2 || m.NeedNum >= m.NeedDen || m.NeedDen > 1000 {
				bad(f, n+" is a special resolution: give the majority it needs as a fraction such as 3/4.")
			}
		default:
			bad(f, n+" must be an ordinary or a special resolution.")
		}
	}
	for i, e := range b.Elections {
		f := FieldElection
		n := "Election " + strconv.Itoa(i+1)
		if strings.TrimSpace(e.Title) == "" || len(e.Title) > maxText {
			bad(f, n+" needs a title.")
		}
		if e.Method != Block && e.Method != STV {
			bad(f, n+" must be counted by block vote or STV.")
		}
		if e.Seats < 1 {
			bad(f, n+" must fill at least one seat.")
		}
		if len(e.Candidates) < 1 {
			bad(f, n+" needs candidates.")
		}
		seen := map[string]bool{}
		for _, c := range e.Candidates {
			k := strings.ToLower(strings.TrimSpace(c.Name))
			if k == "" || len(c.Name) > 500 || len(c.Statement) > maxText {
				bad(f, n+": every candidate needs a name (up to 500 characters) and a statement of up to 5,000.")
			} else if seen[k] {
				bad(f, n+": "+c.Name+" stands twice.")
			}
			seen[k] = true
		}
	}
	return errors.Join(errs...)
}

// BallotInput is a ballot's details as typed in a form.
type BallotInput struct {
	Title, Meeting string
	// Opens and Closes are local times in the society's zone,
	// YYYY-MM-DDTHH:MM (a datetime-local field) or with a space.
	Opens, Closes string
	RecordDate    string
	AllowChange   bool
}

// ParseBallot reads typed details into a draft with no motions or
// elections yet; each field at fault gives its own refusal.
func ParseBallot(in BallotInput, loc *time.Location) (Ballot, error) {
	b := Ballot{Title: strings.TrimSpace(in.Title), Meeting: strings.TrimSpace(in.Meeting),
		RecordDate: strings.TrimSpace(in.RecordDate), AllowChange: in.AllowChange}
	var errs []error
	at := func(field, v, what string) time.Time {
		v = strings.Replace(strings.TrimSpace(v), " ", "T", 1)
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil {
			errs = append(errs, valid.New(field, "Give the day and time "+what+", such as 2026-12-01 09:00."))
		}
		return t.UTC()
	}
	b.OpensAt = at(FieldOpens, in.Opens, "voting opens")
	b.ClosesAt = at(FieldCloses, in.Closes, "voting closes")
	// A form keeps the first message for each field, so a time that
	// could not be read is not also called missing.
	return b, errors.Join(append(errs, checkDraft(b))...)
}

// ParseCandidates reads an election's candidates typed one a line, each
// "Name" or "Name: statement".
func ParseCandidates(text string) []Candidate {
	var out []Candidate
	for line := range strings.Lines(text) {
		name, statement, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, Candidate{Name: name, Statement: strings.TrimSpace(statement)})
		}
	}
	return out
}

// ParseFraction reads a special resolution's majority typed as "3/4",
// in whole numbers: a float would make 2/3 of 300 votes a rounding
// question.
func ParseFraction(s string) (num, den int64, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	num, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	den, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if !ok || err1 != nil || err2 != nil || num < 1 || den <= num || den > 1000 {
		return 0, 0, valid.New(FieldMotions, fmt.Sprintf("%q is not a majority: write a fraction such as 3/4 or 2/3.", s))
	}
	return num, den, nil
}

// ParseMotionKind is ordinary or special, with the majority it needs:
// ordinary resolutions pass by a simple majority; special ones by the
// fraction given.
func ParseMotionKind(kind, fraction string) (MotionKind, int64, int64, error) {
	switch MotionKind(kind) {
	case Ordinary, "":
		return Ordinary, 1, 2, nil
	case Special:
		n, d, err := ParseFraction(fraction)
		return Special, n, d, err
	}
	return "", 0, 0, valid.New(FieldMotions, fmt.Sprintf("%q is not a kind of resolution: choose ordinary or special.", kind))
}
