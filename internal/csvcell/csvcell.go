// Package csvcell makes text safe to put in a CSV file that people open
// in a spreadsheet: a cell that begins like a formula (=, +, -, @, or a
// tab or carriage return before one) would be run as one, so it is
// written with a leading apostrophe, which spreadsheets show as text.
// Every CSV coopress writes from what people typed goes through Safe, and
// every CSV file people upload is first read by ReadFile.
package csvcell

// Safe returns v as a cell that cannot run as a formula. A plain number,
// negative ones included ("-12.50", a refund), stays as it is.
func Safe(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if v[0] == '-' && isPlainNumber(v[1:]) {
			return v
		}
		return "'" + v
	}
	return v
}

// isPlainNumber reports whether s is digits with at most one decimal
// point: not "Inf", not "1e9", nothing a spreadsheet reads otherwise.
func isPlainNumber(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return s != ""
}
