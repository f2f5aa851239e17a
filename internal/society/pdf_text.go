package society

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// pdfText turns text into the Windows-1252 bytes that the PDF core fonts
// (Helvetica) draw. The core fonts need no font file in the binary and
// leave the text readable in the PDF's content stream, for copying and
// for our tests; the price is a code page. A letter outside it keeps its
// base letter where it has one (ő → o, Ł → L), so a name stays legible;
// anything else becomes "?", never a silent gap.
func pdfText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 {
			if r == '\t' || r == '\r' || r == '\n' {
				r = ' ' // one line in a cell; addresses are joined first
			}
			b.WriteByte(byte(r))
			continue
		}
		if c, ok := charmap.Windows1252.EncodeRune(r); ok {
			b.WriteByte(c)
			continue
		}
		b.WriteByte(baseLetter(r))
	}
	return b.String()
}

// strokes are letters whose base letter Unicode decomposition does not
// give, because the mark is part of the glyph.
var strokes = map[rune]byte{'Ł': 'L', 'ł': 'l', 'Đ': 'D', 'đ': 'd', 'Ħ': 'H', 'ħ': 'h', 'ı': 'i', 'Ø': 'O', 'ø': 'o'}

// baseLetter is r without its accents when that is in the code page,
// and "?" otherwise.
func baseLetter(r rune) byte {
	if c, ok := strokes[r]; ok {
		return c
	}
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if c, ok := charmap.Windows1252.EncodeRune(d); ok && d != r {
			return c
		}
		break
	}
	return '?'
}

// oneLine joins a multi-line postal address with commas, for a cell.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, strings.TrimRight(l, ","))
		}
	}
	return strings.Join(parts, ", ")
}

// longDate writes a YYYY-MM-DD day as people read it on paper,
// "6 November 2024"; text that is not a day is returned as it is.
func longDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}
