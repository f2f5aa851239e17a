package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegisterImportFormerMembers: a former member's line with the day
// they ceased and what they held then is recorded so, a former member
// without it is refused beside the line, and register check passes.
func TestRegisterImportFormerMembers(t *testing.T) {
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
		const head = "number,name,postal_address,shares,admitted_on,ceased_on,shares_at_ceasing\n"
		imp := []string{"register", "import"}
		bad := write("bad.csv", head+"40,Ben Smith,2 Low Rd,0,2021-02-01,2023-03-01,\n")
		code, stdout, stderr := inStore(t, store, imp, bad, "--confirm")
		if code == 0 || !strings.Contains(stdout, "line 2: shares_at_ceasing: Give the shares this former member held when they left") {
			t.Fatalf("bad file: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		good := write("good.csv", head+"12,Ann Jones,1 High St,10,2020-01-01,,\n40,Ben Smith,2 Low Rd,0,2021-02-01,2023-03-01,25\n")
		code, stdout, stderr = inStore(t, store, imp, good, "--confirm")
		if code != 0 || !strings.Contains(stdout, "imported 2 members (1 of them former, with the day they left); 0 already") {
			t.Fatalf("confirm: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		for _, c := range []struct{ asOf, want string }{
			{"2022-12-31", "40 Ben Smith individual 2 Low Rd - 25 £25 - 2021-02-01 -"},
			{"2023-03-01", "40 Ben Smith individual 2 Low Rd - 0 £0 - 2021-02-01 2023-03-01"},
		} {
			if _, reg, _ := inStore(t, store, []string{"register"}, "--as-of", c.asOf); !strings.Contains(squeeze(reg), c.want) {
				t.Errorf("register as of %s lacks %q:\n%s", c.asOf, c.want, reg)
			}
		}
		if code, stdout, stderr := inStore(t, store, []string{"register", "check"}); code != 0 {
			t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
		}
		if code, stdout, _ = inStore(t, store, imp, "--confirm", good); code != 0 ||
			!strings.Contains(stdout, "imported 0 members; 2 already in the register were skipped") {
			t.Fatalf("again: exit %d\n%s", code, stdout)
		}
	})
}
