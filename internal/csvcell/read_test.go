package csvcell

import (
	"strings"
	"testing"
)

// TestReadFile: the one rule for an uploaded CSV file as a whole, at the
// size limit's boundary and for each kind of file that is not CSV text.
func TestReadFile(t *testing.T) {
	const max = 16
	for _, c := range []struct {
		name, in string
		want     Problem
	}{
		{"a file", "date,amount\n", Fine},
		{"exactly the limit", strings.Repeat("a", max), Fine},
		{"one byte over", strings.Repeat("a", max+1), TooLarge},
		{"empty", "", Empty},
		{"white space only", " \r\n\t\n", Empty},
		{"a NUL byte", "a,b\x00\n", NotText},
		{"not UTF-8 (Latin-1 £)", "amount\n\xa35\n", NotText},
		{"a spreadsheet's byte-order mark", "\xef\xbb\xbfa,b\n", Fine},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, got, err := ReadFile(strings.NewReader(c.in), max)
			if err != nil || got != c.want {
				t.Fatalf("problem %v (%v), want %v", got, err, c.want)
			}
			if got == Fine && string(data) != c.in {
				t.Fatalf("data %q, want the file as sent", data)
			}
		})
	}
	if got := string(WithoutBOM([]byte("\xef\xbb\xbfa,b"))); got != "a,b" {
		t.Fatalf("WithoutBOM: %q", got)
	}
}
