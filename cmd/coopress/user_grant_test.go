package main

import (
	"context"
	"slices"
	"testing"
)

// TestUserRolesAnnouncesPowerGrants: with SMTP configured, a treasurer
// granted from the command line is announced to the other treasurers
// through the outbox, as on the web; a writer grant is not.
func TestUserRolesAnnouncesPowerGrants(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("COOPRESS_SMTP_HOST", "127.0.0.1")
		for _, a := range [][]string{
			{"add", "--email", "boss@example.org", "--name", "Boss", "--role", "admin"},
			{"add", "--email", "t1@example.org", "--name", "First Treasurer", "--role", "treasurer"},
			{"add", "--email", "w@example.org", "--name", "Writer", "--role", "writer"},
			{"roles", "--email", "w@example.org", "--role", "writer,treasurer"},
		} {
			if code, _, errOut := user(t, store, a[0], a[1:]...); code != 0 {
				t.Fatalf("%v: %s", a, errOut)
			}
		}
		d := openStore(t, store)
		rows, err := d.QueryContext(context.Background(), `SELECT to_addr, subject FROM mail_outbox WHERE kind = 'role_grant' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var to, subject string
			if err := rows.Scan(&to, &subject); err != nil {
				t.Fatal(err)
			}
			got = append(got, to+": "+subject)
		}
		if want := []string{"t1@example.org: w@example.org now has the treasurer role"}; !slices.Equal(got, want) {
			t.Errorf("grant notices %q, want %q", got, want)
		}
	})
}
