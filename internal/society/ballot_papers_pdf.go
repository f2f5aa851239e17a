package society

import (
	"fmt"
	"io"
	"strings"
)

// WritePapers writes one postal ballot paper per code to w as a PDF: the
// member's name and postal address where a window envelope shows them,
// their membership number and voting code, every motion and election
// with boxes to mark, how to return the paper and when the ballot
// closes. Each paper starts a page (a long ballot runs on to a second).
func WritePapers(w io.Writer, b Ballot, codes []VotingCode, o PDFOptions) error {
	if len(codes) == 0 {
		return fmt.Errorf("society: ballot %d: no papers to print: every elector has voted or has an email address", b.ID)
	}
	p, tr := newBallotPDF(o, "Ballot papers: "+b.Title, b.OpensAt)
	width := 170.0
	text := func(style string, size, h float64, s string) {
		p.SetFont("Helvetica", style, size)
		p.MultiCell(width, h, tr(s), "", "L", false)
	}
	box := func(label string) {
		p.SetFont("Helvetica", "", 11)
		p.CellFormat(7, 7, "", "1", 0, "C", false, 0, "")
		p.CellFormat(30, 7, tr(" "+label), "", 0, "L", false, 0, "")
	}
	for i, c := range codes {
		p.AddPage()
		p.SetFont("Helvetica", "B", 13)
		p.CellFormat(width, 7, tr(o.Society), "", 1, "L", false, 0, "")
		p.SetFont("Helvetica", "", 10)
		p.CellFormat(width, 5, tr("Ballot paper: "+b.Title), "", 1, "L", false, 0, "")
		// A DL or C5 window envelope shows 90 x 35 mm from 20 mm from
		// the left and about 50 mm from the top.
		p.SetXY(22, 48)
		p.SetFont("Helvetica", "", 11)
		addr := []string{c.Name}
		for l := range strings.SplitSeq(c.Address, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				addr = append(addr, l)
			}
		}
		if len(addr) == 1 { // an address on one line, parts by commas
			for l := range strings.SplitSeq(c.Address, ",") {
				if l = strings.TrimSpace(l); l != "" {
					addr = append(addr, l)
				}
			}
		}
		for _, l := range addr {
			p.SetX(22)
			p.CellFormat(86, 5, tr(l), "", 1, "L", false, 0, "")
		}
		p.SetXY(120, 48)
		p.SetFont("Helvetica", "", 10)
		p.CellFormat(70, 5, tr(fmt.Sprintf("Membership number %d", c.Member)), "", 1, "L", false, 0, "")
		p.SetX(120)
		p.CellFormat(70, 5, "Voting code", "", 1, "L", false, 0, "")
		p.SetX(120)
		p.SetFont("Courier", "B", 12)
		p.CellFormat(70, 7, c.Code, "1", 1, "C", false, 0, "")
		p.SetXY(20, 92)
		text("B", 12, 6, b.Meeting)
		text("", 10, 5, "This ballot closes at "+pdfWhen(b.ClosesAt, o.Location)+
			". Each member has one vote: vote by this paper, online or at a meeting, not more than once; a second vote is refused.")
		p.Ln(3)
		for n, m := range b.Motions {
			rule := "an ordinary resolution, passed by a simple majority"
			if m.Kind == Special {
				rule = fmt.Sprintf("a special resolution, needing %d/%d of the votes cast", m.NeedNum, m.NeedDen)
			}
			text("B", 11, 5.5, fmt.Sprintf("Motion %d: %s", n+1, m.Title))
			if m.Body != "" {
				text("", 10, 5, m.Body)
			}
			text("I", 9, 4.5, "This is "+rule+". Mark one box with an X.")
			box("For")
			box("Against")
			box("Abstain")
			p.Ln(10)
		}
		for _, e := range b.Elections {
			how := fmt.Sprintf("Mark an X beside up to %d candidates.", e.Seats)
			if e.Method == STV {
				how = "Number the candidates in the order you prefer them: 1 beside your first choice, 2 beside your second, and so on, as many as you wish."
			}
			text("B", 11, 5.5, fmt.Sprintf("%s: %d to be elected", e.Title, e.Seats))
			text("I", 9, 4.5, how)
			for _, k := range e.Candidates {
				p.SetFont("Helvetica", "", 11)
				p.CellFormat(10, 7, "", "1", 0, "C", false, 0, "")
				p.CellFormat(width-10, 7, tr("  "+k.Name), "", 1, "L", false, 0, "")
				p.Ln(1)
			}
			p.Ln(3)
		}
		p.Ln(2)
		ret := "Return this paper in the envelope provided, to the Secretary of " + o.Society +
			", so that it arrives before " + pdfWhen(b.ClosesAt, o.Location) + ". The tellers enter it using the voting code above, which is not kept with your marks."
		if o.VoteURL != "" {
			ret += " You may instead vote online at " + o.VoteURL + " with the same code."
		}
		text("", 9.5, 4.8, ret)
		if o.Progress != nil {
			o.Progress(i+1, len(codes))
		}
	}
	if err := p.Output(w); err != nil {
		return fmt.Errorf("society: ballot papers: %w", err)
	}
	return nil
}
