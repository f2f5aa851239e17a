package fund

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

	"github.com/coopress/coopress/internal/csvcell"
	"github.com/coopress/coopress/internal/valid"
)

// The limits of one import file: a month's post fits easily, and a runaway
// file is refused before it is parsed. They are the one setting: the web
// import sizes its request bodies from ImportMaxBytes, and every message
// about the limits is written from these numbers.
const (
	ImportMaxBytes = 2 << 20
	ImportMaxRows  = 5000
)

// ImportTooLarge is the refusal of a file over ImportMaxBytes, however the
// size was found (here, or by the upload's body limit).
func ImportTooLarge() string {
	return "The file is larger than " + importSize() + ". Split it into smaller files."
}

// ImportLimits says both limits as the treasurer's page prints them.
func ImportLimits() string {
	return groupThousands(ImportMaxRows) + " gifts and " + importSize()
}

// importSize writes ImportMaxBytes as people read a file's size.
func importSize() string {
	if ImportMaxBytes%(1<<20) == 0 {
		return strconv.Itoa(ImportMaxBytes>>20) + " MiB"
	}
	return groupThousands(ImportMaxBytes>>10) + " KiB"
}

// FieldFile names the import file as a whole in ParseCSV's refusals.
const FieldFile = "file"

// ImportColumns are the columns an import file must have, in the order
// the treasurer's page documents them; a file may give them in any order.
func ImportColumns() []string {
	return []string{"date", "amount", "method", "name", "email", "town", "public", "public_name", "message", "reference"}
}

// ImportColumn names the column of an import file that a gift field (one
// of the Field constants) is read from, for messages about a line.
func ImportColumn(field string) string {
	switch field {
	case FieldDate:
		return "date"
	case FieldName:
		return "name"
	case FieldEmail:
		return "email"
	case FieldTown:
		return "town"
	case FieldReference:
		return "reference"
	}
	return field
}

// ImportRow is one gift line of an import file as read and checked.
type ImportRow struct {
	// Line is the row's line in the file, the header being line 1.
	Line int
	In   GiftInput
	// Gift is the entry to record; it is set only when Problems is empty.
	// Its ProviderRef is the line's duplicate key (see ParseCSV).
	Gift Entry
	// Problems are what is wrong with the line, each Field being the
	// column at fault.
	Problems []valid.Error
	// DuplicateOf is the earlier line with the same key: this one would
	// record the same gift again and is to be skipped.
	DuplicateOf int
}

// ParseCSV reads an import file of gifts typed in cur, checking every line
// with ParseGift. A problem with the file as a whole (empty, too large,
// not UTF-8 text, the wrong columns, a line CSV cannot read, more than
// ImportMaxRows gifts) is a valid.Error on FieldFile with no rows; problems
// with single lines are in the rows, so all can be shown together.
//
// Each gift's ProviderRef is its duplicate key: the line's reference, or
// for a line without one a key made from the file's content and the line
// number, so the same file sent twice (a double click, the back button)
// records nothing twice while two like gifts on different lines stay two.
func ParseCSV(r io.Reader, cur string, loc *time.Location, now time.Time) ([]ImportRow, error) {
	data, problem, err := csvcell.ReadFile(r, ImportMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("fund: read import file: %w", err)
	}
	fail := func(msg string) ([]ImportRow, error) { return nil, valid.New(FieldFile, msg) }
	switch problem {
	case csvcell.Empty:
		return fail("The file is empty. Choose the CSV file with your gifts.")
	case csvcell.TooLarge:
		return fail(ImportTooLarge())
	case csvcell.NotText:
		return fail("This is not a CSV text file. Save it from your spreadsheet as \"CSV UTF-8\" and try again.")
	}
	fileKey := importFileKey(data)
	data = csvcell.WithoutBOM(data)
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return fail(csvProblem(err))
	}
	index, ok := importHeader(header)
	if !ok {
		return fail("The first line must name exactly these columns: " + strings.Join(ImportColumns(), ", ") +
			". This file's first line has: " + strings.Join(header, ", ") + ".")
	}
	var rows []ImportRow
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(csvProblem(err))
		}
		if len(rows) == ImportMaxRows {
			return fail(fmt.Sprintf("The file has more than %s gifts. Split it into smaller files.", groupThousands(ImportMaxRows)))
		}
		line, _ := cr.FieldPos(0)
		col := func(name string) string { return rec[index[name]] }
		row := ImportRow{Line: line, In: GiftInput{Amount: col("amount"), Currency: cur, Method: col("method"),
			Date: col("date"), Name: col("name"), Email: col("email"), Town: col("town"), Public: col("public"),
			PublicName: col("public_name"), Message: col("message"), Reference: col("reference")}}
		gift, err := ParseGift(row.In, loc, now)
		for _, v := range valid.All(err) {
			v.Field = ImportColumn(v.Field)
			row.Problems = append(row.Problems, v)
		}
		if err != nil && len(row.Problems) == 0 {
			return nil, err
		}
		if err == nil {
			row.Gift = gift
			row.Gift.ProviderRef = importKey(fileKey, line, gift.ProviderRef)
			if first, seen := firstLine[row.Gift.ProviderRef]; seen {
				row.DuplicateOf = first
			} else {
				firstLine[row.Gift.ProviderRef] = line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return fail("The file has the header line but no gifts.")
	}
	return rows, nil
}

// importHeader maps each column name to its place, whatever the case and
// spacing the spreadsheet gave it; ok is false unless the names are
// exactly ImportColumns.
func importHeader(header []string) (index map[string]int, ok bool) {
	index = map[string]int{}
	var got []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		index[name] = i
		got = append(got, name)
	}
	want := ImportColumns()
	slices.Sort(got)
	slices.Sort(want)
	return index, slices.Equal(got, want)
}

// importFileKey names a file by its content, for the keys of its lines
// without a reference.
func importFileKey(data []byte) string {
	sum := sha256.Sum256(data)
	return importPrefix + hex.EncodeToString(sum[:8])
}

// importKey is a line's duplicate key: its own reference when it has one,
// so a statement imported twice counts once; otherwise the file's key and
// the line number, which ParseGift stops anyone typing.
func importKey(fileKey string, line int, ref string) string {
	if ref != "" {
		return ref
	}
	return fileKey + ":" + strconv.Itoa(line)
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
			pe.StartLine, len(ImportColumns()))
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("Line %d has a quote mark out of place. A value with a comma or quote must be in double quotes, with any quote inside it doubled (\"\").",
			pe.StartLine)
	}
	return fmt.Sprintf("Line %d could not be read as CSV.", pe.StartLine)
}
