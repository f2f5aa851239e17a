package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSuspensionCommands: the board's suspensions recorded from the
// command line, listed, and given a new end (a new row replacing the
// old); each mistake names its flag, exits 1 and records nothing.
func TestSuspensionCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		// Days well away from today in any zone, so the test does not
		// depend on the hour it runs.
		day := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly) }
		long := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2 January 2006") }
		suspend, end, list := []string{"withdrawals", "suspend"}, []string{"withdrawals", "suspension-end"},
			[]string{"withdrawals", "suspensions"}
		for _, st := range []struct {
			words, args []string
			want        []string
		}{
			{suspend, []string{"--from", day(10), "--until", day(40), "--resolution", "2026/14"},
				[]string{"suspension 1: withdrawals suspended from " + long(10) + " until " + long(40)}},
			{suspend, []string{"--from", day(60), "--resolution", "2026/15"},
				[]string{"suspension 2: withdrawals suspended from " + long(60) + " until further notice"}},
			{end, []string{"--id", "1", "--until", day(20), "--resolution", "2026/16"},
				[]string{"suspension 3 (replacing 1): withdrawals suspended from " + long(10) + " until " + long(20)}},
			{list, nil, []string{"3 " + day(10) + " " + day(20) + " 2026/16 cli:secretary", "2 " + day(60) + " - 2026/15", "2 in force"}},
		} {
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
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM withdrawal_suspensions`).Scan(&n); err != nil {
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
			{"end before start", suspend, []string{"--from", day(100), "--until", day(90), "--resolution", "r"}, "--until: The end must be after the start"},
			{"start in the past", suspend, []string{"--from", day(-5), "--resolution", "r"}, "--from: A suspension starts today"},
			{"no such day", suspend, []string{"--from", "2031-02-30", "--resolution", "r"}, "--from: 2031-02-30 is not a day of the calendar"},
			{"no resolution", suspend, []string{"--from", day(100)}, "--resolution: Enter the board's resolution"},
			{"overlap", suspend, []string{"--from", day(15), "--until", day(25), "--resolution", "r"}, "--until: Withdrawals are suspended already"},
			{"end in the past", end, []string{"--id", "3", "--until", day(-2), "--resolution", "r"}, "--until: The end cannot be in the past"},
			{"replaced already", end, []string{"--id", "1", "--until", day(30), "--resolution", "r"}, "--id: There is no suspension 1 in force"},
			{"no id", end, []string{"--until", day(30), "--resolution", "r"}, "--id: give the suspension's number"},
			{"until further notice into the next", end, []string{"--id", "3", "--resolution", "r"}, "--until: Withdrawals are suspended already"},
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
