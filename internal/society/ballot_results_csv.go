package society

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/coopress/coopress/internal/csvcell"
)

// ResultRows are the results as lines: kind, what, option, votes,
// outcome; the command line prints them and WriteResultsCSV writes them.
func ResultRows(r Results) [][]string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	var rows [][]string
	for _, m := range r.Motions {
		rule := "simple majority"
		if m.Kind == Special {
			rule = fmt.Sprintf("special, %d/%d", m.NeedNum, m.NeedDen)
		}
		outcome := "not passed"
		if m.Passed {
			outcome = "passed"
		}
		what := m.Title + " (" + rule + ")"
		rows = append(rows, []string{"motion", what, "for", n(m.For), outcome},
			[]string{"motion", what, "against", n(m.Against), ""}, []string{"motion", what, "abstain", n(m.Abstain), ""})
	}
	for _, e := range r.Elections {
		what := fmt.Sprintf("%s (%s, %s, %s)", e.Title, e.Method, plural(int64(e.Seats), "seat"), plural(e.Papers, "paper"))
		status := map[int64]string{}
		for _, c := range e.Elected {
			status[c.ID] = "elected"
		}
		for _, c := range e.Tied {
			status[c.ID] = "tied for the last seat: the rules decide"
		}
		label := "votes"
		if e.Method == STV {
			label = "first preferences"
		}
		for i, c := range e.Elected {
			if e.Method == STV {
				status[c.ID] = "elected " + ordinal(i+1)
			}
		}
		for _, c := range e.Candidates {
			out := status[c.ID]
			rows = append(rows, []string{"election", what, c.Name + " (" + label + ")", n(e.Votes[c.ID]), out})
		}
	}
	return rows
}

// WriteResultsCSV writes a closed ballot's results as CSV, one line per
// motion option and candidate, for `coopress ballot tally --format csv`
// and the results page's download. Titles and names were typed by people,
// so they are made safe for spreadsheets.
func WriteResultsCSV(out io.Writer, r Results) error {
	cw := csv.NewWriter(out)
	_ = cw.Write([]string{"kind", "item", "option", "votes", "outcome"})
	for _, row := range ResultRows(r) {
		row[1], row[2] = csvcell.Safe(row[1]), csvcell.Safe(row[2])
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// ordinal writes 1st, 2nd, 3rd, 4th….
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
