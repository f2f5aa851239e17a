package stv

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// methodName is how the count sheet names a method.
func methodName(m Method) string {
	if m == BlockVote {
		return "block vote (each paper chooses up to one candidate per seat; the most votes win)"
	}
	return "single transferable vote, Scottish STV rules (SSI 2007/42, Schedule 1, rules 45 to 52)"
}

// show writes a value as the sheet shows it: whole votes for the block
// vote, five decimal places for STV.
func (r *Result) show(x Value) string {
	if r.Method == BlockVote {
		return x.Whole()
	}
	return x.String()
}

// describe says what a stage did, in words.
func (r *Result) describe(st *Stage) string {
	switch st.Action {
	case Surplus:
		return fmt.Sprintf("surplus of %s (%s) transferred", r.Candidates[st.Candidate], st.Surplus)
	case Exclusion:
		return fmt.Sprintf("%s excluded", r.Candidates[st.Candidate])
	}
	if r.Method == BlockVote {
		return "votes counted"
	}
	return "first preferences"
}

// change is each candidate's change over stage i (its votes at the first).
func (r *Result) change(i int) []Value {
	out := make([]Value, len(r.Candidates))
	for c, x := range r.Stages[i].Votes {
		out[c] = x
		if i > 0 {
			out[c] -= r.Stages[i-1].Votes[c]
		}
	}
	return out
}

// signed writes a change with its sign.
func (r *Result) signed(x Value) string {
	if x >= 0 {
		return "+" + r.show(x)
	}
	return r.show(x)
}

// WriteText writes the count sheet for a person: the election, the quota
// and its sum, every stage with each candidate's change and votes, and the
// elected in order.
func (r *Result) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	fmt.Fprintf(w, "Election: %s\nMethod: %s\nSeats: %d\nCandidates: %d\n", r.Title, methodName(r.Method), r.Seats, len(r.Candidates))
	if len(r.Withdrawn) > 0 {
		fmt.Fprintf(w, "Withdrawn: %s\n", r.names(r.Withdrawn))
	}
	fmt.Fprintf(w, "Valid papers: %d\n", r.Papers)
	if r.Empty > 0 {
		fmt.Fprintf(w, "Papers naming no standing candidate (not counted): %d\n", r.Empty)
	}
	if r.Method != BlockVote {
		fmt.Fprintf(w, "Quota: %d ÷ (%d + 1) = %d, fraction ignored, + 1 = %s\n", r.Papers, r.Seats, r.Papers/int64(r.Seats+1), r.Quota.Whole())
	}
	fmt.Fprintf(w, "Seed for lots: %d\n", r.Seed)
	// Names are padded here so that they stay left-aligned while the
	// tabwriter aligns the numbers on the right.
	width := len("lost to fractions")
	for _, name := range r.Candidates {
		width = max(width, len([]rune(name)))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", width-len([]rune(s))) }
	for i := range r.Stages {
		st := &r.Stages[i]
		fmt.Fprintf(tw, "\nStage %d: %s\n", st.Number, r.describe(st))
		status := r.Statuses(st.Number)
		if r.Method == BlockVote {
			p("%s\tvotes\t\t\n", pad("candidate"))
			for c, name := range r.Candidates {
				p("%s\t%s\t\t%s\n", pad(name), r.show(st.Votes[c]), status[c])
			}
		} else {
			p("%s\tchange\tvotes\t\t\n", pad("candidate"))
			ch := r.change(i)
			for c, name := range r.Candidates {
				p("%s\t%s\t%s\t\t%s\n", pad(name), r.signed(ch[c]), r.show(st.Votes[c]), status[c])
			}
		}
		if r.Method != BlockVote {
			var prevNT, prevLoss Value
			if i > 0 {
				prevNT, prevLoss = r.Stages[i-1].NonTransferable, r.Stages[i-1].Loss
			}
			p("%s\t%s\t%s\t\t\n", pad("non-transferable"), r.signed(st.NonTransferable-prevNT), st.NonTransferable)
			p("%s\t%s\t%s\t\t\n", pad("lost to fractions"), r.signed(st.Loss-prevLoss), st.Loss)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range st.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	_, err := fmt.Fprintf(w, "\nElected, in order of election: %s\n", r.names(r.Elected))
	return err
}

// names joins candidates' names.
func (r *Result) names(cands []int) string {
	if len(cands) == 0 {
		return "none"
	}
	s := make([]string, len(cands))
	for i, c := range cands {
		s[i] = r.Candidates[c]
	}
	return strings.Join(s, ", ")
}

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"stage", "action", "subject", "row", "change", "votes", "status"}

// WriteCSV writes the count sheet as one row per candidate per stage (row
// is the candidate's name, status "elected", "excluded", "withdrawn" or
// empty), then at each STV stage a "non-transferable" and a "lost to
// fractions" row, and a "note" row per note (its text in status). Values
// have five decimal places; subject is the candidate whose surplus or
// papers the stage transferred.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i := range r.Stages {
		st := &r.Stages[i]
		n, subject := strconv.Itoa(st.Number), ""
		if st.Candidate >= 0 {
			subject = r.Candidates[st.Candidate]
		}
		status, ch := r.Statuses(st.Number), r.change(i)
		for c, name := range r.Candidates {
			_ = cw.Write([]string{n, string(st.Action), subject, name, ch[c].String(), st.Votes[c].String(), status[c]})
		}
		if r.Method != BlockVote {
			var prevNT, prevLoss Value
			if i > 0 {
				prevNT, prevLoss = r.Stages[i-1].NonTransferable, r.Stages[i-1].Loss
			}
			_ = cw.Write([]string{n, string(st.Action), subject, "non-transferable", (st.NonTransferable - prevNT).String(), st.NonTransferable.String(), ""})
			_ = cw.Write([]string{n, string(st.Action), subject, "lost to fractions", (st.Loss - prevLoss).String(), st.Loss.String(), ""})
		}
		for _, note := range st.Notes {
			_ = cw.Write([]string{n, string(st.Action), subject, "note", "", "", note})
		}
	}
	cw.Flush()
	return cw.Error()
}

// SheetJSON is the stable JSON shape of a count (docs/ballots.md). Values
// are strings with five decimal places, so that no reader turns them into
// floats; per-candidate lists follow the order of Candidates.
type SheetJSON struct {
	Title      string      `json:"title"`
	Method     Method      `json:"method"`
	Seats      int         `json:"seats"`
	Seed       string      `json:"seed"`
	Candidates []string    `json:"candidates"`
	Withdrawn  []string    `json:"withdrawn"`
	Papers     int64       `json:"papers"`
	Empty      int64       `json:"empty"`
	Quota      string      `json:"quota"`
	Stages     []StageJSON `json:"stages"`
	Elected    []string    `json:"elected"`
}

// StageJSON is one stage in SheetJSON.
type StageJSON struct {
	Number          int      `json:"number"`
	Action          Action   `json:"action"`
	Candidate       string   `json:"candidate"`
	Surplus         string   `json:"surplus"`
	Votes           []string `json:"votes"`
	Status          []string `json:"status"`
	NonTransferable string   `json:"non_transferable"`
	Loss            string   `json:"loss"`
	Elected         []string `json:"elected"`
	Excluded        []string `json:"excluded"`
	Notes           []string `json:"notes"`
}

// Sheet gives the count in its JSON shape.
func (r *Result) Sheet() SheetJSON {
	list := func(cands []int) []string {
		out := make([]string, 0, len(cands))
		for _, c := range cands {
			out = append(out, r.Candidates[c])
		}
		return out
	}
	s := SheetJSON{Title: r.Title, Method: r.Method, Seats: r.Seats, Seed: strconv.FormatUint(r.Seed, 10),
		Candidates: r.Candidates, Withdrawn: list(r.Withdrawn), Papers: r.Papers, Empty: r.Empty,
		Quota: r.Quota.String(), Elected: list(r.Elected), Stages: []StageJSON{}}
	for i := range r.Stages {
		st := &r.Stages[i]
		j := StageJSON{Number: st.Number, Action: st.Action, Surplus: st.Surplus.String(),
			Status: r.Statuses(st.Number), NonTransferable: st.NonTransferable.String(), Loss: st.Loss.String(),
			Elected: list(st.Elected), Excluded: list(st.Excluded), Notes: append([]string{}, st.Notes...)}
		if st.Candidate >= 0 {
			j.Candidate = r.Candidates[st.Candidate]
		}
		for _, x := range st.Votes {
			j.Votes = append(j.Votes, x.String())
		}
		s.Stages = append(s.Stages, j)
	}
	return s
}

// WriteJSON writes the count in its JSON shape, indented.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Sheet())
}
