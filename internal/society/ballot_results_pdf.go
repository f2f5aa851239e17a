package society

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteResultsPDF writes a closed ballot's results as a scrutineer's
// report: the electorate and turnout by channel, each meeting's counts,
// each motion's votes and outcome, and each election's result with, for
// STV, the full count sheet from internal/stv, every stage, in a fixed
// width face so its columns line up as on the text sheet.
func WriteResultsPDF(w io.Writer, r Results, meetings []BallotMeeting, o PDFOptions) error {
	b := r.Ballot
	p, tr := newBallotPDF(o, "Results: "+b.Title, b.ClosesAt)
	p.AddPage()
	width := 170.0
	text := func(style string, size, h float64, s string) {
		p.SetFont("Helvetica", style, size)
		p.MultiCell(width, h, tr(s), "", "L", false)
	}
	row := func(cells ...string) {
		p.SetFont("Helvetica", "", 10)
		for i, c := range cells {
			wd, align := 28.0, "R"
			if i == 0 {
				wd, align = width-28*float64(len(cells)-1), "L"
			}
			p.CellFormat(wd, 6, tr(c), "B", 0, align, false, 0, "")
		}
		p.Ln(-1)
	}
	n := func(v int64) string { return fmt.Sprintf("%d", v) }
	text("B", 15, 8, o.Society)
	text("B", 13, 7, "Scrutineer's report: "+b.Title)
	text("", 10, 5, b.Meeting)
	text("", 10, 5, "Voting from "+pdfWhen(b.OpensAt, o.Location)+" to "+pdfWhen(b.ClosesAt, o.Location)+
		"; electorate fixed from the register of members on "+b.RecordDate+".")
	p.Ln(3)
	text("B", 12, 7, "Turnout")
	var voted int64
	for _, v := range r.Turnout {
		voted += v
	}
	row("", "members")
	row("Electorate", n(b.Electors))
	for _, ch := range []Channel{Online, Postal, Meeting} {
		row("Voted "+string(ch), n(r.Turnout[ch]))
	}
	row("Voted in all", n(voted))
	if b.Electors > 0 {
		text("", 9, 5, fmt.Sprintf("Turnout %d.%d%% of the electorate. Papers counted: %d (members voting at a meeting "+
			"vote on motions there by count, and cast papers only for elections).", voted*100/b.Electors, voted*1000/b.Electors%10, r.Papers))
	}
	if len(meetings) > 0 {
		p.Ln(3)
		text("B", 12, 7, "Meetings")
		row("Meeting", "checked in", "papers")
		for _, m := range meetings {
			row(m.Place+", "+m.HeldOn, n(m.CheckedIn), n(m.Papers))
		}
	}
	if len(r.Motions) > 0 {
		p.Ln(3)
		text("B", 12, 7, "Motions (every channel)")
		row("Motion", "for", "against", "abstain", "outcome")
		for _, m := range r.Motions {
			out := "lost"
			if m.Passed {
				out = "passed"
			}
			rule := ""
			if m.Kind == Special {
				rule = fmt.Sprintf(" (special, %d/%d)", m.NeedNum, m.NeedDen)
			}
			row(m.Title+rule, n(m.For), n(m.Against), n(m.Abstain), out)
		}
	}
	for _, e := range r.Elections {
		p.Ln(3)
		text("B", 12, 7, fmt.Sprintf("%s: %d seats, %s", e.Title, e.Seats, map[Method]string{Block: "block vote", STV: "single transferable vote"}[e.Method]))
		label := "votes"
		if e.Method == STV {
			label = "first prefs"
		}
		row("Candidate", label)
		for _, c := range e.Candidates {
			row(c.Name, n(e.Votes[c.ID]))
		}
		var names []string
		for _, c := range e.Elected {
			names = append(names, c.Name)
		}
		text("", 10, 5, fmt.Sprintf("Papers marking this election: %d. Elected, in order: %s.", e.Papers, orNone(names)))
		if len(e.Tied) > 0 {
			var tied []string
			for _, c := range e.Tied {
				tied = append(tied, c.Name)
			}
			text("", 10, 5, "Level for the last seats, to be decided under the rules: "+strings.Join(tied, ", ")+".")
		}
		if e.Count != nil {
			var sheet bytes.Buffer
			if err := e.Count.WriteText(&sheet); err != nil {
				return err
			}
			p.SetFont("Courier", "", 7.5)
			p.MultiCell(width, 3.4, tr(sheet.String()), "", "L", false)
		}
	}
	p.Ln(6)
	text("", 10, 5, "Signed ______________________________  scrutineer        Date ______________")
	if err := p.Output(w); err != nil {
		return fmt.Errorf("society: results PDF: %w", err)
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
