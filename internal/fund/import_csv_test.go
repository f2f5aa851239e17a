package fund_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

const csvHeader = "date,amount,method,name,email,town,public,public_name,message,reference\n"

func parseCSV(t *testing.T, file string) ([]fund.ImportRow, error) {
	t.Helper()
	loc := london(t)
	return fund.ParseCSV(strings.NewReader(file), "GBP", loc, time.Date(2024, 11, 6, 10, 0, 0, 0, loc))
}

func TestParseCSVRefusesBadFiles(t *testing.T) {
	good := "2024-11-04,20.00,cheque,,,,,,,\n"
	tests := []struct{ name, file, want string }{
		{"empty", "", "The file is empty"},
		{"blank", "\n\n  \n", "The file is empty"},
		{"header only", csvHeader, "header line but no gifts"},
		{"no header", good + good, "The first line must name exactly these columns: date, amount, method"},
		{"missing column", "date,amount,method\n2024-11-04,20,cash\n", "This file's first line has: date, amount, method."},
		{"extra column", strings.TrimSuffix(csvHeader, "\n") + ",notes\n" + strings.TrimSuffix(good, "\n") + ",x\n", "must name exactly"},
		{"repeated column", strings.Replace(csvHeader, "town", "name", 1) + good, "must name exactly"},
		{"short row", csvHeader + good + "2024-11-04,20.00,cheque\n", "Line 3 has a different number of columns"},
		{"bad quoting", csvHeader + "2024-11-04,\"20.00,cheque,,,,,,,\n", "quote mark out of place"},
		{"bare quote", csvHeader + "2024-11-04,20\"00,cheque,,,,,,,\n", "Line 2 has a quote mark out of place"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"},
		{"latin-1", csvHeader + "2024-11-04,20,cash,Ren\xe9,,,,,,\n", "not a CSV text file"},
		{"too many rows", csvHeader + strings.Repeat(good, fund.ImportMaxRows+1), "more than 5,000 gifts"},
		{"too large", csvHeader + good + strings.Repeat("x", fund.ImportMaxBytes), "larger than 2 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseCSV(t, tt.file)
			v, ok := valid.As(err)
			if !ok || v.Field != "file" || !strings.Contains(v.Message, tt.want) || rows != nil {
				t.Fatalf("got %d rows, %v; want a refusal of the file saying %q", len(rows), err, tt.want)
			}
		})
	}
	// Exactly the limits are allowed.
	if rows, err := parseCSV(t, csvHeader+strings.Repeat(good, fund.ImportMaxRows)); err != nil || len(rows) != fund.ImportMaxRows {
		t.Fatalf("%d rows: %d, %v", fund.ImportMaxRows, len(rows), err)
	}
	// A reader that fails is the caller's trouble, not the treasurer's.
	if _, err := fund.ParseCSV(iotest.ErrReader(errors.New("disk")), "GBP", time.UTC, time.Now()); err == nil {
		t.Fatal("a failing reader gave no error")
	} else if _, ok := valid.As(err); ok {
		t.Fatalf("a failing reader is blamed on the file: %v", err)
	}
}

func TestParseCSVReadsRows(t *testing.T) {
	loc := london(t)
	file := "\xef\xbb\xbf" + " Reference ,DATE,amount,method,name,email,town,public,public_name,message\n" +
		"chq-1,2024-11-04,20.00,cheque,Jane Smith,jane@example.org,Leeds,yes,J Smith,\"Keep it up,\ncomrades\"\n" +
		"BACS-1,2024-11-05,\"1,250\",Bank Transfer,,,Swansea,y,,\n" +
		",2024-11-06,3.50,cash,,,,,,\n" +
		"chq-1,2024-11-04,20.00,cheque,Jane Smith,,,,,\n" +
		"pi_123,2024-13-01,12.345,bitcoin,,not-an-email,,maybe,,\n" +
		",2024-11-06,3.50,cash,,,,,,\n"
	rows, err := parseCSV(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows", len(rows))
	}
	// The quoted message runs over two lines, so the next row is line 4.
	lines := []int{2, 4, 5, 6, 7, 8}
	for i, r := range rows {
		if r.Line != lines[i] {
			t.Errorf("row %d is line %d, want %d", i, r.Line, lines[i])
		}
	}
	first := rows[0].Gift
	if first.Amount != gbp(20) || first.Method != fund.Cheque || first.DonorName != "Jane Smith" || !first.Public ||
		first.PublicName != "J Smith" || first.Message != "Keep it up,\ncomrades" || first.ProviderRef != "chq-1" ||
		!first.ReceivedAt.Equal(time.Date(2024, 11, 4, 0, 0, 0, 0, loc)) {
		t.Errorf("line 2: %+v", first)
	}
	if g := rows[1].Gift; g.Amount != money.Major(1250, "GBP") || g.Method != fund.BankTransfer || !g.Public || g.ProviderRef != "BACS-1" {
		t.Errorf("line 4: %+v", g)
	}
	if rows[3].DuplicateOf != 2 || rows[0].DuplicateOf != 0 {
		t.Errorf("the repeated reference: duplicate of %d (first %d)", rows[3].DuplicateOf, rows[0].DuplicateOf)
	}
	// Lines without a reference get a key of the file and line, and two
	// like gifts stay two.
	if a, b := rows[2].Gift.ProviderRef, rows[5].Gift.ProviderRef; !strings.HasPrefix(a, "csv:") || !strings.HasSuffix(a, ":5") ||
		!strings.HasSuffix(b, ":8") || rows[5].DuplicateOf != 0 {
		t.Errorf("keys %q and %q, duplicate of %d", a, b, rows[5].DuplicateOf)
	}
	var got []string
	for _, p := range rows[4].Problems {
		got = append(got, p.Field+": "+p.Message)
	}
	want := []string{"amount: The amount can have at most two decimal places", "method: Choose how the gift came",
		"date: Write the date as year-month-day, such as 2024-11-06: there is no month 13", "public: Write yes or no",
		"email: Enter an email address", "reference: References beginning pi_ are Stripe's"}
	if len(got) != len(want) {
		t.Fatalf("line 7's problems: %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d: %q, want %q…", i, got[i], want[i])
		}
	}
	if rows[4].Gift != (fund.Entry{}) || rows[4].In.Method != "bitcoin" || rows[4].In.Reference != "pi_123" {
		t.Errorf("line 7 kept %+v as typed %+v", rows[4].Gift, rows[4].In)
	}
}

// The same file gives the same keys, so sending it twice records it once;
// another file gives others.
func TestParseCSVKeysFollowTheFile(t *testing.T) {
	file := csvHeader + "2024-11-04,20,cash,,,,,,,\n2024-11-04,20,cash,,,,,,,\n"
	a, errA := parseCSV(t, file)
	b, errB := parseCSV(t, file)
	c, errC := parseCSV(t, file+"2024-11-05,1,cash,,,,,,,\n")
	if errA != nil || errB != nil || errC != nil {
		t.Fatal(errA, errB, errC)
	}
	if a[0].Gift.ProviderRef != b[0].Gift.ProviderRef || a[1].Gift.ProviderRef != b[1].Gift.ProviderRef {
		t.Errorf("the same file gave keys %q and %q", a[0].Gift.ProviderRef, b[0].Gift.ProviderRef)
	}
	if a[0].Gift.ProviderRef == a[1].Gift.ProviderRef || a[0].Gift.ProviderRef == c[0].Gift.ProviderRef {
		t.Errorf("keys collide: %q %q %q", a[0].Gift.ProviderRef, a[1].Gift.ProviderRef, c[0].Gift.ProviderRef)
	}
}
