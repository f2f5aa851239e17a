package supporter

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/csvcell"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// The limits of one statement file: a quarter of a busy account fits, and
// a runaway file is refused before it is parsed. The web upload sizes its
// request bodies from StatementMaxBytes.
const (
	StatementMaxBytes = 2 << 20
	StatementMaxLines = 5000
)

// StatementField names the statement file as a whole in ParseStatement's
// refusals; a line's problems name its column: "date", "amount" or
// "description".
const StatementField = "file"

// headerSearch is how many lines may come before the column names: some
// banks start their export with the account's name and number.
const headerSearch = 10

// StatementLine is one credit of a bank statement, as read and checked.
type StatementLine struct {
	// Line is the line's number in the file, counting from 1.
	Line int
	// Day is the day the money arrived, at midnight in the publication's
	// zone.
	Day time.Time
	// Description is the line's description and reference columns, joined.
	Description string
	Amount      money.Money
	// Fingerprint names the line for ever: its day, amount, description and
	// its place among identical lines of this file. The same statement
	// imported again gives the same fingerprints; two genuine identical
	// payments on one day stay two.
	Fingerprint string
	// Problems are what is wrong with the line; a statement with any is
	// not imported.
	Problems []valid.Error
}

// Statement is a parsed bank statement: its credits, and how many debit
// (or zero) lines were left out, since only money coming in can be a
// supporter's payment.
type Statement struct {
	// Key names the file by its content.
	Key    string
	Lines  []StatementLine
	Debits int
}

// Invalid counts the lines with problems.
func (st Statement) Invalid() int {
	n := 0
	for _, l := range st.Lines {
		if len(l.Problems) > 0 {
			n++
		}
	}
	return n
}

// StatementLimits says both limits as the treasurer's page prints them.
func StatementLimits() string {
	return fmt.Sprintf("%s lines and %d MiB", stmtThousands(StatementMaxLines), StatementMaxBytes>>20)
}

// stmtThousands writes 5000 as "5,000", as the messages do.
func stmtThousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

// StatementTooLarge is the refusal of a file over StatementMaxBytes,
// however the size was found.
func StatementTooLarge() string {
	return fmt.Sprintf("The file is larger than %d MiB. Export a shorter period from the bank.", StatementMaxBytes>>20)
}

// ParseStatement reads a bank statement exported as CSV, in currency cur,
// with days in loc and now the time of the upload (a day after today is a
// problem). It finds the header among the first lines, accepting the usual
// spellings: a date column ("Date", "Transaction Date", "Posting Date"…),
// a description or reference column or both ("Description", "Details",
// "Narrative", "Reference", "Memo"…), and either one signed amount column
// ("Amount", "Value") or separate credit and debit columns ("Paid in" and
// "Paid out", "Money in" and "Money out", "Credit" and "Debit"). Days may
// be written 2024-11-06, 06/11/2024 (day first, as UK banks do), 06/11/24,
// 6 Nov 2024 or 06-Nov-2024. The file may be UTF-8 with or without a byte
// order mark.
//
// A problem with the file as a whole (empty, too large, not text, no
// header, unreadable CSV, too many lines) is a valid.Error on
// StatementField naming the line; problems with single lines are in the
// lines, so all can be shown together.
func ParseStatement(r io.Reader, cur string, loc *time.Location, now time.Time) (Statement, error) {
	if loc == nil {
		loc = time.UTC
	}
	data, problem, err := csvcell.ReadFile(r, StatementMaxBytes)
	if err != nil {
		return Statement{}, fmt.Errorf("supporter: read statement: %w", err)
	}
	fail := func(msg string) (Statement, error) { return Statement{}, valid.New(StatementField, msg) }
	switch problem {
	case csvcell.Empty:
		return fail("The file is empty. Choose the CSV file you exported from the bank.")
	case csvcell.TooLarge:
		return fail(StatementTooLarge())
	case csvcell.NotText:
		return fail("This is not a CSV text file. Export the statement from the bank as CSV, or save it from your spreadsheet as \"CSV UTF-8\".")
	}
	sum := sha256.Sum256(data)
	st := Statement{Key: hex.EncodeToString(sum[:16])}
	data = csvcell.WithoutBOM(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // lines before the header may be shorter
	var cols statementColumns
	var header []string
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) || i == headerSearch {
			return fail("No line names the statement's columns. The file needs a line such as \"Date,Description,Amount\" " +
				"(or \"Paid in\" and \"Paid out\" for the amount) within its first " + strconv.Itoa(headerSearch) + " lines.")
		}
		if err != nil {
			return fail(statementCSVProblem(err))
		}
		if c, ok := findColumns(rec); ok {
			cols, header = c, rec
			break
		}
	}
	seen := map[string]int{}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(statementCSVProblem(err))
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if rows++; rows > StatementMaxLines {
			return fail("The file has more than " + stmtThousands(StatementMaxLines) + " lines. Export a shorter period from the bank.")
		}
		if len(rec) != len(header) {
			st.Lines = append(st.Lines, StatementLine{Line: line, Problems: []valid.Error{{Field: StatementField,
				Message: fmt.Sprintf("Line %d has %d columns, but the header has %d.", line, len(rec), len(header))}}})
			continue
		}
		l, credit := cols.read(rec, cur, loc, now)
		if !credit {
			st.Debits++
			continue
		}
		l.Line = line
		if len(l.Problems) == 0 {
			l.Fingerprint = fingerprint(l, seen)
		}
		st.Lines = append(st.Lines, l)
	}
	if rows == 0 {
		return fail("The file has the header line but no payments.")
	}
	return st, nil
}

// fingerprint names a line by what it says and its place among the lines
// of this file that say the same.
func fingerprint(l StatementLine, seen map[string]int) string {
	desc := strings.Join(strings.Fields(strings.ToUpper(l.Description)), " ")
	key := l.Day.Format(dayLayout) + "|" + strconv.FormatInt(l.Amount.Minor, 10) + "|" + l.Amount.Currency + "|" + desc
	seen[key]++
	sum := sha256.Sum256([]byte(key + "|" + strconv.Itoa(seen[key])))
	return hex.EncodeToString(sum[:16])
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// statementCSVProblem explains encoding/csv's error by line, in words.
func statementCSVProblem(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "The file could not be read as CSV."
	}
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		return fmt.Sprintf("Line %d has a quote mark out of place. A value with a comma or quote must be in double quotes, with any quote inside it doubled (\"\").", pe.StartLine)
	}
	return fmt.Sprintf("Line %d could not be read as CSV.", pe.StartLine)
}

// headerKey folds a column name to its letters: "Paid In (£)" is "paidin".
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) && r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	return strings.TrimSuffix(strings.TrimSuffix(b.String(), "gbp"), "eur")
}

// The spellings banks give each column, folded by headerKey.
var (
	dateHeaders   = []string{"date", "transactiondate", "postingdate", "bookingdate", "valuedate", "completeddate", "entrydate"}
	descHeaders   = []string{"description", "transactiondescription", "details", "transactiondetails", "narrative", "memo", "name", "payee", "particulars", "counterparty"}
	refHeaders    = []string{"reference", "ref", "paymentreference", "transactionreference"}
	amountHeaders = []string{"amount", "value", "transactionamount"}
	creditHeaders = []string{"paidin", "moneyin", "credit", "creditamount", "credits", "in", "receipts"}
	debitHeaders  = []string{"paidout", "moneyout", "debit", "debitamount", "debits", "out", "payments"}
)

// statementColumns are the places of the columns read; -1 is absent.
type statementColumns struct {
	date, amount, credit, debit int
	desc                        []int
}

// findColumns reads rec as a header, ok when it has a date, something to
// match by and an amount.
func findColumns(rec []string) (statementColumns, bool) {
	c := statementColumns{date: -1, amount: -1, credit: -1, debit: -1}
	var descs, refs []int
	for i, h := range rec {
		k := headerKey(h)
		switch {
		case c.date < 0 && headerIn(k, dateHeaders):
			c.date = i
		case c.amount < 0 && headerIn(k, amountHeaders):
			c.amount = i
		case c.credit < 0 && headerIn(k, creditHeaders):
			c.credit = i
		case c.debit < 0 && headerIn(k, debitHeaders):
			c.debit = i
		case headerIn(k, refHeaders):
			refs = append(refs, i)
		case headerIn(k, descHeaders):
			descs = append(descs, i)
		}
	}
	// The reference first: it is what the supporter's bank was told to
	// write, and the description may repeat it.
	c.desc = append(refs, descs...)
	return c, c.date >= 0 && len(c.desc) > 0 && (c.amount >= 0 || c.credit >= 0)
}

func headerIn(k string, set []string) bool {
	for _, s := range set {
		if k == s {
			return true
		}
	}
	return false
}

// read checks one line; credit is false for a debit or zero line, which
// is left out whatever else is wrong with it.
func (c statementColumns) read(rec []string, cur string, loc *time.Location, now time.Time) (l StatementLine, credit bool) {
	var parts []string
	for _, i := range c.desc {
		if v := strings.TrimSpace(rec[i]); v != "" {
			parts = append(parts, v)
		}
	}
	l.Description = strings.Join(parts, " ")
	raw := ""
	if c.amount >= 0 {
		raw = rec[c.amount]
	}
	if c.credit >= 0 {
		raw = rec[c.credit]
		if strings.TrimSpace(raw) == "" {
			return l, false // a debit, in the other column
		}
	}
	amount, sign, problem := statementAmount(raw, cur)
	switch {
	case problem != "":
		l.Problems = append(l.Problems, valid.Error{Field: "amount", Message: problem})
	case sign <= 0:
		return l, false
	}
	l.Amount = amount
	if l.Day, problem = statementDay(rec[c.date], loc, now); problem != "" {
		l.Problems = append(l.Problems, valid.Error{Field: "date", Message: problem})
	}
	if n := utf8.RuneCountInString(l.Description); n > 500 {
		l.Problems = append(l.Problems, valid.Error{Field: "description", Message: "The description is longer than 500 characters."})
	}
	return l, true
}

// statementAmount reads a signed amount as banks write it: "-12.50",
// "(12.50)", "12.50 DR", "£1,250.00", "1250 CR". sign is -1 for money out,
// 0 for nothing, 1 for money in; problem says why it cannot be read.
func statementAmount(s, cur string) (_ money.Money, sign int, problem string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return money.Money{}, 0, "The amount is empty."
	}
	sign = 1
	up := strings.ToUpper(t)
	switch {
	case strings.HasSuffix(up, "DR"):
		sign, t = -1, strings.TrimSpace(t[:len(t)-2])
	case strings.HasSuffix(up, "CR"):
		t = strings.TrimSpace(t[:len(t)-2])
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		sign, t = -1, strings.TrimSpace(t[1:len(t)-1])
	}
	for _, minus := range []string{"-", "−"} {
		if rest, ok := strings.CutPrefix(t, minus); ok {
			sign, t = -sign, strings.TrimSpace(rest)
		}
		if m := money.Symbol(cur); m != "" {
			if rest, ok := strings.CutPrefix(t, m+minus); ok {
				sign, t = -sign, rest
			}
		}
	}
	t = strings.TrimPrefix(t, "+")
	m, err := money.Parse(t, cur)
	switch {
	case errors.Is(err, money.ErrNotPositive) && strings.Trim(t, "0.£$€ ") == "":
		return money.Money{}, 0, "" // 0.00: neither in nor out
	case errors.Is(err, money.ErrTooPrecise):
		return money.Money{}, 0, "The amount " + stmtQuote(s) + " has more than two decimal places."
	case errors.Is(err, money.ErrTooLarge):
		return money.Money{}, 0, "The amount " + stmtQuote(s) + " is more than " + money.New(money.MaxEntry, cur).Format() + ", the most one payment can be."
	case errors.Is(err, money.ErrCurrency):
		return money.Money{}, 0, "The amount " + stmtQuote(s) + " is not in " + cur + "."
	case err != nil:
		return money.Money{}, 0, "The amount " + stmtQuote(s) + " is not a number such as 12.50."
	}
	return m, sign, ""
}

// dayLayouts are the ways banks write a day; slashes are day first.
var dayLayouts = []string{"2006-01-02", "02/01/2006", "2/1/2006", "02/01/06", "2/1/06", "02-01-2006", "02.01.2006",
	"2 Jan 2006", "02 Jan 2006", "2-Jan-2006", "02-Jan-2006", "02-Jan-06", "2-Jan-06", "2 January 2006", "02 Jan 06"}

// statementDay reads the day a payment arrived, refusing one not yet come
// or from before 2000; problem says why it cannot be read.
func statementDay(s string, loc *time.Location, now time.Time) (_ time.Time, problem string) {
	t := strings.TrimSpace(s)
	if len(t) > 10 && t[4] == '-' && (t[10] == 'T' || t[10] == ' ') {
		t = t[:10] // an ISO day with its time of day
	}
	today := now.In(loc)
	for _, layout := range dayLayouts {
		d, err := time.ParseInLocation(layout, t, loc)
		if err != nil {
			continue
		}
		switch {
		case d.After(today):
			return time.Time{}, "The day " + stmtQuote(s) + " has not come yet: today is " + today.Format(dayLayout) + "."
		case d.Year() < 2000:
			return time.Time{}, "The day " + stmtQuote(s) + " is too long ago; check the year."
		}
		return d, ""
	}
	if t == "" {
		return time.Time{}, "The date is empty."
	}
	return time.Time{}, "The date " + stmtQuote(s) + " is not a day such as " + today.Format(dayLayout) + " or " + today.Format("02/01/2006") + "."
}

// stmtQuote shows a value from the file in a message, cut short.
func stmtQuote(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 30 {
		s = string([]rune(s)[:30]) + "…"
	}
	return strconv.Quote(s)
}
