package supporter_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// TestParseStatementReadsBankFormats reads the shapes UK banks export:
// each file holds one £5.00 credit from ANNA on 4 November and one debit.
func TestParseStatementReadsBankFormats(t *testing.T) {
	tests := []struct{ name, file, desc string }{
		{"signed amount", "Date,Description,Amount\n04/11/2024,SO ANNA,5.00\n05/11/2024,RENT,-500.00\n", "SO ANNA"},
		{"iso day, money sign", "date,description,amount\n2024-11-04,SO ANNA,£5.00\n2024-11-05,RENT,-£500.00\n", "SO ANNA"},
		{"paid in and out", "Date,Type,Description,Paid out,Paid in,Balance\n04 Nov 2024,SO,SO ANNA,,5.00,105.00\n05 Nov 2024,DD,RENT,500.00,,-395.00\n", "SO ANNA"},
		{"money in and out, BOM", "\ufeffTransaction Date,Details,Money In,Money Out\n04-Nov-2024,SO ANNA,£5.00,\n05-Nov-2024,RENT,,£500.00\n", "SO ANNA"},
		{"credit debit columns, short year", "Posting Date,Narrative,Debit,Credit\n04/11/24,SO ANNA,,5\n05/11/24,RENT,500,\n", "SO ANNA"},
		{"reference and description", "Date,Name,Reference,Amount (GBP)\n2024-11-04,A SMITH,ANNA,5.00\n2024-11-05,LANDLORD,RENT,(500.00)\n", "ANNA A SMITH"},
		{"DR and CR", "Date,Memo,Value\n04/11/2024,SO ANNA,5.00 CR\n05/11/2024,RENT,500.00 DR\n", "SO ANNA"},
		{"preamble before header", "Account Name:,Coopress Ltd\nAccount Number:,12345678\n\nDate,Description,Amount\n04/11/2024,SO ANNA,5.00\n05/11/2024,RENT,-500.00\n", "SO ANNA"},
		{"ISO day with time, CRLF", "Date,Description,Amount\r\n2024-11-04T09:12:00Z,SO ANNA,5.00\r\n2024-11-05 10:00,RENT,-500\r\n", "SO ANNA"},
		{"blank lines", "Date,Description,Amount\n04/11/2024,SO ANNA,5.00\n,,\n05/11/2024,RENT,-500.00\n", "SO ANNA"},
	}
	loc := soLondon(t)
	want := time.Date(2024, 11, 4, 0, 0, 0, 0, loc)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := soMustParse(t, tt.file)
			if len(st.Lines) != 1 || st.Debits != 1 {
				t.Fatalf("got %d credits and %d debits, want 1 and 1: %+v", len(st.Lines), st.Debits, st.Lines)
			}
			l := st.Lines[0]
			if len(l.Problems) > 0 || !l.Day.Equal(want) || l.Amount.Minor != 500 || l.Amount.Currency != "GBP" || l.Description != tt.desc {
				t.Fatalf("got %+v, want £5.00 on %v from %q", l, want, tt.desc)
			}
			if len(l.Fingerprint) != 32 {
				t.Fatalf("fingerprint %q", l.Fingerprint)
			}
		})
	}
}

// TestParseStatementRefusesBadFiles: a problem with the file is one
// refusal naming the file and, where there is one, the line.
func TestParseStatementRefusesBadFiles(t *testing.T) {
	head := "Date,Description,Amount\n"
	good := "04/11/2024,SO ANNA,5.00\n"
	tests := []struct{ name, file, want string }{
		{"empty", "", "The file is empty"},
		{"blank", "\n \n", "The file is empty"},
		{"no header", good + good, "No line names the statement's columns"},
		{"no amount column", "Date,Description,Balance\n" + good, "No line names the statement's columns"},
		{"header only", head, "header line but no payments"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", "not a CSV text file"},
		{"latin-1", head + "04/11/2024,Ren\xe9,5.00\n", "not a CSV text file"},
		{"bad quote", head + good + "04/11/2024,\"SO ANNA,5.00\n", "Line 3 has a quote mark out of place"},
		{"too many lines", head + strings.Repeat(good, supporter.StatementMaxLines+1), "more than 5,000 lines"},
		{"too large", head + good + strings.Repeat("x", supporter.StatementMaxBytes), "larger than 2 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := soParse(t, tt.file)
			v, ok := valid.As(err)
			if !ok || v.Field != supporter.StatementField || !strings.Contains(v.Message, tt.want) || st.Lines != nil {
				t.Fatalf("got %d lines, %v; want a refusal of the file saying %q", len(st.Lines), err, tt.want)
			}
		})
	}
	if st, err := soParse(t, head+strings.Repeat(good, supporter.StatementMaxLines)); err != nil || len(st.Lines) != supporter.StatementMaxLines {
		t.Fatalf("exactly %d lines: %d, %v", supporter.StatementMaxLines, len(st.Lines), err)
	}
	if _, err := supporter.ParseStatement(iotest.ErrReader(errors.New("disk")), "GBP", time.UTC, time.Now()); err == nil {
		t.Fatal("a failing reader gave no error")
	} else if _, ok := valid.As(err); ok {
		t.Fatalf("a failing reader is blamed on the file: %v", err)
	}
}

// TestParseStatementLineProblems: a bad line is kept with its problems and
// its line number, beside the good ones, so all can be shown at once.
func TestParseStatementLineProblems(t *testing.T) {
	tests := []struct{ name, line, field, want string }{
		{"bad day", "31/02/2024,SO ANNA,5.00", "date", `The date "31/02/2024" is not a day`},
		{"american day", "11/25/2024,SO ANNA,5.00", "date", "is not a day"},
		{"future day", "21/11/2024,SO ANNA,5.00", "date", "has not come yet: today is 2024-11-20"},
		{"ancient day", "04/11/1999,SO ANNA,5.00", "date", "too long ago"},
		{"empty day", ",SO ANNA,5.00", "date", "The date is empty"},
		{"words for amount", "04/11/2024,SO ANNA,five", "amount", "is not a number"},
		{"empty amount", "04/11/2024,SO ANNA,", "amount", "The amount is empty"},
		{"too precise", "04/11/2024,SO ANNA,5.001", "amount", "more than two decimal places"},
		{"too large", "04/11/2024,SO ANNA,2000000", "amount", "the most one payment can be"},
		{"wrong currency", "04/11/2024,SO ANNA,€5", "amount", "is not in GBP"},
		{"short line", "04/11/2024,5.00", "file", "Line 3 has 2 columns, but the header has 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := soMustParse(t, "Date,Description,Amount\n04/11/2024,SO BEN,10.00\n"+tt.line+"\n")
			if len(st.Lines) != 2 || st.Invalid() != 1 {
				t.Fatalf("got %d lines, %d invalid: %+v", len(st.Lines), st.Invalid(), st.Lines)
			}
			l := st.Lines[1]
			if l.Line != 3 || len(l.Problems) != 1 || l.Problems[0].Field != tt.field || !strings.Contains(l.Problems[0].Message, tt.want) {
				t.Fatalf("line %d problems %+v; want %s: %q", l.Line, l.Problems, tt.field, tt.want)
			}
			if len(st.Lines[0].Problems) != 0 {
				t.Fatalf("the good line has problems: %+v", st.Lines[0].Problems)
			}
		})
	}
}

// TestStatementFingerprints: the same file read twice gives the same
// fingerprints; identical lines in one file are told apart by their
// place; a change of day, amount or description is another payment, while
// spacing and case are not.
func TestStatementFingerprints(t *testing.T) {
	file := "Date,Description,Amount\n04/11/2024,SO ANNA,5.00\n04/11/2024,SO ANNA,5.00\n04/11/2024,so  anna,5.00\n" +
		"05/11/2024,SO ANNA,5.00\n04/11/2024,SO ANNA,5.01\n04/11/2024,SO ANNE,5.00\n"
	a, b := soMustParse(t, file), soMustParse(t, file)
	seen := map[string]int{}
	for i, l := range a.Lines {
		if l.Fingerprint != b.Lines[i].Fingerprint {
			t.Fatalf("line %d: fingerprints differ between two reads", l.Line)
		}
		if first, dup := seen[l.Fingerprint]; dup {
			t.Fatalf("lines %d and %d share a fingerprint", first, l.Line)
		}
		seen[l.Fingerprint] = l.Line
	}
	// "so  anna" is the third SO ANNA of the day, not a new description:
	// in a second statement holding only it, it is the first.
	c := soMustParse(t, "Date,Description,Amount\n04/11/2024,SO ANNA,5.00\n")
	if c.Lines[0].Fingerprint != a.Lines[0].Fingerprint {
		t.Fatal("the first SO ANNA of the day changed fingerprint in another statement")
	}
	if a.Key == c.Key {
		t.Fatal("two different files share a key")
	}
}
