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

// appoint records a checked appointment.
func appoint(t *testing.T, s *society.Service, in society.OfficerInput) society.Officer {
	t.Helper()
	a, err := society.ParseOfficer(in, today, society.DefaultRules())
	if err != nil {
		t.Fatalf("parse %+v: %v", in, err)
	}
	o, err := s.Appoint(context.Background(), a, secretary)
	if err != nil {
		t.Fatalf("appoint %s: %v", in.Name, err)
	}
	return o
}

// endOffice records a checked end of a term.
func endOffice(t *testing.T, s *society.Service, id int64, on, reason string) error {
	t.Helper()
	_, err := s.EndOffice(context.Background(), society.OfficeEnd{Officer: id, On: on, Reason: reason}, secretary)
	return err
}

// TestParseOfficerRefusesBadInput: each mistake is refused beside its
// own field, and every field at fault is named at once.
func TestParseOfficerRefusesBadInput(t *testing.T) {
	good := society.OfficerInput{Name: "Ada Chair", Office: "Chair", On: "2025-05-01"}
	long := strings.Repeat("x", 201)
	for _, c := range []struct {
		name   string
		edit   func(*society.OfficerInput)
		fields []string
	}{
		{"empty name", func(in *society.OfficerInput) { in.Name = "  " }, []string{society.FieldName}},
		{"name too long", func(in *society.OfficerInput) { in.Name = long }, []string{society.FieldName}},
		{"empty office", func(in *society.OfficerInput) { in.Office = "" }, []string{society.FieldOffice}},
		{"office too long", func(in *society.OfficerInput) { in.Office = long[:101] }, []string{society.FieldOffice}},
		{"control character", func(in *society.OfficerInput) { in.Office = "Chair\x00" }, []string{society.FieldOffice}},
		{"address too long", func(in *society.OfficerInput) { in.Address = strings.Repeat("y", 501) }, []string{society.FieldAddress}},
		{"member not a number", func(in *society.OfficerInput) { in.Member = "12a" }, []string{society.FieldMember}},
		{"member zero", func(in *society.OfficerInput) { in.Member = "0" }, []string{society.FieldMember}},
		{"no date", func(in *society.OfficerInput) { in.On = "" }, []string{society.FieldDate}},
		{"impossible date", func(in *society.OfficerInput) { in.On = "2025-02-30" }, []string{society.FieldDate}},
		{"future date", func(in *society.OfficerInput) { in.On = "2026-12-01" }, []string{society.FieldDate}},
		{"everything", func(in *society.OfficerInput) { *in = society.OfficerInput{On: "soon"} },
			[]string{society.FieldName, society.FieldOffice, society.FieldDate}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := good
			c.edit(&in)
			_, err := society.ParseOfficer(in, today, society.DefaultRules())
			var got []string
			for _, v := range valid.All(err) {
				got = append(got, v.Field)
			}
			if strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Fatalf("refused %v (%v); want %v", got, err, c.fields)
			}
		})
	}
	if _, err := society.ParseOfficer(good, today, society.DefaultRules()); err != nil {
		t.Fatalf("a good appointment refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		in    society.OfficeEndInput
		field string
	}{
		{"no appointment", society.OfficeEndInput{On: "2025-06-01", Reason: "resigned"}, society.FieldOfficer},
		{"appointment not a number", society.OfficeEndInput{Officer: "x", On: "2025-06-01", Reason: "resigned"}, society.FieldOfficer},
		{"impossible date", society.OfficeEndInput{Officer: "1", On: "2025-13-01", Reason: "resigned"}, society.FieldDate},
		{"future date", society.OfficeEndInput{Officer: "1", On: "2027-01-01", Reason: "resigned"}, society.FieldDate},
		{"no reason", society.OfficeEndInput{Officer: "1", On: "2025-06-01", Reason: " "}, society.FieldReason},
	} {
		t.Run("end/"+c.name, func(t *testing.T) {
			_, err := society.ParseOfficeEnd(c.in, today, society.DefaultRules())
			wantField(t, err, c.field, nil)
		})
	}
}

// TestOfficerRegister: appointments and ends make the register as of any
// day; refusals that need the database record nothing; both tables refuse
// change; every change is audited. On both engines.
func TestOfficerRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		m := admit(t, s, "Ben Member", "2 Low Rd", "10", "2024-01-10")
		chair := appoint(t, s, society.OfficerInput{Name: "Ada Chair", Office: "Chair", On: "2024-03-01"})
		sec := appoint(t, s, society.OfficerInput{Name: "Ben Member", Office: "Secretary", Address: "2 Low Rd",
			Member: "1", On: "2024-03-01"})
		mistake := appoint(t, s, society.OfficerInput{Name: "Cy Typo", Office: "Treasurer", On: "2025-01-01"})
		if sec.Member != m.Number {
			t.Fatalf("secretary's member number %d; want %d", sec.Member, m.Number)
		}
		if err := endOffice(t, s, chair.ID, "2025-06-30", "resigned"); err != nil {
			t.Fatal(err)
		}
		if err := endOffice(t, s, mistake.ID, "2025-01-01", society.ReasonInError); err != nil {
			t.Fatal(err)
		}

		// Refusals: each names its field and records nothing.
		audited := count(t, d, "SELECT COUNT(*) FROM audit_log")
		for _, c := range []struct {
			name  string
			try   func() error
			field string
			cause error
		}{
			{"member not in the register", func() error {
				_, err := s.Appoint(ctx, society.Appointment{Name: "Di", Office: "Director", Member: 99, On: "2025-01-01"}, secretary)
				return err
			}, society.FieldMember, society.ErrNotFound},
			{"end before the appointment", func() error { return endOffice(t, s, sec.ID, "2024-02-28", "resigned") }, society.FieldDate, nil},
			{"ending twice", func() error { return endOffice(t, s, chair.ID, "2025-07-01", "resigned") }, society.FieldOfficer, society.ErrOfficeEnded},
			{"no such appointment", func() error { return endOffice(t, s, 999, "2025-07-01", "resigned") }, society.FieldOfficer, society.ErrNotFound},
		} {
			t.Run(c.name, func(t *testing.T) { wantField(t, c.try(), c.field, c.cause) })
		}
		if n := count(t, d, "SELECT COUNT(*) FROM officers"); n != 3 {
			t.Errorf("%d appointments after the refusals; want 3", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM officer_ends"); n != 2 {
			t.Errorf("%d ends after the refusals; want 2", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log"); n != audited {
			t.Errorf("the refusals wrote %d audit entries", n-audited)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'society.officer_%'"); n != 5 {
			t.Errorf("%d officer changes audited; want 5", n)
		}

		for _, c := range []struct {
			asOf            string
			current, former string
		}{
			{"2024-02-29", "", ""},
			{"2024-03-01", "Ada Chair Chair,Ben Member Secretary", ""},
			{"2025-01-01", "Ada Chair Chair,Ben Member Secretary", "Cy Typo Treasurer"},
			{"2025-06-29", "Ada Chair Chair,Ben Member Secretary", "Cy Typo Treasurer"},
			{"2025-06-30", "Ben Member Secretary", "Ada Chair Chair,Cy Typo Treasurer"},
		} {
			t.Run("as of "+c.asOf, func(t *testing.T) {
				cur, former, err := s.OfficerRegister(ctx, c.asOf)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(cur); got != c.current {
					t.Errorf("in office %q; want %q", got, c.current)
				}
				if got := names(former); got != c.former {
					t.Errorf("former %q; want %q", got, c.former)
				}
				now, err := s.Officers(ctx, c.asOf)
				if err != nil || names(now) != c.current {
					t.Errorf("Officers: %q, %v; want %q", names(now), err, c.current)
				}
			})
		}
		all, err := s.OfficerHistory(ctx)
		if err != nil || len(all) != 3 || all[0].EndReason != "resigned" || all[2].EndReason != society.ReasonInError || !all[1].Current() {
			t.Errorf("history %+v, %v", all, err)
		}

		for _, q := range []string{"UPDATE officers SET office = 'President'", "DELETE FROM officers",
			"UPDATE officer_ends SET reason = 'x'", "DELETE FROM officer_ends"} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s succeeded on an append-only table", q)
			}
		}
		mustCheck(t, s)
	})
}

// names lists officers as "Name Office", comma-separated.
func names(os []society.Officer) string {
	var out []string
	for _, o := range os {
		out = append(out, o.Name+" "+o.Office)
	}
	return strings.Join(out, ",")
}
