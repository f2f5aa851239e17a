package society

import (
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDFOptions are what a ballot's PDFs print besides the ballot.
type PDFOptions struct {
	// Society is the society's name, printed on every page.
	Society string
	// Location is the publication's zone, for the times printed.
	Location *time.Location
	// VoteURL is where a member may vote online with their code instead.
	VoteURL string
	// Plain leaves the text streams uncompressed, so tests (and people)
	// can search them; a few thousand papers are better compressed.
	Plain bool
	// Progress, when set, is told after each page of papers.
	Progress func(done, total int)
}

// newBallotPDF is an A4 portrait document with the options' settings.
// The text goes through fpdf's cp1252 translator: the core fonts hold
// Western European letters, which covers the names on a UK register
// better than raw UTF-8 bytes would (those would print as mojibake).
func newBallotPDF(o PDFOptions, title string, on time.Time) (*fpdf.Fpdf, func(string) string) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(!o.Plain)
	p.SetCreationDate(on)
	p.SetModificationDate(on)
	p.SetCatalogSort(true)
	p.SetTitle(title, true)
	p.SetAuthor(o.Society, true)
	p.SetCreator("coopress", false)
	p.SetLang("en-GB")
	p.SetMargins(20, 18, 20)
	p.SetAutoPageBreak(true, 18)
	tr := p.UnicodeTranslatorFromDescriptor("")
	return p, func(s string) string { return tr(strings.ReplaceAll(s, "\r", "")) }
}

// pdfWhen is t in the zone, as people write it.
func pdfWhen(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04 on Monday 2 January 2006 (MST)")
}
