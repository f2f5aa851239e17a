package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inStore runs the command named by words with the store flags, then the
// rest of args.
func inStore(t *testing.T, store, words []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append(append([]string(nil), words...), store...), args...)
	code := run(context.Background(), full, &out, &errOut)
	return code, out.String(), errOut.String()
}

// squeeze folds runs of spaces, so a test need not count tabwriter's.
func squeeze(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

func TestSocietyCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		out := filepath.Join(t.TempDir(), "register.csv")
		steps := []struct {
			words []string
			args  []string
			want  []string
		}{
			{[]string{"member", "add"}, []string{"--name", "Ann Jones", "--address", "1 High St, Leeds", "--email", "ann@example.org",
				"--shares", "250", "--paid-on", "2024-03-01"}, []string{"admitted member 1: Ann Jones, individual, 250 shares (£250) on 2024-03-01"}},
			{[]string{"member", "add"}, []string{"--name", "Ben Smith", "--address", "2 Low Rd, Hull", "--shares", "10",
				"--paid-on", "2024-05-01", "--number", "500"}, []string{"admitted member 500: Ben Smith"}},
			{[]string{"shares", "allot"}, []string{"--member", "1", "--shares", "50", "--date", "2024-07-01", "--reason", "top-up"},
				[]string{"member 1: allotted 50 shares (£50) on 2024-07-01; now holds 300 shares (£300)"}},
			{[]string{"shares", "withdraw"}, []string{"--member", "500", "--shares", "10", "--date", "2025-03-01", "--reason", "moving"},
				[]string{"member 500: withdrew 10 shares (£10) on 2025-03-01; no shares left: membership ended on 2025-03-01"}},
			{[]string{"shares", "cancel"}, []string{"--member", "1", "--shares", "5", "--date", "2025-04-01", "--reason", "unpaid cheque",
				"--resolution", "2025/3"}, []string{"now holds 295 shares (£295)"}},
			{[]string{"member", "add"}, []string{"--name", "Cath Lee", "--address", "3 Mill Ln", "--shares", "20", "--paid-on", "2024-05-01"},
				[]string{"admitted member 501: Cath Lee"}},
			{[]string{"shares", "transmit"}, []string{"--member", "501", "--estate", "Estate of Cath Lee", "--date", "2025-06-01",
				"--reason", "death of the member"}, []string{"member 501: 20 shares (£20) passed to Estate of Cath Lee on 2025-06-01; membership ended"}},
			{[]string{"register"}, []string{"--as-of", "2024-12-31"}, []string{"Register of members as of 2024-12-31",
				"1 Ann Jones individual 1 High St, Leeds ann@example.org (notices) 300 £300 - 2024-03-01 -",
				"500 Ben Smith individual 2 Low Rd, Hull - 10 £10 - 2024-05-01 -", "3 members, 0 former; share capital £330"}},
			{[]string{"register"}, nil, []string{"500 Ben Smith individual 2 Low Rd, Hull - 0 £0 - 2024-05-01 2025-03-01",
				"1 member, 2 former; share capital £295"}},
			{[]string{"register"}, []string{"--format", "csv", "--as-of", "2025-12-31"}, []string{
				"number,class,name,postal_address,email,email_use,shares,amount_paid,other_property,admitted_on,ceased_on,shares_at_ceasing\n",
				`1,individual,Ann Jones,"1 High St, Leeds",ann@example.org,notices,295,295.00,,2024-03-01,,` + "\n",
				`500,individual,Ben Smith,"2 Low Rd, Hull",,none,0,0.00,,2024-05-01,2025-03-01,10` + "\n"}},
			{[]string{"register"}, []string{"--format", "csv", "--out", out}, []string{"wrote the register as of ", out}},
			{[]string{"register", "check"}, nil, []string{"members 3 (1 current), share entries 7", "share_entries_no_update",
				"ok: the register equals the ledger's replay"}},
			{[]string{"annual-return"}, []string{"--year", "2025"}, []string{"financial year 2025-01-01 to 2025-12-31",
				"members at the start 3", "members at the end 1", "ceased in the year 2", "share capital at the start £330",
				"share capital at the end £295", "shares issued 0", "shares withdrawn 10", "shares cancelled 5", "shares passed to estates 20"}},
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
		fi, err := os.Stat(out)
		if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() < 100 {
			t.Fatalf("--out file: %v %v", fi, err)
		}
	})
}

// TestSocietyBadInput: each mistake gets a clear error naming its flag,
// exit 1, and records nothing.
func TestSocietyBadInput(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		member := func(args ...string) []string {
			base := map[string]string{"--name": "Cy Dee", "--address": "5 Elm Way", "--shares": "5", "--paid-on": "2024-06-01"}
			for i := 0; i+1 < len(args); i += 2 {
				base[args[i]] = args[i+1]
			}
			var out []string
			for k, v := range base {
				out = append(out, k, v)
			}
			return out
		}
		for _, a := range [][]string{
			{"member", "add", "--name", "Ann Jones", "--address", "1 High St, Leeds", "--shares", "295", "--paid-on", "2024-03-01"},
			{"member", "add", "--name", "Ben Smith", "--address", "2 Low Rd", "--shares", "10", "--paid-on", "2024-03-01", "--number", "500"},
			{"shares", "withdraw", "--member", "500", "--shares", "10", "--date", "2024-04-01", "--reason", "moving"},
		} {
			if code, _, stderr := inStore(t, store, a[:2], a[2:]...); code != 0 {
				t.Fatalf("%v: %s", a, stderr)
			}
		}
		counts := func() (n int) {
			d := openStore(t, store)
			if err := d.QueryRowContext(context.Background(),
				`SELECT (SELECT COUNT(*) FROM members) + (SELECT COUNT(*) FROM share_entries) + (SELECT COUNT(*) FROM member_contacts)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			d.Close()
			return n
		}
		before := counts()
		add, allot := []string{"member", "add"}, []string{"shares", "allot"}
		withdraw, cancel := []string{"shares", "withdraw"}, []string{"shares", "cancel"}
		share := func(args ...string) []string {
			return append([]string{"--member", "1", "--shares", "5", "--date", "2024-06-01", "--reason", "test"}, args...)
		}
		for _, tc := range []struct {
			name    string
			words   []string
			args    []string
			wantErr string
		}{
			{"zero shares", add, member("--shares", "0"), "--shares: Enter at least one share."},
			{"negative shares", add, member("--shares", "-5"), "--shares: Count shares from one up"},
			{"fractional shares", add, member("--shares", "1.5"), "--shares: Shares are whole"},
			{"words for shares", add, member("--shares", "ten"), "--shares: Write the number of shares in figures"},
			{"over the cap", add, member("--shares", "100001"), "--shares: That would bring the holding to £100,001; the rules let an individual hold at most £100,000"},
			{"impossible date", add, member("--paid-on", "2024-02-30"), "--paid-on: 2024-02-30 is not a day of the calendar"},
			{"date in the future", add, member("--paid-on", "2999-01-01"), "--paid-on: The date cannot be in the future"},
			{"date written otherwise", add, member("--paid-on", "1/6/2024"), "--paid-on: Write the date as year-month-day"},
			{"empty address", add, member("--address", " "), "--address: Enter the postal address."},
			{"address too long", add, member("--address", strings.Repeat("x", 501)), "--address: Shorten the postal address to 500"},
			{"empty name", add, member("--name", ""), "--name: Enter the member's name."},
			{"unknown class", add, member("--class", "society"), "--class: Choose individual or organisation."},
			{"bad email", add, member("--email", "cy at example"), "--email: Write the email address like"},
			{"email use without email", add, member("--email-use", "notices"), "--email-use: Give an email address"},
			{"two mistakes", add, member("--shares", "0", "--address", ""), "--address: Enter the postal address.; --shares: Enter at least one share."},
			{"same person", add, member("--name", "ann jones", "--address", "1 High St. Leeds"), "--name: This person is already member 1"},
			{"number taken", add, member("--number", "500"), "--number: Membership number 500 is already in the register."},
			{"bad number", add, member("--number", "0"), "--number: A membership number is a whole number"},
			{"allot over the cap", allot, share("--shares", "99706"), "--shares: That would bring the holding to £100,001"},
			{"withdraw below zero", withdraw, share("--shares", "296"), "--shares: Member 1 holds 295 shares"},
			{"withdraw from a former member", withdraw, share("--member", "500"), "--member: Member 500 ceased to be a member on 2024-04-01"},
			{"cancel without resolution", cancel, share(), "--resolution: A cancellation needs the board resolution"},
			{"transmit to both", []string{"shares", "transmit"}, []string{"--member", "1", "--to", "500", "--estate", "E", "--date", "2024-06-01", "--reason", "death"},
				"--to or --estate: Name either the nominee's membership number or the estate, not both."},
			{"transmit to a former member", []string{"shares", "transmit"}, []string{"--member", "1", "--to", "500", "--date", "2024-06-01", "--reason", "death"},
				"--to or --estate: Member 500 ceased"},
			{"no such member", allot, share("--member", "99"), "--member: There is no member 99"},
			{"member not a number", allot, share("--member", "Ann"), "--member: Give the membership number"},
			{"out of date order", allot, share("--date", "2024-01-01"), "--date: Member 1's last entry is dated 2024-03-01"},
			{"no reason", allot, share("--reason", ""), "--reason: Enter the reason."},
			{"fractional allotment", allot, share("--shares", "2.5"), "--shares: Shares are whole"},
			{"impossible as-of", []string{"register"}, []string{"--as-of", "2024-13-01"}, "there is no month 13"},
			{"unknown format", []string{"register"}, []string{"--format", "xml"}, `--format: "xml" is not one; choose text, csv or pdf`},
			{"no year", []string{"annual-return"}, nil, "--year is required"},
			{"bad year", []string{"annual-return"}, []string{"--year", "20x5"}, `--year: "20x5" is not a year`},
			{"stray argument", []string{"register"}, []string{"show"}, `unexpected argument "show"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, _, stderr := inStore(t, store, tc.words, tc.args...)
				if code != 1 || !strings.Contains(stderr, tc.wantErr) {
					t.Fatalf("exit %d, stderr %q; want 1 and %q", code, stderr, tc.wantErr)
				}
			})
		}
		if after := counts(); after != before {
			t.Fatalf("bad input recorded %d rows", after-before)
		}
	})
}

// TestShareSettingsApply: the society's own rules, given as settings,
// bind the command line: a £20,000 cap refuses what the statutory
// £100,000 would allow, from a flag and from the environment, and
// settings the Act or arithmetic forbid stop the command.
func TestShareSettingsApply(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		add := func(name string, shares string, extra ...string) (int, string) {
			code, _, errOut := inStore(t, store, []string{"member", "add"}, append([]string{"--name", name, "--address", name + " Street",
				"--shares", shares, "--paid-on", "2024-05-01"}, extra...)...)
			return code, errOut
		}
		if code, errOut := add("Dora Big", "25000", "--share-max-individual", "20000"); code != 1 || !strings.Contains(errOut, "£20,000") {
			t.Errorf("25,000 £1 shares under a £20,000 cap by flag: exit %d %q", code, errOut)
		}
		t.Setenv("COOPRESS_SHARE_MAX_INDIVIDUAL", "20000")
		if code, errOut := add("Eve Big", "25000"); code != 1 || !strings.Contains(errOut, "£20,000") {
			t.Errorf("the same under COOPRESS_SHARE_MAX_INDIVIDUAL=20000: exit %d %q", code, errOut)
		}
		if code, errOut := add("Fay Fine", "20000"); code != 0 {
			t.Errorf("20,000 shares at the cap: exit %d %q", code, errOut)
		}
		t.Setenv("COOPRESS_SHARE_MAX_INDIVIDUAL", "")
		for _, bad := range [][]string{
			{"--share-max-individual", "150000"}, {"--share-value", "0"}, {"--share-value", "one"},
			{"--year-end", "02-30"}, {"--year-end", "March"}, {"--withdrawals-suspended-from", "2024-13-01"},
			{"--share-min-holding", "-1"}, {"--withdrawal-notice-days", "-5"},
		} {
			if code, errOut := add("Gil Odd", "10", bad...); code != 1 || !strings.Contains(errOut, "share") && !strings.Contains(errOut, "year") && !strings.Contains(errOut, "withdrawal") {
				t.Errorf("%v: exit %d %q", bad, code, errOut)
			}
		}
	})
}
