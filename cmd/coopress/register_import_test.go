package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegisterImportCommand: a file with a bad line is refused line by
// line and nothing is recorded; a good one is checked, then recorded with
// --confirm, keeping its numbers; the same file again records nothing.
func TestRegisterImportCommand(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		const head = "number,name,postal_address,shares,admitted_on\n"
		bad := write("bad.csv", head+"12,Ann Jones,1 High St,10,2020-01-01\n40,Ben Smith,2 Low Rd,5,2021-02-30\n40,Cath Lee,3 Mill Ln,5,2021-02-01\n")
		good := write("good.csv", head+"12,Ann Jones,1 High St,10,2020-01-01\n40,Ben Smith,2 Low Rd,5,2021-02-28\n")
		imp := []string{"register", "import"}

		code, stdout, stderr := inStore(t, store, imp, bad, "--confirm")
		if code == 0 || !strings.Contains(stdout, "line 3: admitted_on: 2021-02-30 is not a day of the calendar") ||
			!strings.Contains(stdout, "line 4: number: Membership number 40 is also on line 3") ||
			!strings.Contains(stderr, "2 of 3 lines have problems; nothing has been recorded") {
			t.Fatalf("bad file: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		code, stdout, stderr = inStore(t, store, imp, good)
		if code != 0 || !strings.Contains(stdout, "2 members to import, 0 already in the register; nothing recorded yet") {
			t.Fatalf("preview: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		if _, reg, _ := inStore(t, store, []string{"register"}); !strings.Contains(reg, "0 members, 0 former") {
			t.Fatalf("recorded without --confirm or with a bad line:\n%s", reg)
		}
		code, stdout, stderr = inStore(t, store, imp, good, "--confirm")
		if code != 0 || !strings.Contains(stdout, "imported 2 members; 0 already in the register were skipped") ||
			!strings.Contains(stderr, "2 of 2 members recorded (100%)") {
			t.Fatalf("confirm: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		code, stdout, _ = inStore(t, store, imp, "--confirm", good)
		if code != 0 || !strings.Contains(stdout, "imported 0 members; 2 already in the register were skipped") {
			t.Fatalf("again: exit %d\n%s", code, stdout)
		}
		_, reg, _ := inStore(t, store, []string{"register"})
		reg = squeeze(reg)
		for _, w := range []string{"12 Ann Jones individual 1 High St - 10 £10 - 2020-01-01 -", "40 Ben Smith individual 2 Low Rd - 5 £5 - 2021-02-28 -",
			"2 members, 0 former; share capital £15"} {
			if !strings.Contains(reg, w) {
				t.Errorf("register lacks %q:\n%s", w, reg)
			}
		}
		if code, _, stderr := inStore(t, store, imp, filepath.Join(dir, "missing.csv")); code == 0 || !strings.Contains(stderr, "no such file") {
			t.Errorf("a missing file: exit %d, %s", code, stderr)
		}
		if code, _, stderr := inStore(t, store, imp, write("empty.csv", "")); code == 0 || !strings.Contains(stderr, "The file is empty") {
			t.Errorf("an empty file: exit %d, %s", code, stderr)
		}
	})
}
