package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// fundStores runs fn with the store flags of a fresh SQLite data directory
// and of a fresh PostgreSQL database, each made by `coopress migrate` (the
// other commands refuse a site that does not exist).
func fundStores(t *testing.T, fn func(t *testing.T, store []string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, migrated(t, "--data", t.TempDir())) })
	t.Run("postgres", func(t *testing.T) { fn(t, migrated(t, "--database", dbtest.PostgresURL(t))) })
}

// migrated runs coopress migrate with the store flags and returns them.
func migrated(t *testing.T, store ...string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append([]string{"migrate"}, store...), &out, &errOut); code != 0 {
		t.Fatalf("migrate: %d %s", code, errOut.String())
	}
	return store
}

// coopress runs the command line in-process and returns its exit code and
// output.
func coopress(t *testing.T, store []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append([]string{"fund"}, args[0]), append(append([]string(nil), store...), args[1:]...)...)
	code := run(context.Background(), full, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestFundCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "treasurer")
		steps := []struct {
			args    []string
			code    int
			want    []string
			wantErr string
		}{
			{[]string{"target", "--month", "2024-11", "--amount", "18010"}, 0, []string{"target for 2024-11 is now £18,010"}, ""},
			{[]string{"add", "--amount", "20.00", "--method", "cheque", "--name", "J Smith", "--town", "Leeds",
				"--date", "2024-11-06", "--public", "--public-name", "J Smith"}, 0, []string{"recorded entry 1: £20 by cheque on 6 Nov 2024 for 2024-11; raised £20 of £18,010"}, ""},
			{[]string{"add", "--amount", "£5,027", "--method", "card", "--date", "2024-11-06", "--ref", "sumup-1",
				"--town", "Swansea", "--public", "--email", "a@example.org"}, 0, []string{"raised £5,047 of £18,010"}, ""},
			{[]string{"add", "--amount", "5027", "--method", "card", "--date", "2024-11-06", "--ref", "sumup-1"}, 0,
				[]string{"reference sumup-1 was already recorded as entry 2 (£5,027); nothing added"}, ""},
			{[]string{"add", "--amount", "1.234", "--method", "cash"}, 1, nil, "--amount: The amount can have at most two decimal places"},
			{[]string{"add", "--amount", "0", "--method", "cash"}, 1, nil, "must be more than zero"},
			{[]string{"add", "--amount", "abc", "--method", "cash"}, 1, nil, "--amount: Write the amount in figures"},
			{[]string{"add", "--amount", "2000000", "--method", "cash"}, 1, nil, "the most one entry can hold"},
			{[]string{"add", "--amount", "5", "--method", "paypal"}, 1, nil, `"paypal" is not one`},
			{[]string{"add", "--amount", "5", "--method", "card", "--ref", " PI_3Qx "}, 1, nil, "--ref: References beginning pi_ are Stripe's"},
			{[]string{"add", "--amount", "5", "--method", "cash", "--date", "6/11/2024"}, 1, nil, "--date: Write the date as year-month-day"},
			{[]string{"add", "--amount", "5", "--method", "cash", "--date", "2999-01-01"}, 1, nil, "--date: The date received cannot be in the future"},
			{[]string{"show", "--month", "2024-11"}, 0, []string{"Fighting fund, November 2024", "raised          £5,047",
				"still needed    £12,963", "days remaining  0 (month ended)", "card    £5,027  1 gift\n", "cheque  £20     1 gift\n"}, ""},
			{[]string{"column", "--date", "2024-11-06"}, 0, []string{"Fighting fund, Wednesday 6 November 2024: £5,047 today.",
				"Online (£5,027): £5,027 from a Swansea reader.", "By post (£20): £20 from J Smith, Leeds."}, ""},
			{[]string{"reverse", "--id", "1", "--reason", "cheque bounced"}, 0, []string{"reversed entry 1 with entry ", ": -£20 in 2024-11 (cheque bounced)"}, ""},
			{[]string{"reverse", "--id", "1", "--reason", "again"}, 1, nil, "entry 1 has already been reversed"},
			{[]string{"reverse", "--id", "{rev}", "--reason", "undo"}, 1, nil, "is itself a reversal"},
			{[]string{"reverse", "--id", "99", "--reason", "x"}, 1, nil, "no entry 99"},
			{[]string{"reverse", "--id", "2"}, 1, nil, "--reason is required"},
			{[]string{"show", "--month", "2024-11"}, 0, []string{"raised          £5,027", "gifts           2 (1 reversed)"}, ""},
			{[]string{"show", "--month", "2023-01"}, 1, nil, "no campaign for 2023-01"},
			{[]string{"show"}, 0, []string{"days remaining  "}, ""},
			{[]string{"check"}, 0, []string{"2024-11  ledger £5,027 in 3 entries, total £5,027  ok", "ledger_entries_no_delete", "ok: every total"}, ""},
			{[]string{"frobnicate"}, 1, nil, `unknown subcommand "frobnicate"`},
		}
		rev := "" // the reversal's id: PostgreSQL's sequence skips ids on ON CONFLICT
		for _, st := range steps {
			for i, a := range st.args {
				st.args[i] = strings.ReplaceAll(a, "{rev}", rev)
			}
			code, out, errOut := coopress(t, store, st.args...)
			if m := regexp.MustCompile(`with entry (\d+)`).FindStringSubmatch(out); m != nil {
				rev = m[1]
			}
			if code != st.code {
				t.Fatalf("fund %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(st.args, " "), code, st.code, out, errOut)
			}
			for _, w := range st.want {
				if !strings.Contains(out, w) {
					t.Errorf("fund %s: stdout lacks %q:\n%s", strings.Join(st.args, " "), w, out)
				}
			}
			if st.wantErr != "" && !strings.Contains(errOut, st.wantErr) {
				t.Errorf("fund %s: stderr lacks %q:\n%s", strings.Join(st.args, " "), st.wantErr, errOut)
			}
		}
		d := openStore(t, store)
		var by string
		if err := d.QueryRowContext(context.Background(), `SELECT recorded_by FROM ledger_entries WHERE reversal_of = 1`).Scan(&by); err != nil || by != "cli:treasurer" {
			t.Fatalf("recorded_by = %q, %v", by, err)
		}
	})
}

// TestFundCheckFails tampers with a cached total and wants a non-zero exit.
func TestFundCheckFails(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		if code, _, errOut := coopress(t, store, "add", "--amount", "10", "--method", "cash"); code != 0 {
			t.Fatal(errOut)
		}
		d := openStore(t, store)
		if _, err := d.ExecContext(context.Background(), `UPDATE campaigns SET raised_minor = 999`); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := coopress(t, store, "check")
		if code == 0 || !strings.Contains(out, "DISAGREE") || !strings.Contains(out, "total shows £9.99 but the ledger sums to £10") ||
			!strings.Contains(errOut, "disagree") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
}

// TestFundCheckReportsConflicts: a conflicting duplicate typed at the
// command line is refused, held, and makes check exit non-zero, naming
// the reference, until the treasurer resolves it.
func TestFundCheckReportsConflicts(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		if code, _, errOut := coopress(t, store, "add", "--amount", "1", "--method", "cheque", "--ref", "chq-rtCOLL"); code != 0 {
			t.Fatal(errOut)
		}
		code, _, errOut := coopress(t, store, "add", "--amount", "500", "--method", "cheque", "--ref", "chq-rtCOLL")
		if code == 0 || !strings.Contains(errOut, "held as a conflict") {
			t.Fatalf("conflicting add: exit %d: %s", code, errOut)
		}
		code, out, errOut := coopress(t, store, "check")
		if code == 0 || !strings.Contains(out, "open conflicts and held payments: 1") ||
			!strings.Contains(out, "PROBLEM: open conflict 1") || !strings.Contains(out, "chq-rtCOLL") || !strings.Contains(errOut, "held") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
}

// openStore opens the database a test's store flags name.
func openStore(t *testing.T, store []string) *db.DB {
	t.Helper()
	url, dir := "", ""
	if store[0] == "--database" {
		url = store[1]
	} else {
		dir = store[1]
	}
	d, err := db.Open(context.Background(), url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestFundShowSaysWhereTheTargetCameFrom: a target nobody set is marked,
// so a treasurer reading £18,000 knows it is the default.
func TestFundShowSaysWhereTheTargetCameFrom(t *testing.T) {
	store := migrated(t, "--data", t.TempDir())
	if code, out, errOut := coopress(t, store, "show"); code != 0 || !strings.Contains(out, "target          £18,000 (default: never set; change it with coopress fund target)") {
		t.Fatalf("fresh site: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := coopress(t, store, "target", "--month", "2024-11", "--amount", "18010"); code != 0 {
		t.Fatal(errOut)
	}
	if code, out, _ := coopress(t, store, "show", "--month", "2024-11"); code != 0 || !strings.Contains(out, "target          £18,010\n") {
		t.Errorf("set target:\n%s", out)
	}
	// This month's campaign began before November's target was set, so it
	// still has the default it began with (a month begun after carries the
	// set target over: see fund's TestOriginOfTarget).
	if code, out, _ := coopress(t, store, "show"); code != 0 || !strings.Contains(out, "£18,000 (default: never set") {
		t.Errorf("this month after an earlier month's target was set:\n%s", out)
	}
}
