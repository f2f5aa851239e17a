package society_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestCheckFindsTampering: with a trigger dropped and the ledger changed
// behind the service's back, Check names each broken rule. The ledger's
// own triggers refuse the change first.
func TestCheckFindsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		admit(t, s, "Ann Jones", "1 High St", "10", "2024-03-01")
		admit(t, s, "Ben Smith", "2 Low Rd", "10", "2024-03-01")
		if _, err := d.ExecContext(ctx, `UPDATE share_entries SET shares = -5 WHERE member_id = 1`); err == nil {
			t.Fatal("the ledger took an UPDATE")
		}
		if _, err := d.ExecContext(ctx, `DELETE FROM member_contacts`); err == nil {
			t.Fatal("the contacts took a DELETE")
		}
		drop := `DROP TRIGGER share_entries_no_update`
		if d.Dialect() == db.Postgres {
			drop += ` ON share_entries`
		}
		for _, q := range []string{drop, `UPDATE share_entries SET kind = 'withdrawal', shares = -5, amount_minor = -500 WHERE member_id = 1`,
			`UPDATE share_entries SET shares = 1000001, amount_minor = 100000100 WHERE member_id = 2`} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		r, err := s.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(r.Problems, "\n")
		for _, want := range []string{
			"trigger share_entries_no_update is missing",
			"member 1: the first entry is a withdrawal on 2024-03-01, not the allotment on admission",
			"member 1: the holding falls below zero on 2024-03-01",
			"member 2: the holding of £1,000,001 on 2024-03-01 is over the individual limit of £100,000",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("problems lack %q:\n%s", want, all)
			}
		}
	})
}
