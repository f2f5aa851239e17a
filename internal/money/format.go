package money

import (
	"strconv"
	"strings"
)

// Format writes the amount as people write it: the currency sign, thousands
// separated by commas, and pence only when there are some: £5,047,
// £12,963.50, £0.05. A negative amount starts with an ASCII hyphen-minus
// ("-£20") rather than the typographic minus sign: the text goes into CSV
// exports and plain-text print columns, where "−" would be mangled or misread
// by a spreadsheet.
func (m Money) Format() string {
	var b strings.Builder
	b.Grow(16)
	u := uint64(m.Minor)
	if m.Minor < 0 {
		b.WriteByte('-')
		u = uint64(-(m.Minor + 1)) + 1 // safe for MinInt64
	}
	b.WriteString(Symbol(m.Currency))
	whole, frac := u/100, u%100
	writeGrouped(&b, whole)
	if frac != 0 {
		b.WriteByte('.')
		if frac < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatUint(frac, 10))
	}
	return b.String()
}

// FormatFull always shows the pence (£5,047.00), for ledgers and receipts
// where columns of figures must line up.
func (m Money) FormatFull() string {
	s := m.Format()
	if m.Minor%100 == 0 {
		s += ".00"
	}
	return s
}

// writeGrouped writes n with a comma between each group of three digits.
func writeGrouped(b *strings.Builder, n uint64) {
	s := strconv.FormatUint(n, 10)
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
}

// Plain writes the amount for machines and spreadsheets: no sign, no
// separators, always the pence ("5047.00", "-20.00"), in the currency's
// major unit. CSV exports use it.
func (m Money) Plain() string {
	sign := ""
	u := uint64(m.Minor)
	if m.Minor < 0 {
		sign, u = "-", uint64(-(m.Minor+1))+1
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}
