package society

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// officerPDFColumns are the register of officers' columns on A4 landscape
// (277 mm): a current officer's end and reason are empty.
var officerPDFColumns = []pdfColumn{
	{"No.", 12, true}, {"Name", 48, false}, {"Office", 36, false}, {"Postal address", 68, false},
	{"Member no.", 18, true}, {"Appointed", 20, false}, {"Ended", 20, false}, {"Why the term ended", 55, false},
}

// WriteOfficersPDF writes the register of officers as of asOf to w as
// PDF, for printing or for an auditor: those in office at the close of
// that day, then former officers with their terms, and on every page the
// society, the as-of date and "page N of M". Like the register of
// members it is built whole in memory before a byte is written, so an
// error leaves w untouched.
func (s *Service) WriteOfficersPDF(ctx context.Context, w io.Writer, asOf string, o RegisterPDF) error {
	if strings.TrimSpace(o.Society) == "" {
		return fmt.Errorf("society: register of officers PDF without the society's name")
	}
	current, former, err := s.OfficerRegister(ctx, asOf)
	if err != nil {
		return err
	}
	day := longDate(asOf)
	t := newRegisterTable(s, "Register of officers of "+o.Society+" as of "+day, o.Society,
		"As of "+day+"; produced "+longDate(s.now().Format("2006-01-02"))+
			". Kept apart from the register of members; former officers are listed with their terms.", officerPDFColumns)
	for _, part := range []struct {
		title string
		list  []Officer
	}{{"In office at the close of " + day, current}, {"Former officers", former}} {
		t.section(part.title)
		if len(part.list) == 0 {
			t.row([]string{"", "None.", "", "", "", "", "", ""})
		}
		for _, of := range part.list {
			member := ""
			if of.Member != 0 {
				member = strconv.FormatInt(of.Member, 10)
			}
			t.row([]string{strconv.FormatInt(of.ID, 10), of.Name, of.Office, of.Address, member, of.AppointedOn,
				of.EndedOn, of.EndReason})
		}
	}
	t.summary(fmt.Sprintf("%s in office and %s as of %s.", count(len(current), "officer"),
		count(len(former), "former officer"), day))
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := t.p.Output(w); err != nil {
		return fmt.Errorf("society: register of officers PDF: %w", err)
	}
	return nil
}

// count is n of a thing, the word in the plural unless n is 1.
func count(n int, word string) string { return plural(int64(n), word) }

// section starts a part of the register with its title in bold, on a new
// page when too little room is left for the title and a line under it.
func (t *registerTable) section(title string) {
	p := t.p
	if p.GetY()+12 > t.bottom {
		p.AddPage()
	}
	p.SetFont("Helvetica", "B", 9)
	p.SetXY(pdfMargin, p.GetY()+3)
	p.CellFormat(277, 5, pdfText(title), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", pdfFontSize)
}
