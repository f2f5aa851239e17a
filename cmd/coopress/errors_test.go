package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
)

// TestNoDatabaseNoCreation runs every command except serve and migrate
// against a data directory that does not exist: each must refuse, say
// which setting to check, and create nothing at all.
func TestNoDatabaseNoCreation(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	backupFile := filepath.Join(t.TempDir(), "x.db")
	for _, args := range [][]string{
		{"fund", "add", "--amount", "5", "--method", "cash"}, {"fund", "reverse", "--id", "1", "--reason", "x"},
		{"fund", "target", "--amount", "100"}, {"fund", "show"}, {"fund", "column"}, {"fund", "check"},
		{"user", "add", "--email", "a@example.org", "--name", "A", "--role", "admin"}, {"user", "list"},
		{"user", "roles", "--email", "a@example.org", "--role", "admin"}, {"user", "disable", "--email", "a@example.org"},
		{"user", "enable", "--email", "a@example.org"}, {"user", "link", "--email", "a@example.org"},
		{"user", "reset-second-factor", "--email", "a@example.org"}, {"media", "check"}, {"supporters", "export", backupFile},
		{"backup", backupFile}, {"demo-generate", "--count", "1"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, out, errOut := cli(append(args, "--data", missing)...)
			want := "no coopress database in " + missing + " (is --data or COOPRESS_DATA right?)"
			if code != 1 || out != "" || !strings.Contains(errOut, want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
			}
			if _, err := os.Stat(missing); err == nil {
				t.Fatal("the data directory was created")
			}
			if _, err := os.Stat(backupFile); err == nil {
				t.Fatal("a backup file was created")
			}
		})
	}
	// The same through the environment, as a service's unit file sets it.
	t.Setenv("COOPRESS_DATA", missing)
	if code, _, errOut := cli("fund", "show"); code != 1 || !strings.Contains(errOut, "no coopress database in "+missing) {
		t.Errorf("COOPRESS_DATA: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("the data directory was created")
	}
	// migrate is the command that makes one.
	if code, out, errOut := cli("migrate"); code != 0 || !strings.Contains(out, "sqlite database is at migration") {
		t.Fatalf("migrate: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := cli("fund", "show"); code != 0 {
		t.Errorf("fund show after migrate: %q", errOut)
	}
}

// TestNoSchemaOnPostgres: a PostgreSQL database without coopress's
// migration table is "no coopress database", and stays without it.
func TestNoSchemaOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	code, _, errOut := cli("user", "list", "--database", url)
	if code != 1 || !strings.Contains(errOut, "no coopress database at ") || !strings.Contains(errOut, "`coopress migrate` creates it") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	d := openStore(t, []string{"--database", url})
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d tables after a refused command (%v)", n, err)
	}
}

// TestCorruptDatabase: a coopress.db that is not a database is reported as
// such, with the way back, and left exactly as it was.
func TestCorruptDatabase(t *testing.T) {
	dir := t.TempDir()
	garbage := []byte(strings.Repeat("this is not a database\n", 400))
	path := filepath.Join(dir, "coopress.db")
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fund", "show"}, {"user", "list"}, {"migrate"}, {"backup", filepath.Join(t.TempDir(), "b.db")}} {
		code, _, errOut := cli(append(args, "--data", dir)...)
		if code != 1 || !strings.Contains(errOut, "the database "+dir+" is damaged or is not a coopress database") ||
			!strings.Contains(errOut, "coopress restore FILE") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != string(garbage) {
		t.Error("the damaged file was changed")
	}
}

// TestDataDirectoryOfAnotherUser: a directory this user cannot write in
// is named, with its owner, and nothing is written. Root can write in any
// directory, so as root the test builds coopress and runs it as nobody
// against root's directories; as anyone else it takes away its own write
// permission.
func TestDataDirectoryOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		store := migrated(t, "--data", t.TempDir())
		if err := os.Chmod(store[1], 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(store[1], 0o700) })
		code, _, errOut := cli(append([]string{"fund", "add", "--amount", "5", "--method", "cash"}, store...)...)
		if code != 1 || !strings.Contains(errOut, "cannot write in "+store[1]) {
			t.Fatalf("exit %d, %q", code, errOut)
		}
		return
	}
	// A world-readable home for the binary and the sites, as /srv would be.
	root, err := os.MkdirTemp("", "coopress-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "coopress")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(root, "data")
	migrated(t, "--data", data)
	if err := os.Chmod(data, 0o755); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(data)
	asNobody := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	nobody := "user nobody (uid 65534) cannot write in "
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fund", "add", "--amount", "5", "--method", "cash", "--data", data}, nobody + data + ", which belongs to root (uid 0) with mode drwxr-xr-x"},
		{[]string{"migrate", "--data", data}, nobody + data + ", which belongs to root (uid 0)"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, nobody + data + ", which belongs to root (uid 0)"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(root, "new-site")},
			nobody + root + " (to create " + filepath.Join(root, "new-site") + "), which belongs to root (uid 0)"},
	} {
		out, err := asNobody(tc.args...)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("%v as nobody: %v\n%s\nwant %q", tc.args, err, out, tc.want)
		}
	}
	if after, _ := os.ReadDir(data); len(after) != len(before) {
		t.Errorf("the data directory went from %d to %d entries", len(before), len(after))
	}
}

// TestBadInputs gives each command input a person might get wrong: each
// must exit non-zero with a message in the person's words, once, and
// change nothing in the ledger or the accounts.
func TestBadInputs(t *testing.T) {
	store := migrated(t, "--data", t.TempDir())
	fundAt := func(args ...string) []string { return append(append([]string{"fund"}, args...), store...) }
	if code, _, errOut := cli(fundAt("add", "--amount", "12", "--method", "cheque", "--ref", "BT-001", "--date", "2024-11-06")...); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := cli(append([]string{"user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "admin"}, store...)...); code != 0 {
		t.Fatal(errOut)
	}
	counts := func() string {
		d := openStore(t, store)
		var entries, accounts, roles int
		if err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM ledger_entries),
			(SELECT COUNT(*) FROM accounts WHERE disabled = 0), (SELECT COUNT(*) FROM account_roles)`).Scan(&entries, &accounts, &roles); err != nil {
			t.Fatal(err)
		}
		d.Close()
		return fmt.Sprintf("%d/%d/%d", entries, accounts, roles)
	}
	before := counts()
	missing := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"amount missing", fundAt("add", "--method", "cash"), "--amount is required, e.g. --amount 20.00"},
		{"method missing", fundAt("add", "--amount", "5"),
			"--method is required: one of card, direct-debit, supporter, cheque, postal-order, bank-transfer, standing-order, cash"},
		{"unknown method", fundAt("add", "--amount", "5", "--method", "paypal"), `--method: Choose how the gift came, one of: cheque, postal-order, bank-transfer, standing-order, cash, card, direct-debit, supporter. "paypal" is not one.`},
		{"impossible day", fundAt("add", "--amount", "5", "--method", "cash", "--date", "2024-02-30"),
			"--date: 2024-02-30 does not exist: February 2024 has 29 days."},
		{"impossible month", fundAt("add", "--amount", "5", "--method", "cash", "--date", "2024-13-01"), "there is no month 13."},
		{"date written otherwise", fundAt("add", "--amount", "5", "--method", "cash", "--date", "6/11/2024"), "--date: Write the date as year-month-day, such as "},
		{"two mistakes at once", fundAt("add", "--amount", "abc", "--method", "paypal"),
			"--amount: Write the amount in figures, such as 20, 12.50 or 1,250.; --method: Choose how the gift came"},
		{"future date", fundAt("add", "--amount", "5", "--method", "cash", "--date", "2999-01-01"), "--date: The date received cannot be in the future: today is "},
		{"conflicting duplicate", fundAt("add", "--amount", "99", "--method", "cheque", "--ref", "BT-001"),
			"reference BT-001 is already recorded as entry 1, £12 by cheque on 6 Nov 2024; this gift, £99 by cheque, differs, so nothing was added"},
		{"duplicate by another method", fundAt("add", "--amount", "12", "--method", "cash", "--ref", "BT-001"), "this gift, £12 by cash, differs"},
		{"show a month that is not one", fundAt("show", "--month", "2024-13"), "--month: write the month as YYYY-MM"},
		{"column on no such day", fundAt("column", "--date", "2023-02-29"), "that day does not exist (February 2023 has 28 days)"},
		{"reverse without id", fundAt("reverse", "--reason", "x"), "--id is required"},
		{"reverse no such entry", fundAt("reverse", "--id", "99", "--reason", "x"), "--id 99: there is no entry 99"},
		{"target without amount", fundAt("target", "--month", "2024-11"), "--amount is required"},
		{"unknown flag", fundAt("add", "--amonut", "5"), "flag provided but not defined: -amonut (see `coopress fund add -h`)"},
		{"stray argument", fundAt("show", "november"), `unexpected argument "november"`},
		{"user without email", append([]string{"user", "disable"}, store...), "--email is required"},
		{"user without name", append([]string{"user", "add", "--email", "x@example.org", "--role", "writer"}, store...), "--name is required"},
		{"last admin", append([]string{"user", "roles", "--email", "ed@example.org", "--role", "editor"}, store...), "ed@example.org is the only active admin"},
		{"serve stray argument", []string{"serve", "--data", missing, "now"}, `unexpected argument "now": coopress serve takes flags only`},
		{"serve log level", []string{"serve", "--data", missing, "--log-level", "loud"}, `--log-level "loud" (or COOPRESS_LOG_LEVEL): want one of debug, info, warn, error`},
		{"unknown subcommand", []string{"fund", "ad"}, `unknown subcommand "ad"; want one of add, check,`},
		{"group alone", []string{"user"}, "say which: add, disable, enable, erase, link, list, reset-second-factor, roles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cli(tc.args...)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %q", code, errOut, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q on error", out)
			}
			if n := strings.Count(errOut, "\n"); n != 1 {
				t.Errorf("%d lines on stderr, want the error once:\n%s", n, errOut)
			}
			if after := counts(); after != before {
				t.Errorf("ledger/accounts/roles went from %s to %s", before, after)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a refused serve created its data directory")
	}
	// The same gift again under its reference is a harmless repeat.
	code, out, errOut := cli(fundAt("add", "--amount", "12.00", "--method", "cheque", "--ref", "BT-001")...)
	if code != 0 || !strings.Contains(out, "reference BT-001 was already recorded as entry 1 (£12); nothing added") {
		t.Errorf("identical duplicate: exit %d, %q %q", code, out, errOut)
	}
	if after := counts(); after != before {
		t.Errorf("identical duplicate changed counts %s to %s", before, after)
	}
}

func TestDemoVariable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "never")
	t.Setenv("COOPRESS_DEMO", "maybe")
	code, _, errOut := cli("serve", "--data", missing, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, `COOPRESS_DEMO="maybe": want 1, true or yes to turn it on, or 0, false, no or empty`) {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a refused serve created its data directory")
	}
}
