package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/fund"
)

// The limits of one import: a month's post fits easily, and a runaway file
// is refused before it is parsed.
const (
	importMaxBytes = 2 << 20
	importMaxRows  = 5000
)

// importColumns are the columns an import file must have, in the order
// the page documents them; the file may give them in any order.
func importColumns() []string {
	return []string{"date", "amount", "method", "name", "email", "town", "public", "public_name", "message", "reference"}
}

// importColumnOf names, for a message, the column a gift field comes from.
func importColumnOf(field string) string {
	switch field {
	case "received_at":
		return "date"
	case "donor_name":
		return "name"
	case "donor_email":
		return "email"
	case "donor_town":
		return "town"
	case "provider_ref":
		return "reference"
	}
	return field
}

// importRow is one gift of an import file as read, with what is wrong with
// it or why it will be skipped.
type importRow struct {
	// Line is the row's line in the file, the header being line 1.
	Line   int
	In     giftInput
	Gift   fund.Entry
	Errors []string
	// Skip says why a gift that is right will not be recorded again.
	Skip string
}

// readImport parses an import file into rows, each checked with
// parseGift. problem is set, and rows nil, when the file as a whole cannot
// be read; it is a message for the treasurer.
func readImport(data []byte, cur string, loc *time.Location, today time.Time) (rows []importRow, problem string) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, "The file is empty. Choose the CSV file with your gifts."
	case len(data) > importMaxBytes:
		return nil, "The file is larger than 2 MiB. Split it into smaller files."
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return nil, "This is not a CSV text file. Save it from your spreadsheet as \"CSV UTF-8\" and try again."
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheets' UTF-8 mark
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, csvProblem(err)
	}
	index := map[string]int{}
	var got []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		index[name] = i
		got = append(got, name)
	}
	want := importColumns()
	slices.Sort(got)
	sorted := slices.Clone(want)
	slices.Sort(sorted)
	if !slices.Equal(got, sorted) {
		return nil, "The first line must name exactly these columns: " + strings.Join(want, ", ") +
			". This file's first line has: " + strings.Join(header, ", ") + "."
	}
	refs := map[string]int{}
	// A line without a reference of its own gets one made from the file's
	// content and its line number, so sending the same file twice (a
	// double click, the browser's back button) records nothing twice.
	sum := sha256.Sum256(data)
	fileRef := "csv:" + hex.EncodeToString(sum[:8])
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvProblem(err)
		}
		if len(rows) == importMaxRows {
			return nil, fmt.Sprintf("The file has more than %d gifts. Split it into smaller files.", importMaxRows)
		}
		line, _ := cr.FieldPos(0)
		col := func(name string) string { return rec[index[name]] }
		row := importRow{Line: line, In: giftInput{Amount: col("amount"), Method: col("method"), ReceivedAt: col("date"),
			DonorName: col("name"), DonorEmail: col("email"), DonorTown: col("town"), PublicName: col("public_name"),
			Message: col("message"), Reference: col("reference")}}
		public, ok := yesNo(col("public"))
		row.In.Public = public
		var errs fieldErrors
		row.Gift, errs = parseGift(row.In, cur, loc, today)
		if row.Gift.ProviderRef == "" {
			row.Gift.ProviderRef = fileRef + ":" + strconv.Itoa(line)
		}
		for _, e := range errs {
			row.Errors = append(row.Errors, importColumnOf(e.Field)+": "+e.Message)
		}
		if !ok {
			row.Errors = append(row.Errors, "public: write yes or no, or leave it empty for no.")
		}
		if ref := row.Gift.ProviderRef; ref != "" {
			if first, seen := refs[ref]; seen {
				row.Skip = fmt.Sprintf("Same reference as line %d: will be skipped.", first)
			} else {
				refs[ref] = line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, "The file has the header line but no gifts."
	}
	return rows, ""
}

// yesNo reads the public column; ok is false for anything else.
func yesNo(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "0":
		return false, true
	case "yes", "y", "true", "1":
		return true, true
	}
	return false, false
}

// csvProblem explains encoding/csv's error by line, in words.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "The file could not be read as CSV."
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return fmt.Sprintf("Line %d has a different number of columns from the first line. Every line needs all %d columns, even if empty.",
			pe.StartLine, len(importColumns()))
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("Line %d has a quote mark out of place. A value with a comma or quote must be in double quotes, with any quote inside it doubled (\"\").",
			pe.StartLine)
	}
	return fmt.Sprintf("Line %d could not be read as CSV.", pe.StartLine)
}
