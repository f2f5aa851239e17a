package society

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/csvcell"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// The limits of one register file: a society of 100,000 members with
// long addresses fits; a runaway file is refused before it is parsed.
const (
	ImportMaxBytes = 32 << 20
	ImportMaxRows  = 200_000
)

// FieldFile names the import file as a whole in the import's refusals.
const FieldFile = "file"

// ImportColumns are the columns a register file must have, in any order.
func ImportColumns() []string {
	return []string{"number", "name", "postal_address", "shares", "admitted_on"}
}

// ImportOptionalColumns may be left out. The file this package's
// WriteCSV writes has them all, so a register exported from one coopress
// imports into another (for its current members: a former member's line
// is refused, see ParseImport).
func ImportOptionalColumns() []string {
	return []string{"class", "email", "email_use", "amount_paid", "other_property", "ceased_on"}
}

// importColumn names the file's column for a field of AdmitInput.
var importColumn = map[string]string{FieldName: "name", FieldAddress: "postal_address", FieldEmail: "email",
	FieldEmailUse: "email_use", FieldClass: "class", FieldShares: "shares", FieldDate: "admitted_on", FieldNumber: "number"}

// ImportRow is one member's line of a register file as read and checked.
type ImportRow struct {
	// Line is the row's line in the file, the header being line 1.
	Line int
	In   AdmitInput
	// Admission is what will be recorded; set only when Problems is empty.
	Admission Admission
	// Problems are what is wrong with the line; each Field is the column
	// at fault.
	Problems []valid.Error
	// Recorded says the register already has this very member (same
	// number, person and admission day): the line is skipped, so a file
	// imported twice records nothing twice.
	Recorded bool
}

// OK reports whether the line can be recorded or skipped.
func (r ImportRow) OK() bool { return len(r.Problems) == 0 }

// problem adds a refusal for column col.
func (r *ImportRow) problem(col, msg string) {
	r.Problems = append(r.Problems, valid.Error{Field: col, Message: msg})
}

// ParseImport reads a register file and checks every line on its own
// and against the other lines, by everything that needs no database:
// ParseAdmission's rules, a membership number on every line and no
// number twice, no person twice, the holding within the class's limit,
// amount_paid (when given) equal to the shares at nominal value, no other
// property (the register keeps none yet) and no ceased_on (a former
// member's shares at cessation are not in the file), and no cell that a
// spreadsheet would run as a formula. A problem with the file as a whole
// is a valid.Error on FieldFile with no rows; problems with lines are in
// the rows, so all can be shown together.
func ParseImport(r io.Reader, now time.Time, rules Rules) ([]ImportRow, error) {
	data, problem, err := csvcell.ReadFile(r, ImportMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("society: read import file: %w", err)
	}
	fail := func(msg string) ([]ImportRow, error) { return nil, valid.New(FieldFile, msg) }
	switch problem {
	case csvcell.Empty:
		return fail("The file is empty. Choose the CSV file of your register.")
	case csvcell.TooLarge:
		return fail(ImportTooLarge())
	case csvcell.NotText:
		return fail("This is not a CSV text file. Save it from your spreadsheet as \"CSV UTF-8\" and try again.")
	}
	data = csvcell.WithoutBOM(data)
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return fail(csvProblem(err, len(header)))
	}
	index, msg := importHeader(header)
	if msg != "" {
		return fail(msg)
	}
	var rows []ImportRow
	byNumber, byPerson := map[int64]int{}, map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(csvProblem(err, len(header)))
		}
		if len(rows) == ImportMaxRows {
			return fail(fmt.Sprintf("The file has more than %d members. Split it into smaller files.", ImportMaxRows))
		}
		line, _ := cr.FieldPos(0)
		col := func(name string) string {
			if i, ok := index[name]; ok {
				return rec[i]
			}
			return ""
		}
		row := ImportRow{Line: line}
		cell := func(name string) string {
			v, err := fromCell(col(name))
			if err != "" {
				row.problem(name, err)
			}
			return v
		}
		row.In = AdmitInput{Number: col("number"), Name: cell("name"), Address: cell("postal_address"), Email: cell("email"),
			EmailUse: col("email_use"), Class: col("class"), Shares: col("shares"), PaidOn: col("admitted_on")}
		checkImportRow(&row, rec, index, now, rules)
		// Against the other lines, by whatever of the line could be
		// read, so a clash shows beside the line's other problems.
		if a := row.Admission; a.Number > 0 {
			if first, seen := byNumber[a.Number]; seen {
				row.problem("number", fmt.Sprintf("Membership number %d is also on line %d; each member has their own.", a.Number, first))
			} else {
				byNumber[a.Number] = line
			}
		}
		if c := row.Admission.Contact; c.Name != "" && c.Address != "" {
			key := personKey(c.Name, c.Address)
			if first, seen := byPerson[key]; seen {
				row.problem("name", fmt.Sprintf("The same person, at the same address, is on line %d; a member is admitted once.", first))
			} else {
				byPerson[key] = line
			}
		}
		if !row.OK() {
			row.Admission = Admission{}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return fail("The file has the header line but no members.")
	}
	return rows, nil
}

// checkImportRow checks one line on its own.
func checkImportRow(row *ImportRow, rec []string, index map[string]int, now time.Time, rules Rules) {
	col := func(name string) string {
		if i, ok := index[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if col("number") == "" {
		row.problem("number", "Give the member's number from the old register; the import keeps every number.")
	}
	a, err := ParseAdmission(row.In, now, rules)
	for _, v := range valid.All(err) {
		if c, ok := importColumn[v.Field]; ok {
			v.Field = c
		}
		row.Problems = append(row.Problems, v)
	}
	if err != nil && len(valid.All(err)) == 0 {
		row.problem(FieldFile, "The line could not be read.")
	}
	// The holding's checks need only the shares and the class, so they
	// show beside the line's other problems.
	if a.Shares > 0 && a.Class != "" {
		if lim := rules.limit(a.Class); lim > 0 && a.Shares*rules.Nominal > lim {
			row.problem("shares", fmt.Sprintf("%d shares are %s; the rules let %s hold at most %s.", a.Shares,
				money.New(a.Shares*rules.Nominal, rules.Currency).Format(),
				map[Class]string{Individual: "an individual", Organisation: "an organisation"}[a.Class],
				money.New(lim, rules.Currency).Format()))
		}
		if paid := col("amount_paid"); paid != "" {
			m, err := money.Parse(paid, rules.Currency)
			if err != nil || m.Minor != a.Shares*rules.Nominal {
				row.problem("amount_paid", fmt.Sprintf("%d shares at %s are %s paid; the line says %s. Shares are taken fully paid.",
					a.Shares, money.New(rules.Nominal, rules.Currency).Format(), money.New(a.Shares*rules.Nominal, rules.Currency).Format(), paid))
			}
		}
	}
	if col("other_property") != "" {
		row.problem("other_property", "The register keeps no loans or deposits yet; leave other_property empty.")
	}
	if col("ceased_on") != "" {
		row.problem("ceased_on", "Former members cannot be imported: the file does not say what they held. Leave them out; keep the old register for them.")
	}
	row.Admission = a
}

// fromCell reads a cell of text. One that begins like a formula (=, +,
// -, @) is refused, since a spreadsheet may already have run it; one
// defused with a leading apostrophe, as WriteCSV writes them, is taken
// without the apostrophe.
func fromCell(v string) (string, string) {
	t := strings.TrimSpace(v)
	if t == "" {
		return v, ""
	}
	switch t[0] {
	case '=', '+', '-', '@':
		return v, "This begins with " + t[:1] + ", like a spreadsheet formula. If it really does, write an apostrophe before it ('" + t[:1] + "…)."
	case '\'':
		if len(t) > 1 && strings.ContainsRune("=+-@\t\r", rune(t[1])) {
			return t[1:], ""
		}
	}
	return v, ""
}

// importHeader maps each column name to its place, whatever the case and
// spacing; msg says what is wrong unless every required column is there
// once and every other is an optional one.
func importHeader(header []string) (index map[string]int, msg string) {
	index = map[string]int{}
	known := append(ImportColumns(), ImportOptionalColumns()...)
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[name]; dup {
			return nil, "The column " + name + " is named twice in the first line."
		}
		if !slices.Contains(known, name) {
			return nil, "The first line names a column " + strconv.Quote(h) + " that the import does not know. It takes " +
				strings.Join(ImportColumns(), ", ") + ", and optionally " + strings.Join(ImportOptionalColumns(), ", ") + "."
		}
		index[name] = i
	}
	var missing []string
	for _, c := range ImportColumns() {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, "The first line must name the columns " + strings.Join(ImportColumns(), ", ") + "; it lacks " + strings.Join(missing, ", ") + "."
	}
	return index, ""
}

// ImportTooLarge is the refusal of a file over ImportMaxBytes.
func ImportTooLarge() string {
	return fmt.Sprintf("The file is larger than %d MiB. Split it into smaller files.", ImportMaxBytes>>20)
}

// csvProblem explains encoding/csv's error by line, in words.
func csvProblem(err error, columns int) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "The file could not be read as CSV."
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return fmt.Sprintf("Line %d has a different number of columns from the first line. Every line needs all %d, even if empty.",
			pe.StartLine, columns)
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("Line %d has a quote mark out of place. A value with a comma or quote must be in double quotes, with any quote inside it doubled (\"\").",
			pe.StartLine)
	}
	return fmt.Sprintf("Line %d could not be read as CSV.", pe.StartLine)
}

// FileProblem is err's message when it is a refusal of the file as a
// whole (FieldFile), for a caller that shows it beside the upload.
func FileProblem(err error) (string, bool) {
	v, ok := valid.As(err)
	if !ok || v.Field != FieldFile {
		return "", false
	}
	return v.Message, true
}
