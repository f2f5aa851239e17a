package society_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// parseImport parses a register file under the default rules.
func parseImport(t *testing.T, file string) ([]society.ImportRow, error) {
	t.Helper()
	return society.ParseImport(strings.NewReader(file), today, society.DefaultRules())
}

// memberCount counts the register's members, former ones included.
func memberCount(t *testing.T, d *db.DB) (members, entries int) {
	t.Helper()
	if err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM share_entries)`).
		Scan(&members, &entries); err != nil {
		t.Fatal(err)
	}
	return members, entries
}

const goodRegister = "\ufeffNumber,name,postal_address,email,email_use,class,shares,admitted_on\n" +
	"17,Ann Jones,\"1 High St\nLeeds LS1 1AA\",ann@example.org,notices-and-news,,250,1998-04-01\n" +
	"204,Leeds Trades Council,\"2 Union Rd, Leeds\",,,organisation,20000,2010-10-10\n" +
	"3,'=Eve Formula,3 Low Rd,,,individual,1,2024-02-29\n"

// TestImportKeepsNumbersAndDates imports a register on both engines:
// every member keeps their number and admission day, with their holding
// as one allotment that day; the next admission takes the number after
// the highest; the same file again records nothing.
func TestImportKeepsNumbersAndDates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		rows, err := parseImport(t, goodRegister)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckImport(ctx, rows); err != nil || society.ImportProblems(rows) != 0 {
			t.Fatalf("%v %+v", err, rows)
		}
		var progress []int
		res, err := s.Import(ctx, rows, secretary, func(done, total int) { progress = append(progress, done, total) })
		if err != nil || res != (society.ImportResult{Recorded: 3}) || len(progress) != 2 || progress[0] != 3 {
			t.Fatalf("import: %+v %v, progress %v", res, err, progress)
		}
		reg, err := s.Register(ctx, "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		want := []society.Row{
			{Number: 3, Class: society.Individual, Name: "=Eve Formula", Address: "3 Low Rd", EmailUse: society.EmailNone, Shares: 1, Paid: 100, AdmittedOn: "2024-02-29"},
			{Number: 17, Class: society.Individual, Name: "Ann Jones", Address: "1 High St\nLeeds LS1 1AA", Email: "ann@example.org",
				EmailUse: society.EmailNoticesAndNews, Shares: 250, Paid: 25000, AdmittedOn: "1998-04-01"},
			{Number: 204, Class: society.Organisation, Name: "Leeds Trades Council", Address: "2 Union Rd, Leeds", EmailUse: society.EmailNone,
				Shares: 20000, Paid: 2000000, AdmittedOn: "2010-10-10"},
		}
		if len(reg) != len(want) {
			t.Fatalf("register %+v", reg)
		}
		for i := range want {
			if reg[i] != want[i] {
				t.Errorf("row %d:\n got %+v\nwant %+v", i, reg[i], want[i])
			}
		}
		if next := admit(t, s, "New Member", "9 Park Ave", "1", "2026-11-30"); next.Number != 205 {
			t.Errorf("next number %d, want 205", next.Number)
		}
		mustCheck(t, s)

		again, err := parseImport(t, goodRegister)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckImport(ctx, again); err != nil {
			t.Fatal(err)
		}
		for _, r := range again {
			if !r.Recorded || !r.OK() {
				t.Errorf("line %d on the second import: %+v", r.Line, r)
			}
		}
		before, entries := memberCount(t, d)
		if res, err := s.Import(ctx, again, secretary, nil); err != nil || res != (society.ImportResult{Skipped: 3}) {
			t.Fatalf("second import: %+v %v", res, err)
		}
		if m, e := memberCount(t, d); m != before || e != entries {
			t.Errorf("the second import recorded %d members and %d entries", m-before, e-entries)
		}
	})
}

// TestImportBadLines: each bad line is named with its column and a reason
// the secretary can act on, and nothing at all is recorded while any
// line is wrong, even beside good ones.
func TestImportBadLines(t *testing.T) {
	const head = "number,name,postal_address,shares,admitted_on,amount_paid,ceased_on\n"
	const good = "1,Good Person,1 Good St,10,2020-01-01,,\n"
	long := strings.Repeat("x", 201)
	for _, tc := range []struct {
		name, lines  string
		line         int
		column, want string
	}{
		{"a number twice in the file", "5,Ann,1 A St,1,2020-01-01,,\n5,Ben,2 B St,1,2020-01-01,,\n", 4, "number", "also on line 3"},
		{"a number the register gives someone else", "100,Ann,1 A St,1,2020-01-01,,\n", 3, "number", "already in the register for someone else"},
		{"the same person twice", "5,Ann,1 A St,1,2020-01-01,,\n6,ann,\"1 A St.\",1,2021-01-01,,\n", 4, "name", "same person"},
		{"in the register with another day", "100,Reg Member,9 Reg Rd,1,2019-01-02,,\n", 3, "admitted_on", "admitted on 2019-01-01, not 2019-01-02"},
		{"already a member under another number", "7,Reg Member,9 Reg Rd,1,2020-01-01,,\n", 3, "name", "already member 100"},
		{"no number", ",Ann,1 A St,1,2020-01-01,,\n", 3, "number", "keeps every number"},
		{"a number that is not one", "x7,Ann,1 A St,1,2020-01-01,,\n", 3, "number", "whole number"},
		{"an impossible date", "5,Ann,1 A St,1,2023-02-29,,\n", 3, "admitted_on", "not a day of the calendar"},
		{"a date to come", "5,Ann,1 A St,1,2027-01-01,,\n", 3, "admitted_on", "future"},
		{"a date in another shape", "5,Ann,1 A St,1,01/02/2020,,\n", 3, "admitted_on", "year-month-day"},
		{"over the cap", "5,Ann,1 A St,100001,2020-01-01,,\n", 3, "shares", "at most £100,000"},
		{"no shares", "5,Ann,1 A St,0,2020-01-01,,\n", 3, "shares", "at least one"},
		{"fractional shares", "5,Ann,1 A St,2.5,2020-01-01,,\n", 3, "shares", "whole"},
		{"an empty name", "5,,1 A St,1,2020-01-01,,\n", 3, "name", "Enter the member's name"},
		{"a name too long", "5," + long + ",1 A St,1,2020-01-01,,\n", 3, "name", "200 characters"},
		{"an empty address", "5,Ann,  ,1,2020-01-01,,\n", 3, "postal_address", "Enter the postal address"},
		{"an address too long", "5,Ann," + strings.Repeat("y", 501) + ",1,2020-01-01,,\n", 3, "postal_address", "500 characters"},
		{"a formula for a name", "5,=cmd|' /C calc'!A0,1 A St,1,2020-01-01,,\n", 3, "name", "like a spreadsheet formula"},
		{"a formula for an address", "5,Ann,@SUM(A1),1,2020-01-01,,\n", 3, "postal_address", "like a spreadsheet formula"},
		{"partly paid", "5,Ann,1 A St,10,2020-01-01,5.00,\n", 3, "amount_paid", "£10 paid"},
		{"a former member without the shares they held", "5,Ann,1 A St,0,2020-01-01,,2021-01-01\n", 3, "shares_at_ceasing",
			"Give the shares this former member held when they left, in a shares_at_ceasing column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := dbtest.SQLite(t)
			ctx := context.Background()
			s := newService(t, d)
			if _, err := s.Admit(ctx, withNumber(admission(t, "Reg Member", "9 Reg Rd", "1", "2019-01-01"), 100), secretary); err != nil {
				t.Fatal(err)
			}
			rows, err := parseImport(t, head+good+tc.lines)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CheckImport(ctx, rows); err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, r := range rows {
				for _, p := range r.Problems {
					if r.Line == tc.line && p.Field == tc.column && strings.Contains(p.Message, tc.want) {
						found = true
					}
				}
				if r.Line == 2 && !r.OK() {
					t.Errorf("the good line has problems: %+v", r.Problems)
				}
			}
			if !found {
				t.Fatalf("no problem on line %d, %s, saying %q: %+v", tc.line, tc.column, tc.want, rows)
			}
			members, entries := memberCount(t, d)
			_, err = s.Import(ctx, rows, secretary, nil)
			if v, ok := valid.As(err); !ok || v.Field != society.FieldFile {
				t.Fatalf("import: %v", err)
			}
			if m, e := memberCount(t, d); m != members || e != entries {
				t.Errorf("%d members and %d entries recorded", m-members, e-entries)
			}
		})
	}
}

// TestImportBadFiles: a file that cannot be read as a register is refused
// as a whole, in words.
func TestImportBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"empty", " \n", "empty"},
		{"no members", "number,name,postal_address,shares,admitted_on\n", "no members"},
		{"a column missing", "number,name,shares,admitted_on\n1,Ann,1,2020-01-01\n", "lacks postal_address"},
		{"an unknown column", "number,name,postal_address,shares,admitted_on,phone\n", `column "phone"`},
		{"a column twice", "number,name,name,postal_address,shares,admitted_on\n", "named twice"},
		{"a short line", "number,name,postal_address,shares,admitted_on\n1,Ann\n", "Line 2 has a different number of columns"},
		{"a stray quote", "number,name,postal_address,shares,admitted_on\n1,An\"n,1 A St,1,2020-01-01\n", "quote mark"},
		{"not text", "number,name\x00", "not a CSV text file"},
		{"not UTF-8", "number,name,postal_address,shares,admitted_on\n1,Ren\xe9e,1 A St,1,2020-01-01\n", "CSV UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := parseImport(t, tc.file)
			v, ok := valid.As(err)
			if !ok || v.Field != society.FieldFile || !strings.Contains(v.Message, tc.want) || rows != nil {
				t.Fatalf("got %v (%d rows), want a refusal saying %q", err, len(rows), tc.want)
			}
		})
	}
	big := strings.Repeat("x", society.ImportMaxBytes+1)
	if _, err := parseImport(t, big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a file too large: %v", err)
	}
}

// TestImportRoundTrip: the register one coopress writes as CSV imports
// into another, names that look like formulas included.
func TestImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	from := newService(t, dbtest.SQLite(t))
	admit(t, from, "=Odd Name", "1 A St\nLeeds", "5", "2020-01-01")
	admit(t, from, "Ben", "+44 Rd", "7", "2021-01-01")
	var csv strings.Builder
	if err := from.WriteCSV(ctx, &csv, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	to := newService(t, dbtest.SQLite(t))
	rows, err := parseImport(t, csv.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.Import(ctx, rows, secretary, nil); err != nil {
		t.Fatalf("%v: %+v", err, rows)
	}
	a, _ := from.Register(ctx, "2026-11-30")
	b, _ := to.Register(ctx, "2026-11-30")
	if len(a) != 2 || len(b) != 2 || a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("exported %+v\nimported %+v", a, b)
	}
}
