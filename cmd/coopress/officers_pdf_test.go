package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfficersPDFCommand writes the register of officers as PDF to a file
// only its owner can read, refuses a PDF to the terminal, and a run that
// fails leaves neither a partial file nor a damaged older one.
func TestOfficersPDFCommand(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		if code, _, stderr := inStore(t, store, []string{"officer", "appoint"}, "--name", "Ada Chair", "--office", "Chair",
			"--on", "2024-03-01"); code != 0 {
			t.Fatal(stderr)
		}
		dir := t.TempDir()
		out := filepath.Join(dir, "officers.pdf")
		code, stdout, stderr := inStore(t, store, []string{"officers"}, "--format", "pdf", "--as-of", "2025-01-01", "--out", out)
		if code != 0 || !strings.Contains(stdout, "wrote the register of officers as of 2025-01-01 to "+out) {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		body, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(body, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("%%EOF")) {
			t.Fatalf("%v: %.10q", err, body)
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--format", "pdf"}, "--format pdf needs --out FILE"},
			{[]string{"--format", "doc", "--out", out}, `--format: "doc" is not one; choose text, csv or pdf`},
		} {
			if code, _, stderr := inStore(t, store, []string{"officers"}, c.args...); code == 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("%v: exit %d, %s", c.args, code, stderr)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var so, se bytes.Buffer
		if code := run(ctx, append(append([]string{"officers"}, store...), "--format", "pdf", "--out", out), &so, &se); code == 0 {
			t.Fatalf("a cancelled run succeeded: %s", so.String())
		}
		if again, _ := os.ReadFile(out); !bytes.Equal(again, body) {
			t.Error("a failed run changed the older file")
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 1 {
			t.Errorf("files left: %v", left)
		}
		if hidden, _ := filepath.Glob(filepath.Join(dir, ".*")); len(hidden) != 0 {
			t.Errorf("partial files left: %v", hidden)
		}
	})
}
