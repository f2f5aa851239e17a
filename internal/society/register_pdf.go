package society

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/money"
	"github.com/go-pdf/fpdf"
)

// RegisterPDF says how to write the register as PDF.
type RegisterPDF struct {
	// Society is the society's registered name, for every page's head.
	Society string
	// Progress, when set, is told how many rows of the total are drawn,
	// every progressEvery rows and at the end, for a long run's report.
	Progress func(done, total int)
}

// progressEvery is how often Progress hears: often enough for a person
// watching 100,000 rows, rarely enough to cost nothing.
const progressEvery = 1000

// pdfColumn is one column of a printed register.
type pdfColumn struct {
	head  string
	width float64 // mm
	right bool    // figures align right
}

// registerColumn is one column of the printed register of members.
type registerColumn struct {
	pdfColumn
	text func(s *Service, r Row) string
}

// registerColumns are the register's columns as s.30 lists them, on A4
// landscape between 10 mm margins (277 mm in all).
var registerColumns = []registerColumn{
	{pdfColumn{"No.", 13, true}, func(_ *Service, r Row) string { return strconv.FormatInt(r.Number, 10) }},
	{pdfColumn{"Name", 42, false}, func(_ *Service, r Row) string { return r.Name }},
	{pdfColumn{"Class", 17, false}, func(_ *Service, r Row) string { return string(r.Class) }},
	{pdfColumn{"Postal address", 60, false}, func(_ *Service, r Row) string { return r.Address }},
	{pdfColumn{"Electronic address and its use", 47, false}, func(_ *Service, r Row) string { return emailCell(r) }},
	{pdfColumn{"Shares", 15, true}, func(_ *Service, r Row) string { return strconv.FormatInt(r.Shares, 10) }},
	{pdfColumn{"Amount paid", 22, true}, func(s *Service, r Row) string { return money.New(r.Paid, s.rules.Currency).FormatFull() }},
	{pdfColumn{"Other property", 21, false}, func(_ *Service, r Row) string { return r.OtherProperty }},
	{pdfColumn{"Admitted", 20, false}, func(_ *Service, r Row) string { return r.AdmittedOn }},
	{pdfColumn{"Ceased", 20, false}, func(_ *Service, r Row) string { return r.CeasedOn }},
}

// registerHeads are the register of members' columns without their text.
func registerHeads() []pdfColumn {
	out := make([]pdfColumn, len(registerColumns))
	for i, c := range registerColumns {
		out[i] = c.pdfColumn
	}
	return out
}

// emailCell is the electronic address with the use the member allows,
// on its own line.
func emailCell(r Row) string {
	if r.Email == "" {
		return ""
	}
	use := map[EmailUse]string{EmailNone: "not to be used", EmailNotices: "notices only",
		EmailNoticesAndNews: "notices and news"}[r.EmailUse]
	if use == "" {
		use = string(r.EmailUse)
	}
	return r.Email + "\n(" + use + ")"
}

// Layout of a page, in mm and points.
const (
	pdfMargin   = 10.0
	pdfFontSize = 7.5
	pdfLine     = 3.4 // one line of a cell
	pdfPad      = 1.0 // inside a cell
	pdfBottom   = 14.0
)

// WriteRegisterPDF writes the register as of asOf to w as PDF: A4
// landscape, every column of the register, former members included, and
// on every page the society, the as-of date and "page N of M". The whole
// document is built in memory before a byte is written (fpdf's way; about
// 100 MB for 100,000 members), so a cancelled ctx leaves w untouched.
func (s *Service) WriteRegisterPDF(ctx context.Context, w io.Writer, asOf string, o RegisterPDF) error {
	if strings.TrimSpace(o.Society) == "" {
		return fmt.Errorf("society: register PDF without the society's name")
	}
	total, err := s.registerSize(ctx, asOf)
	if err != nil {
		return err
	}
	t := newRegisterTable(s, "Register of members of "+o.Society+" as of "+longDate(asOf), o.Society,
		"As of "+longDate(asOf)+"; produced "+longDate(s.now().Format("2006-01-02"))+
			". Former members are listed with the day they ceased.", registerHeads())
	var members, done int
	var capital int64
	cells := make([]string, len(registerColumns))
	err = s.EachRow(ctx, asOf, func(r Row) error {
		for i, c := range registerColumns {
			cells[i] = c.text(s, r)
		}
		t.row(cells)
		if r.CeasedOn == "" {
			members++
			capital += r.Paid
		}
		done++
		if done%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if o.Progress != nil {
				o.Progress(done, total)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("society: register PDF: %w", err)
	}
	if o.Progress != nil && done%progressEvery != 0 {
		o.Progress(done, max(total, done))
	}
	t.summary(fmt.Sprintf("%d members and %d former members as of %s; share capital %s.",
		members, done-members, longDate(asOf), money.New(capital, s.rules.Currency).FormatFull()))
	if err := t.p.Output(w); err != nil {
		return fmt.Errorf("society: register PDF: %w", err)
	}
	return nil
}

// registerSize counts the register's lines as of asOf, for progress.
func (s *Service) registerSize(ctx context.Context, asOf string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE admitted_on <= $1`, asOf).Scan(&n); err != nil {
		return 0, fmt.Errorf("society: register size: %w", err)
	}
	return n, nil
}

// registerTable draws rows onto pages, starting a page, with its head,
// whenever the next row would not fit.
type registerTable struct {
	s      *Service
	p      *fpdf.Fpdf
	cols   []pdfColumn
	bottom float64 // the lowest a row may reach
	cells  [][]string
}

// newRegisterTable starts a register's first page: title on every page's
// head, footnote and "page N of M" at every page's foot, the columns'
// heads under the title.
func newRegisterTable(s *Service, title, society, footnote string, cols []pdfColumn) *registerTable {
	p := fpdf.New("L", "mm", "A4", "")
	now := s.now()
	p.SetCreationDate(now)
	p.SetModificationDate(now)
	p.SetTitle(title, true)
	p.SetAuthor(society, true)
	p.SetCreator("coopress", false)
	p.SetLang("en-GB")
	p.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	p.SetAutoPageBreak(false, 0)
	p.AliasNbPages("{nb}")
	_, ph := p.GetPageSize()
	t := &registerTable{s: s, p: p, cols: cols, bottom: ph - pdfBottom, cells: make([][]string, len(cols))}
	p.SetHeaderFunc(func() { t.head(pdfText(title)) })
	p.SetFooterFunc(func() {
		p.SetFont("Helvetica", "", 7)
		p.SetXY(pdfMargin, ph-pdfBottom+4)
		p.CellFormat(138, 4, pdfText(footnote), "", 0, "L", false, 0, "")
		p.CellFormat(139, 4, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "", 0, "R", false, 0, "")
	})
	p.AddPage()
	return t
}

// head draws a page's title and the columns' heads.
func (t *registerTable) head(title string) {
	p := t.p
	p.SetFont("Helvetica", "B", 10)
	p.SetXY(pdfMargin, pdfMargin)
	p.CellFormat(277, 5, title, "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "B", pdfFontSize)
	y := pdfMargin + 7
	h := 2 * pdfLine
	p.SetFillColor(225, 225, 225)
	p.Rect(pdfMargin, y, 277, h+2*pdfPad, "F")
	x := pdfMargin
	for _, c := range t.cols {
		t.lines(c.width, c.head, func(i int, s string) {
			t.text(x, y+pdfPad+float64(i+1)*pdfLine-0.8, c.width, c.right, s)
		})
		x += c.width
	}
	p.SetY(y + h + 2*pdfPad)
	p.SetFont("Helvetica", "", pdfFontSize)
	p.SetDrawColor(190, 190, 190)
	p.SetLineWidth(0.1)
}

// row draws one line of the register, cells in the columns' order, on
// a new page if it does not fit.
func (t *registerTable) row(cells []string) {
	p := t.p
	n := 1
	for i, c := range t.cols {
		t.cells[i] = t.cells[i][:0]
		t.lines(c.width, cells[i], func(_ int, s string) { t.cells[i] = append(t.cells[i], s) })
		n = max(n, len(t.cells[i]))
	}
	h := float64(n)*pdfLine + 2*pdfPad
	if p.GetY()+h > t.bottom {
		p.AddPage()
	}
	y := p.GetY()
	x := pdfMargin
	for i, c := range t.cols {
		for j, s := range t.cells[i] {
			t.text(x, y+pdfPad+float64(j+1)*pdfLine-0.8, c.width, c.right, s)
		}
		x += c.width
	}
	p.Line(pdfMargin, y+h, pdfMargin+277, y+h)
	p.SetY(y + h)
}

// summary closes the register with its totals.
func (t *registerTable) summary(s string) {
	p := t.p
	if p.GetY()+10 > t.bottom {
		p.AddPage()
	}
	p.SetFont("Helvetica", "B", 9)
	p.SetXY(pdfMargin, p.GetY()+4)
	p.CellFormat(277, 5, pdfText(s), "", 1, "L", false, 0, "")
}

// text writes one line of a cell, left or right aligned within it.
func (t *registerTable) text(x, baseline, width float64, right bool, s string) {
	if s == "" {
		return
	}
	if right {
		x += width - pdfPad - t.p.GetStringWidth(s)
	} else {
		x += pdfPad
	}
	t.p.Text(x, baseline, s)
}

// lines splits text into the lines that fit a column: at its own line
// breaks, then between words, and inside a word too long for a line.
func (t *registerTable) lines(width float64, text string, each func(i int, line string)) {
	room := width - 2*pdfPad
	i := 0
	emit := func(s string) { each(i, s); i++ }
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(pdfText(para)) {
			if line != "" && t.p.GetStringWidth(line+" "+word) <= room {
				line += " " + word
				continue
			}
			if line != "" {
				emit(line)
			}
			for len(word) > 1 && t.p.GetStringWidth(word) > room {
				// The most bytes (one a letter, in this code page) that fit.
				cut, w := 0, 0.0
				for cut < len(word)-1 {
					cw := t.p.GetStringWidth(word[cut : cut+1])
					if cut > 0 && w+cw > room {
						break
					}
					w += cw
					cut++
				}
				emit(word[:cut])
				word = word[cut:]
			}
			line = word
		}
		if line != "" {
			emit(line)
		}
	}
}
