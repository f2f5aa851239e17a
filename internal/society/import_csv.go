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
// WriteCSV writes has all of them, so a register exported from one
// coopress, former members included, imports into another as it is.
func ImportOptionalColumns() []string {
	return []string{"class", "email", "email_use", "amount_paid", "other_property", "ceased_on", "shares_at_ceasing"}
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
	// For a former member its Shares are those they held when they left.
	Admission Admission
	// CeasedOn is the day a former member left, who is recorded with
	// their allotment on admission and a withdrawal of it all on that
	// day; empty for a current member. Set only when Problems is empty.
	CeasedOn string
	// Problems are what is wrong with the line; each Field is the column
	// at fault.
	Problems []valid.Error
	// former says the line has a ceased_on, whether or not it is right.
	former bool
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
// property (the register keeps none yet), a former member (ceased_on)
// holding none now and saying in shares_at_ceasing what they held when
// they left, and no cell that a spreadsheet would run as a formula. A problem with the file as a whole
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
		// A former member may be the same person as a current one (they
		// left and joined again) or as another former one.
		if c := row.Admission.Contact; c.Name != "" && c.Address != "" && !row.former {
			key := personKey(c.Name, c.Address)
			if first, seen := byPerson[key]; seen {
				row.problem("name", fmt.Sprintf("The same person, at the same address, is on line %d; a member is admitted once.", first))
			} else {
				byPerson[key] = line
			}
		}
		if !row.OK() {
			row.Admission, row.CeasedOn = Admission{}, ""
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
	// A former member is admitted with what they held when they left.
	in, atCeasing := row.In, col("shares_at_ceasing")
	row.former = col("ceased_on") != ""
	if row.former {
		in.Shares = atCeasing
	}
	a, err := ParseAdmission(in, now, rules)
	for _, v := range valid.All(err) {
		if c, ok := importColumn[v.Field]; ok {
			v.Field = c
		}
		if row.former && v.Field == "shares" {
			if atCeasing == "" {
				continue // said below, in the former member's words
			}
			v.Field = "shares_at_ceasing"
		}
		row.Problems = append(row.Problems, v)
	}
	if err != nil && len(valid.All(err)) == 0 {
		row.problem(FieldFile, "The line could not be read.")
	}
	if row.former {
		checkFormer(row, col, a, now, rules)
	} else if atCeasing != "" {
		row.problem("shares_at_ceasing", "Only for a former member: give the day they left in ceased_on, or leave this empty.")
	}
	// The holding's checks need only the shares and the class, so they
	// show beside the line's other problems.
	if a.Shares > 0 && a.Class != "" {
		if lim := rules.limit(a.Class); lim > 0 && a.Shares*rules.Nominal > lim {
			column := "shares"
			if row.former {
				column = "shares_at_ceasing"
			}
			row.problem(column, fmt.Sprintf("%d shares are %s; the rules let %s hold at most %s.", a.Shares,
				money.New(a.Shares*rules.Nominal, rules.Currency).Format(),
				map[Class]string{Individual: "an individual", Organisation: "an organisation"}[a.Class],
				money.New(lim, rules.Currency).Format()))
		}
		if paid := col("amount_paid"); paid != "" && !row.former {
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
	row.Admission = a
}

// checkFormer checks what a former member's line says of their leaving:
// the day, on or after admission, nothing held or paid now, and the
// shares held when they left.
func checkFormer(row *ImportRow, col func(string) string, a Admission, now time.Time, rules Rules) {
	on, err := parseDate("ceased_on", col("ceased_on"), now, rules)
	row.Problems = append(row.Problems, valid.All(err)...)
	if err == nil && a.On != "" && on < a.On {
		row.problem("ceased_on", fmt.Sprintf("The member left on %s, before they were admitted on %s; check both days.", on, a.On))
	}
	row.CeasedOn = on
	if col("shares_at_ceasing") == "" {
		row.problem("shares_at_ceasing", "Give the shares this former member held when they left, in a shares_at_ceasing column: "+
			"the register keeps what a member held, for ten years after they leave.")
	}
	if held := col("shares"); held != "" && held != "0" {
		row.problem("shares", "A former member holds no shares now: write 0 here, and what they held when they left in shares_at_ceasing.")
	}
	// money.Parse refuses nothing (and anything negative) as not positive.
	if paid := col("amount_paid"); paid != "" {
		if _, err := money.Parse(paid, rules.Currency); !errors.Is(err, money.ErrNotPositive) || strings.ContainsAny(paid, "-−") {
			row.problem("amount_paid", "A former member has nothing paid in now: write 0.00 here, or leave it empty.")
		}
	}
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
