package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestUserTeller: the command line gives and lists the teller role, its
// help says what each role is for, and a misspelt role names teller
// among the choices.
func TestUserTeller(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "operator")
		if code, out, errOut := user(t, store, "add", "--email", "tel@example.org", "--name", "Tel Ler", "--role", "teller"); code != 0 ||
			!strings.Contains(out, "with roles teller") {
			t.Fatalf("add a teller: %d %q %q", code, out, errOut)
		}
		if code, out, _ := user(t, store, "list"); code != 0 || !regexp.MustCompile(`tel@example.org\s+Tel Ler\s+teller\s`).MatchString(out) {
			t.Errorf("list: %q", out)
		}
		if code, out, errOut := user(t, store, "roles", "--email", "tel@example.org", "--role", "teller,secretary"); code != 0 ||
			!strings.Contains(out, "now has roles secretary,teller (was teller)") {
			t.Errorf("roles: %d %q %q", code, out, errOut)
		}
		if code, _, errOut := user(t, store, "add", "--email", "x@example.org", "--name", "X", "--role", "tellor"); code == 0 ||
			!strings.Contains(errOut, "teller") {
			t.Errorf("a misspelt role: %d %q", code, errOut)
		}
		if _, out, errOut := user(t, store, "add", "-h"); !strings.Contains(out+errOut, "teller     enters returned postal papers and runs meeting check-ins; sees no register") {
			t.Errorf("user add -h does not describe the teller role: %q", out+errOut)
		}
	})
}
