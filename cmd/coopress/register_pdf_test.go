package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegisterPDFCommand writes the register as PDF to a file only its
// owner can read, reports progress on stderr, refuses a PDF to the
// terminal, and, interrupted, leaves neither a partial file nor a
// damaged older one.
func TestRegisterPDFCommand(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		for _, name := range []string{"Ann Jones", "Ben Smith"} {
			if code, _, stderr := inStore(t, store, []string{"member", "add"}, "--name", name, "--address", name+"'s house",
				"--shares", "10", "--paid-on", "2024-03-01"); code != 0 {
				t.Fatal(stderr)
			}
		}
		dir := t.TempDir()
		out := filepath.Join(dir, "register.pdf")
		code, stdout, stderr := inStore(t, store, []string{"register"}, "--format", "pdf", "--as-of", "2025-01-01", "--out", out)
		if code != 0 || !strings.Contains(stdout, "wrote the register as of 2025-01-01 to "+out) ||
			!strings.Contains(stderr, "2 of 2 rows drawn (100%)") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		body, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(body, []byte("%PDF-1.")) {
			t.Fatalf("%v: %.10q", err, body)
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}

		if code, _, stderr := inStore(t, store, []string{"register"}, "--format", "pdf"); code == 0 ||
			!strings.Contains(stderr, "--format pdf needs --out FILE") {
			t.Errorf("a PDF to the terminal: exit %d, %s", code, stderr)
		}

		// Ctrl-C at the first progress report: the run fails and the
		// older register is still there, whole.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errOut := &cancelOnWrite{cancel: cancel}
		var so bytes.Buffer
		args := append(append([]string{"register"}, store...), "--format", "pdf", "--as-of", "2025-01-02", "--out", out)
		if code := run(ctx, args, &so, errOut); code == 0 {
			t.Fatalf("interrupted run succeeded: %s", so.String())
		}
		if again, _ := os.ReadFile(out); !bytes.Equal(again, body) {
			t.Error("the interrupted run changed the older file")
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 1 {
			t.Errorf("files left: %v", left)
		}
		hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
		if len(hidden) != 0 {
			t.Errorf("partial files left: %v", hidden)
		}
	})
}
