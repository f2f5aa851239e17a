package main

import (
	"context"
	"strings"
	"testing"
)

// TestOfficerCommands: appointments and ends of terms recorded from the
// command line make the register of officers as of any day, as text and
// as CSV; each mistake names its flag, exits 1 and records nothing.
func TestOfficerCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		appoint, end, list := []string{"officer", "appoint"}, []string{"officer", "end"}, []string{"officers"}
		steps := []struct {
			words []string
			args  []string
			want  []string
		}{
			{[]string{"member", "add"}, []string{"--name", "Ben Smith", "--address", "2 Low Rd", "--shares", "10", "--paid-on", "2024-01-10"},
				[]string{"admitted member 1"}},
			{appoint, []string{"--name", "Ada Chair", "--office", "Chair", "--on", "2024-03-01"},
				[]string{"appointment 1: Ada Chair, Chair, from 2024-03-01"}},
			{appoint, []string{"--name", "Ben Smith", "--office", "Secretary", "--on", "2024-03-01", "--member", "1", "--address", "2 Low Rd"},
				[]string{"appointment 2: Ben Smith, Secretary, from 2024-03-01"}},
			{appoint, []string{"--name", "=Cy Typo", "--office", "Treasurer", "--on", "2025-01-01"}, []string{"appointment 3"}},
			{end, []string{"--id", "1", "--on", "2025-06-30", "--reason", "resigned"},
				[]string{"appointment 1: Ada Chair's term as Chair ended on 2025-06-30 (resigned)"}},
			{end, []string{"--id", "3", "--on", "2025-01-01", "--reason", "recorded in error"}, []string{"(recorded in error)"}},
			{list, []string{"--as-of", "2025-06-29"}, []string{"Register of officers as of 2025-06-29",
				"1 Ada Chair Chair 2024-03-01 - -", "2 Ben Smith Secretary 2024-03-01 1 2 Low Rd",
				"3 =Cy Typo Treasurer 2025-01-01 2025-01-01 recorded in error", "2 in office, 1 former"}},
			{list, nil, []string{"1 Ada Chair Chair 2024-03-01 2025-06-30 resigned", "1 in office, 2 former"}},
			{list, []string{"--as-of", "2024-02-29"}, []string{"0 in office, 0 former"}},
			{list, []string{"--format", "csv", "--as-of", "2025-12-31"}, []string{
				"id,name,office,postal_address,member_number,appointed_on,ended_on,end_reason\n",
				"2,Ben Smith,Secretary,2 Low Rd,1,2024-03-01,,\n",
				"1,Ada Chair,Chair,,,2024-03-01,2025-06-30,resigned\n",
				"3,'=Cy Typo,Treasurer,,,2025-01-01,2025-01-01,recorded in error\n"}},
			{[]string{"register", "check"}, nil, []string{"officers_no_update", "officer_ends_no_delete", "ok: "}},
		}
		for _, st := range steps {
			code, stdout, stderr := inStore(t, store, st.words, st.args...)
			if code != 0 {
				t.Fatalf("%v %v: exit %d\n%s", st.words, st.args, code, stderr)
			}
			for _, w := range st.want {
				if !strings.Contains(squeeze(stdout), w) && !strings.Contains(stdout, w) {
					t.Errorf("%v %v: stdout lacks %q:\n%s", st.words, st.args, w, stdout)
				}
			}
		}
		counts := func() (n int) {
			d := openStore(t, store)
			defer d.Close()
			if err := d.QueryRowContext(context.Background(),
				`SELECT (SELECT COUNT(*) FROM officers) + (SELECT COUNT(*) FROM officer_ends)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := counts()
		for _, tc := range []struct {
			name    string
			words   []string
			args    []string
			wantErr string
		}{
			{"no name", appoint, []string{"--office", "Director", "--on", "2024-03-01"}, "--name: Enter the officer's name."},
			{"no office", appoint, []string{"--name", "Di", "--on", "2024-03-01"}, "--office: Enter the office"},
			{"office too long", appoint, []string{"--name", "Di", "--office", strings.Repeat("o", 101), "--on", "2024-03-01"}, "--office: Shorten the office"},
			{"impossible date", appoint, []string{"--name", "Di", "--office", "Director", "--on", "2024-02-30"}, "--on: 2024-02-30 is not a day of the calendar"},
			{"future date", appoint, []string{"--name", "Di", "--office", "Director", "--on", "2999-01-01"}, "--on: The date cannot be in the future"},
			{"no such member", appoint, []string{"--name", "Di", "--office", "Director", "--on", "2024-03-01", "--member", "42"}, "--member: There is no member 42"},
			{"no id", end, []string{"--on", "2025-07-01", "--reason", "resigned"}, "--id: Give the appointment's number"},
			{"no reason", end, []string{"--id", "2", "--on", "2025-07-01"}, "--reason: Enter the reason"},
			{"end before the appointment", end, []string{"--id", "2", "--on", "2024-01-01", "--reason", "resigned"}, "--on: The term cannot end before the appointment on 2024-03-01."},
			{"ending twice", end, []string{"--id", "1", "--on", "2025-07-01", "--reason", "resigned"}, "--id: This appointment ended on 2025-06-30"},
			{"no such appointment", end, []string{"--id", "99", "--on", "2025-07-01", "--reason", "resigned"}, "--id: There is no appointment 99"},
			{"bad format", list, []string{"--format", "docx"}, `--format: "docx" is not one; choose text, csv or pdf`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, _, stderr := inStore(t, store, tc.words, tc.args...)
				if code != 1 || !strings.Contains(stderr, tc.wantErr) {
					t.Fatalf("exit %d, stderr %q; want 1 and %q", code, stderr, tc.wantErr)
				}
				if n := counts(); n != before {
					t.Errorf("%d rows recorded", n-before)
				}
			})
		}
	})
}
