package main

import (
	"strings"
	"testing"
)

// TestUserErase: the operator erases a reader who gave; staff, unknown
// addresses and a missing --yes are refused; the fund still checks and the
// list shows the erased account.
func TestUserErase(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "operator")
		for _, args := range [][]string{
			{"add", "--email", "boss@example.org", "--name", "Boss", "--role", "admin"},
			{"add", "--email", "rita@example.org", "--name", "Rita Reader", "--role", "reader"},
		} {
			if code, _, errOut := user(t, store, args[0], args[1:]...); code != 0 {
				t.Fatalf("%v: %s", args, errOut)
			}
		}
		if code, _, errOut := coopress(t, store, "add", "--amount", "20", "--method", "cheque", "--name", "Rita Reader",
			"--email", "Rita@Example.org", "--town", "Hebden Bridge", "--public", "--message", "Onwards"); code != 0 {
			t.Fatalf("fund add: %s", errOut)
		}
		for _, tc := range []struct {
			args    []string
			wantErr string
		}{
			{[]string{"--email", "rita@example.org"}, "add --yes to confirm"},
			{[]string{"--yes"}, "--email is required"},
			{[]string{"--email", "nobody@example.org", "--yes"}, "there is no account with that address"},
			{[]string{"--email", "boss@example.org", "--yes"}, "staff roles (admin): an admin must remove them"},
		} {
			if code, _, errOut := user(t, store, "erase", tc.args...); code != 1 || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("erase %v: %d %q, want an error with %q", tc.args, code, errOut, tc.wantErr)
			}
		}
		if code, out, errOut := user(t, store, "erase", "--email", "RITA@example.org", "--yes"); code != 0 ||
			!strings.Contains(out, "erased account 2 (was rita@example.org)") {
			t.Fatalf("erase: %d %q %q", code, out, errOut)
		}
		if code, out, errOut := coopress(t, store, "check"); code != 0 || strings.Contains(out, "Rita") {
			t.Errorf("fund check after erasing: %d %q %q", code, out, errOut)
		}
		if code, out, _ := user(t, store, "list"); code != 0 || !strings.Contains(out, "erased-2@invalid") || strings.Contains(out, "rita@") {
			t.Errorf("list after erasing: %q", out)
		}
	})
}
