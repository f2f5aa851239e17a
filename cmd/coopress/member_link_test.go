package main

import (
	"context"
	"strings"
	"testing"
)

// TestMemberLinkCommands: member link and unlink on both engines, each
// audited as the person at the command line; refusals name the flag and
// record nothing.
func TestMemberLinkCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "secretary")
		for _, a := range [][]string{
			{"member", "add", "--name", "Ann Jones", "--address", "1 High St", "--shares", "10", "--paid-on", "2024-03-01"},
			{"member", "add", "--name", "Ben Smith", "--address", "2 Low Rd", "--shares", "10", "--paid-on", "2024-03-01"},
			{"user", "add", "--email", "ann@example.org", "--name", "Ann", "--role", "reader"},
		} {
			if code, _, stderr := inStore(t, store, a[:2], a[2:]...); code != 0 {
				t.Fatalf("%v: %s", a, stderr)
			}
		}
		links := func() (n int) {
			d := openStore(t, store)
			defer d.Close()
			if err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM member_links) +
				(SELECT COUNT(*) FROM audit_log WHERE action IN ('society.link', 'society.unlink') AND actor_name = 'cli:secretary')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		link, unlink := []string{"member", "link"}, []string{"member", "unlink"}
		for _, c := range []struct {
			name  string
			words []string
			args  []string
			want  string // on stdout, or stderr when code is 1
			code  int
		}{
			{"no member", link, []string{"--email", "ann@example.org"}, "--member: a membership number", 1},
			{"no email", link, []string{"--member", "1"}, "--email is required", 1},
			{"no such account", link, []string{"--member", "1", "--email", "zed@example.org"}, "no account signs in with that address", 1},
			{"no such member", link, []string{"--member", "9", "--email", "ann@example.org"}, "--member: There is no member 9", 1},
			{"unlink with none", unlink, []string{"--member", "1"}, "--member: Member 1 is not linked", 1},
			{"link", link, []string{"--member", "1", "--email", "ANN@example.org"}, "member 1: linked to the account of ann@example.org", 0},
			{"link again", link, []string{"--member", "1", "--email", "ann@example.org"}, "--email: Member 1 is already linked", 1},
			{"another member", link, []string{"--member", "2", "--email", "ann@example.org"}, "linked to member 1; unlink it there first", 1},
			{"unlink", unlink, []string{"--member", "1"}, "member 1: unlinked", 0},
			{"then the other", link, []string{"--member", "2", "--email", "ann@example.org"}, "member 2: linked", 0},
		} {
			before := links()
			code, out, errOut := inStore(t, store, c.words, c.args...)
			got := out
			if c.code != 0 {
				got = errOut
			}
			if code != c.code || !strings.Contains(got, c.want) {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and %q", c.name, code, out, errOut, c.code, c.want)
			}
			if grew := links() - before; (c.code == 0) != (grew == 2) || (c.code != 0 && grew != 0) {
				t.Errorf("%s: %d link rows and audit entries added", c.name, grew)
			}
		}
	})
}
