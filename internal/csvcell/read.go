package csvcell

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// Problem is what is wrong with an uploaded CSV file as a whole, before
// any of its lines is read.
type Problem int

// The problems ReadFile finds; each importer words its own message.
const (
	// Fine: the file can be read as CSV text.
	Fine Problem = iota
	// Empty: nothing but white space.
	Empty
	// TooLarge: more than the importer's limit.
	TooLarge
	// NotText: a NUL byte or bytes that are not UTF-8 (a spreadsheet's
	// own format, or a CSV saved in another encoding).
	NotText
)

// ReadFile reads an uploaded CSV file of at most max bytes and says what,
// if anything, makes it unreadable as a whole: the one rule for the gift
// import, the bank statement import and the register import. The data
// is returned as sent (an importer may fingerprint it); WithoutBOM
// prepares it for a csv.Reader.
func ReadFile(r io.Reader, max int64) ([]byte, Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	switch {
	case err != nil:
		return nil, Fine, err
	case len(bytes.TrimSpace(data)) == 0:
		return data, Empty, nil
	case int64(len(data)) > max:
		return data, TooLarge, nil
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return data, NotText, nil
	}
	return data, Fine, nil
}

// WithoutBOM drops the UTF-8 byte-order mark spreadsheets write first.
func WithoutBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) }
