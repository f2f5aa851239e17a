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

// formerRegister has a current member, two who left (one of them the
// current member's earlier membership, one who left the day she joined).
const formerRegister = "number,name,postal_address,shares,amount_paid,admitted_on,ceased_on,shares_at_ceasing\n" +
	"17,Ann Jones,1 High St,250,250.00,1998-04-01,,\n" +
	"18,Ben Smith,2 Low Rd,0,0.00,2001-05-01,2019-06-30,40\n" +
	"9,Ann Jones,1 High St,0,,1990-01-01,1995-01-01,10\n" +
	"20,Cath Lee,3 Mill Ln,0,,2020-01-01,2020-01-01,5\n"

// TestImportFormerMembers imports former members on both engines: each
// keeps their number, admission and the day they ceased, with what they
// held then allotted on admission and withdrawn on that day, so the
// register as of any day between shows them holding it; the register
// checks clean; the same file again records nothing.
func TestImportFormerMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		rows, err := parseImport(t, formerRegister)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckImport(ctx, rows); err != nil || society.ImportProblems(rows) != 0 {
			t.Fatalf("%v %+v", err, rows)
		}
		if res, err := s.Import(ctx, rows, secretary, nil); err != nil || res != (society.ImportResult{Recorded: 4, Former: 3}) {
			t.Fatalf("import: %+v %v", res, err)
		}
		for _, c := range []struct {
			asOf string
			want []society.Row
		}{
			{"2026-11-30", []society.Row{
				{Number: 9, Name: "Ann Jones", Shares: 0, Paid: 0, AdmittedOn: "1990-01-01", CeasedOn: "1995-01-01"},
				{Number: 17, Name: "Ann Jones", Shares: 250, Paid: 25000, AdmittedOn: "1998-04-01"},
				{Number: 18, Name: "Ben Smith", Shares: 0, Paid: 0, AdmittedOn: "2001-05-01", CeasedOn: "2019-06-30"},
				{Number: 20, Name: "Cath Lee", Shares: 0, Paid: 0, AdmittedOn: "2020-01-01", CeasedOn: "2020-01-01"},
			}},
			{"2019-06-29", []society.Row{
				{Number: 9, Name: "Ann Jones", Shares: 0, Paid: 0, AdmittedOn: "1990-01-01", CeasedOn: "1995-01-01"},
				{Number: 17, Name: "Ann Jones", Shares: 250, Paid: 25000, AdmittedOn: "1998-04-01"},
				{Number: 18, Name: "Ben Smith", Shares: 40, Paid: 4000, AdmittedOn: "2001-05-01"},
			}},
			{"1994-12-31", []society.Row{{Number: 9, Name: "Ann Jones", Shares: 10, Paid: 1000, AdmittedOn: "1990-01-01"}}},
		} {
			reg, err := s.Register(ctx, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			if len(reg) != len(c.want) {
				t.Fatalf("as of %s: %+v", c.asOf, reg)
			}
			for i, w := range c.want {
				g := reg[i]
				if g.Number != w.Number || g.Name != w.Name || g.Shares != w.Shares || g.Paid != w.Paid ||
					g.AdmittedOn != w.AdmittedOn || g.CeasedOn != w.CeasedOn {
					t.Errorf("as of %s, row %d:\n got %+v\nwant %+v", c.asOf, i, g, w)
				}
			}
		}
		mustCheck(t, s)

		again, err := parseImport(t, formerRegister)
		if err != nil {
			t.Fatal(err)
		}
		members, entries := memberCount(t, d)
		if res, err := s.Import(ctx, again, secretary, nil); err != nil || res != (society.ImportResult{Skipped: 4}) {
			t.Fatalf("second import: %+v %v", res, err)
		}
		if m, e := memberCount(t, d); m != members || e != entries {
			t.Errorf("the second import recorded %d members and %d entries", m-members, e-entries)
		}
	})
}

// TestImportFormerMembersBadLines: each mistake in a former member's line
// is named beside its column, and nothing is recorded while any is wrong.
func TestImportFormerMembersBadLines(t *testing.T) {
	const head = "number,name,postal_address,shares,amount_paid,admitted_on,ceased_on,shares_at_ceasing\n"
	const good = "1,Good Person,1 Good St,10,,2020-01-01,,\n"
	for _, tc := range []struct {
		name, head, lines string
		column, want      string
	}{
		{"no shares at ceasing", head, "5,Ann,1 A St,0,,2020-01-01,2021-01-01,\n", "shares_at_ceasing", "Give the shares this former member held"},
		{"no column for them", "number,name,postal_address,shares,amount_paid,admitted_on,ceased_on\n",
			"5,Ann,1 A St,0,,2020-01-01,2021-01-01\n", "shares_at_ceasing", "in a shares_at_ceasing column"},
		{"shares held now", head, "5,Ann,1 A St,10,,2020-01-01,2021-01-01,10\n", "shares", "holds no shares now"},
		{"money paid in now", head, "5,Ann,1 A St,0,10.00,2020-01-01,2021-01-01,10\n", "amount_paid", "nothing paid in now"},
		{"a negative amount paid", head, "5,Ann,1 A St,0,-1.00,2020-01-01,2021-01-01,10\n", "amount_paid", "nothing paid in now"},
		{"left before admission", head, "5,Ann,1 A St,0,,2020-01-01,2019-12-31,10\n", "ceased_on",
			"left on 2019-12-31, before they were admitted on 2020-01-01"},
		{"an impossible day", head, "5,Ann,1 A St,0,,2020-01-01,2021-02-30,10\n", "ceased_on", "not a day of the calendar"},
		{"a day to come", head, "5,Ann,1 A St,0,,2020-01-01,2027-01-01,10\n", "ceased_on", "future"},
		{"over the cap", head, "5,Ann,1 A St,0,,2020-01-01,2021-01-01,100001\n", "shares_at_ceasing", "at most £100,000"},
		{"fractional", head, "5,Ann,1 A St,0,,2020-01-01,2021-01-01,2.5\n", "shares_at_ceasing", "whole"},
		{"on a current member", head, "5,Ann,1 A St,10,,2020-01-01,,10\n", "shares_at_ceasing", "Only for a former member"},
		{"a member who still holds shares", head, "100,Reg Member,9 Reg Rd,0,,2019-01-01,2021-01-01,1\n", "ceased_on",
			"Member 100 is in the register still holding shares"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := dbtest.SQLite(t)
			ctx := context.Background()
			s := newService(t, d)
			if _, err := s.Admit(ctx, withNumber(admission(t, "Reg Member", "9 Reg Rd", "1", "2019-01-01"), 100), secretary); err != nil {
				t.Fatal(err)
			}
			good := good
			if tc.head != head {
				good = "1,Good Person,1 Good St,10,,2020-01-01,\n"
			}
			rows, err := parseImport(t, tc.head+good+tc.lines)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CheckImport(ctx, rows); err != nil {
				t.Fatal(err)
			}
			if !rows[0].OK() {
				t.Errorf("the good line has problems: %+v", rows[0].Problems)
			}
			var got []string
			for _, p := range rows[1].Problems {
				got = append(got, p.Field+": "+p.Message)
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.column+": ") || !strings.Contains(got[0], tc.want) {
				t.Fatalf("line 3's problems:\n%s\nwant one, %s, saying %q", strings.Join(got, "\n"), tc.column, tc.want)
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

// TestRegisterCSVImportsAsItIs: the register's own CSV, former members
// included, imports into another society's empty register as it is, and
// the second register's CSV is the first's, line for line, on any day.
func TestRegisterCSVImportsAsItIs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		rows, err := parseImport(t, formerRegister)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, rows, secretary, nil); err != nil {
			t.Fatal(err)
		}
		var exported strings.Builder
		if err := s.WriteCSV(ctx, &exported, "2026-11-30"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(exported.String(), ",2019-06-30,40\n") {
			t.Fatalf("a former member's line lacks what they held when they left:\n%s", exported.String())
		}

		other := newService(t, dbtest.SQLite(t))
		again, err := parseImport(t, exported.String())
		if err != nil {
			t.Fatal(err)
		}
		if err := other.CheckImport(ctx, again); err != nil || society.ImportProblems(again) != 0 {
			t.Fatalf("the exported register does not import: %v %+v", err, again)
		}
		if _, err := other.Import(ctx, again, secretary, nil); err != nil {
			t.Fatal(err)
		}
		for _, asOf := range []string{"2026-11-30", "2019-06-29", "1994-12-31"} {
			var a, b strings.Builder
			if err := s.WriteCSV(ctx, &a, asOf); err != nil {
				t.Fatal(err)
			}
			if err := other.WriteCSV(ctx, &b, asOf); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Errorf("as of %s the imported register differs:\n%s\nwant\n%s", asOf, b.String(), a.String())
			}
		}
		mustCheck(t, other)
	})
}
