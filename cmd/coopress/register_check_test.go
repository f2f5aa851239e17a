package main

import (
	"context"
	"strings"
	"testing"
)

// TestRegisterCheckFails: a register that disagrees with another (here
// an officer's term ended before it began, written behind the service's
// back) makes register check name the problem and exit 1.
func TestRegisterCheckFails(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		if code, _, stderr := inStore(t, store, []string{"officer", "appoint"}, "--name", "Ada Chair", "--office", "Chair",
			"--on", "2024-03-01"); code != 0 {
			t.Fatal(stderr)
		}
		if code, stdout, stderr := inStore(t, store, []string{"register", "check"}); code != 0 {
			t.Fatalf("a clean register: exit %d\n%s%s", code, stdout, stderr)
		}
		d := openStore(t, store)
		_, err := d.ExecContext(context.Background(), `INSERT INTO officer_ends (officer_id, ended_on, reason, recorded_at,
			recorded_by) VALUES (1, '2024-02-01', 'resigned', '2024-03-01 12:00:00', 'by hand')`)
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := inStore(t, store, []string{"register", "check"})
		want := "PROBLEM: officer 1 (Ada Chair, Chair): the term ends on 2024-02-01 (end 1), before the appointment on 2024-03-01"
		if code != 1 || !strings.Contains(stdout, want) || !strings.Contains(stderr, "1 problems") {
			t.Fatalf("exit %d; want 1 and %q\n%s%s", code, want, stdout, stderr)
		}
	})
}
