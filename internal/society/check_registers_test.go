package society_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// registerHistory is a society's life in brief, built through the
// service as a secretary would: applications 1–3 approved (Ann Jones
// admitted as member 1, linked to her reader account, and allotted more
// by application 3; Ben Smith member 2), 4 rejected and its cheque
// marked for repayment, 5 paid and waiting, 6 not paid; Ben withdrew 20
// shares (request 1) and then all (request 2), Ann's request 3 was
// rejected; Ann chaired until 2026-01-01 (officer 1), Ben is secretary
// from 2025-06-01 (officer 2), and Ben was later linked to his account.
func registerHistory(t *testing.T, d *db.DB) *society.Service {
	t.Helper()
	ctx := context.Background()
	s := newService(t, d)
	for _, email := range []string{"ann@example.org", "ben@example.org"} {
		if _, err := d.ExecContext(ctx, `INSERT INTO accounts (email, name, created_at) VALUES ($1, $1, $2)`,
			email, db.UTC(today)); err != nil {
			t.Fatal(err)
		}
	}
	applyAs := func(name, email, shares string, pay society.PayBy) society.Application {
		a, err := society.ParseApplication(society.ApplicationInput{Name: name, Address: name + " House, Leeds",
			Email: email, Shares: shares, PayBy: string(pay)}, s.Rules())
		if err != nil {
			t.Fatal(err)
		}
		if a, err = s.Submit(ctx, a, secretary); err != nil {
			t.Fatal(err)
		}
		return a
	}
	ann := applyAs("Ann Jones", "ann@example.org", "100", society.PayCheque)
	ben := applyAs("Ben Smith", "", "50", society.PayTransfer)
	more := applyAs("Ann Jones", "ann@example.org", "30", society.PayCheque)
	cath := applyAs("Cath Lee", "cath@example.org", "20", society.PayCheque)
	dan := applyAs("Dan Moss", "dan@example.org", "10", society.PayCheque)
	applyAs("Eve Hart", "eve@example.org", "10", society.PayCard)
	for _, a := range []society.Application{ann, ben, more, cath, dan} {
		paidByCheque(t, s, a)
	}
	for _, a := range []society.Application{ann, ben, more} {
		if _, err := s.Approve(ctx, a.ID, secretary); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Reject(ctx, cath.ID, "Not resident in the area.", secretary); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		member, shares int64
		pay            bool
	}{{2, 20, true}, {2, 0, true}, {1, 10, false}} {
		req, err := s.RequestWithdrawal(ctx, w.member, w.shares, secretary)
		if err == nil && w.pay {
			_, err = s.PayWithdrawal(ctx, req.ID, secretary, nil)
		} else if err == nil {
			_, err = s.RejectWithdrawal(ctx, req.ID, "The board has suspended withdrawals.", secretary, nil)
		}
		if err != nil {
			t.Fatalf("withdrawal %+v: %v", w, err)
		}
	}
	chair := appoint(t, s, society.OfficerInput{Name: "Ann Jones", Office: "Chair", Member: "1", On: "2025-01-01"})
	if err := endOffice(t, s, chair.ID, "2026-01-01", "not re-elected"); err != nil {
		t.Fatal(err)
	}
	appoint(t, s, society.OfficerInput{Name: "Ben Smith", Office: "Secretary", Member: "2", On: "2025-06-01"})
	if err := s.Link(ctx, 2, 2, secretary); err != nil {
		t.Fatal(err)
	}
	return s
}

// withoutForeignKeys runs q on one connection with the engine's foreign
// keys (and, on PostgreSQL, its triggers) off, as a careless repair by
// hand would.
func withoutForeignKeys(t *testing.T, d *db.DB, q string) {
	t.Helper()
	ctx := context.Background()
	conn, err := d.Writer().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	off, on := `PRAGMA foreign_keys = OFF`, `PRAGMA foreign_keys = ON`
	if d.Dialect() == db.Postgres {
		off, on = `SET session_replication_role = replica`, `SET session_replication_role = DEFAULT`
	}
	for _, s := range []string{off, q, on} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestCheckFindsRegistersApart: after a realistic history Check finds
// nothing; then, one write at a time behind the service's back, it names
// exactly the broken agreement between the registers, with the ids the
// secretary needs to find it.
func TestCheckFindsRegistersApart(t *testing.T) {
	const event = `INSERT INTO share_application_events (application_id, kind, method, amount_minor, currency, reference,
		member_number, recorded_at, recorded_by) VALUES `
	const entry = `INSERT INTO share_entries (member_id, kind, entry_on, shares, amount_minor, currency, reason, recorded_at,
		recorded_by) VALUES `
	const request = `INSERT INTO withdrawal_requests (member_id, shares, notice_on, requested_at, requested_by) VALUES `
	const decision = `INSERT INTO withdrawal_decisions (request_id, outcome, share_entry_id, decided_at, decided_by)
		VALUES ((SELECT MAX(id) FROM withdrawal_requests), 'paid', `
	now := `'2026-11-30 12:00:00', 'tamper')`
	for _, c := range []struct {
		name   string
		writes []string
		// noFK runs the writes with foreign keys off; postgres only on
		// PostgreSQL, where a constraint can be dropped.
		noFK, postgres bool
		want           []string
	}{
		{name: "approved with no allotment", writes: []string{event + `(5, 'approved', '', 0, '', '', 3, ` + now},
			want: []string{"application 5 (Dan Moss): approved for member 3 on 2026-11-30, but no allotment in the share ledger is for it"}},
		{name: "an approval from before allotments named it", writes: []string{
			`INSERT INTO members (number, class, admitted_on, recorded_at, recorded_by) VALUES (3, 'individual', '2026-11-30', ` + now,
			`INSERT INTO member_contacts (member_id, name, postal_address, email_use, person_key, effective_on, recorded_at, recorded_by)
				VALUES (3, 'Dan Moss', 'Dan Moss House, Leeds', 'none', 'dan moss dan moss house leeds', '2026-11-30', ` + now,
			entry + `(3, 'allotment', '2026-11-30', 10, 1000, 'GBP', 'admission', ` + now,
			event + `(5, 'approved', '', 0, '', '', 3, ` + now}},
		{name: "allotment for an application not approved",
			writes: []string{entry + `(1, 'allotment', '2026-11-30', 10, 1000, 'GBP', 'application 5', ` + now},
			want:   []string{"ledger entry 6 allots 10 shares to member 1 for application 5, which is paid, not approved"}},
		{name: "allotment for no application",
			writes: []string{entry + `(1, 'allotment', '2026-11-30', 10, 1000, 'GBP', 'application 99', ` + now},
			want:   []string{"ledger entry 6 allots 10 shares to member 1 for application 99, which is not in the register of applications"}},
		{name: "allotment of other shares", writes: []string{event + `(5, 'approved', '', 0, '', '', 1, ` + now,
			entry + `(1, 'allotment', '2026-11-30', 7, 700, 'GBP', 'application 5', ` + now},
			want: []string{"application 5 (Dan Moss): approved for 10 shares (£10) to member 1 on 2026-11-30, " +
				"but ledger entry 6 allots 7 shares (£7) to member 1 on 2026-11-30"}},
		{name: "allotment on another day", writes: []string{event + `(5, 'approved', '', 0, '', '', 1, ` + now,
			entry + `(1, 'allotment', '2026-12-01', 10, 1000, 'GBP', 'application 5', ` + now},
			want: []string{"application 5 (Dan Moss): approved for 10 shares (£10) to member 1 on 2026-11-30, " +
				"but ledger entry 6 allots 10 shares (£10) to member 1 on 2026-12-01"}},
		{name: "two allotments for one application",
			writes: []string{entry + `(1, 'allotment', '2026-11-30', 30, 3000, 'GBP', 'application 3', ` + now},
			want:   []string{"application 3 (Ann Jones): the share ledger has 2 allotments for it (entries 3, 6)"}},
		{name: "approved without payment", writes: []string{event + `(6, 'approved', '', 0, '', '', 1, ` + now,
			entry + `(1, 'allotment', '2026-11-30', 10, 1000, 'GBP', 'application 6', ` + now},
			want: []string{"application 6 (Eve Hart): approved without a payment recorded"}},
		{name: "card payment of a rejection not refunded", writes: []string{
			event + `(6, 'paid', 'card', 1000, 'GBP', 'pi_123', NULL, ` + now, event + `(6, 'rejected', '', 0, '', '', NULL, ` + now},
			want: []string{"application 6 (Eve Hart): rejected, but its card payment of £10 (pi_123) has not been refunded"}},
		{name: "cheque of a rejection not marked for repayment", writes: []string{event + `(5, 'rejected', '', 0, '', '', NULL, ` + now},
			want: []string{"application 5 (Dan Moss): rejected, but its cheque of £10 (cheque 000123) is not marked for repayment"}},
		{name: "approved and refunded", writes: []string{event + `(2, 'refunded', 'card', 5000, 'GBP', 're_1', NULL, ` + now},
			want: []string{"application 2 (Ben Smith): its payment was refunded (re_1) but it was not rejected"}},
		{name: "withdrawal paid by an allotment", writes: []string{request + `(1, 10, '2026-11-30', ` + now,
			decision + `1, ` + now},
			want: []string{"withdrawal request 4 (member 1): paid by ledger entry 1 (allotment on 2026-11-30), not a withdrawal"}},
		{name: "withdrawal paid by another member's entry", writes: []string{request + `(1, 20, '2026-11-30', ` + now,
			decision + `4, ` + now},
			want: []string{"withdrawal request 4 (member 1): paid by ledger entry 4, which is member 2's",
				"ledger entry 4 pays 2 withdrawal requests (1, 4)"}},
		{name: "withdrawal of other shares", writes: []string{entry + `(1, 'withdrawal', '2026-11-30', -5, -500, 'GBP', 'tamper', ` + now,
			request + `(1, 7, '2026-11-30', ` + now, decision + `6, ` + now},
			want: []string{"withdrawal request 4 (member 1): for 7 shares, but ledger entry 6 on 2026-11-30 withdrew 5"}},
		{name: "withdrawal of every share leaving some", writes: []string{
			entry + `(1, 'withdrawal', '2026-11-30', -5, -500, 'GBP', 'tamper', ` + now,
			request + `(1, 0, '2026-11-30', ` + now, decision + `6, ` + now},
			want: []string{"withdrawal request 4 (member 1): for every share, but after ledger entry 6 the member still holds 125 shares"}},
		{name: "link to an account that does not exist", noFK: true,
			writes: []string{`INSERT INTO member_links (member_id, account_id, recorded_at, recorded_by) VALUES (1, 999, ` + now},
			want:   []string{"member 1: link 2 points at account 999, which does not exist"}},
		{name: "admitted with an account that does not exist", noFK: true, writes: []string{`DELETE FROM accounts WHERE id = 1`},
			want: []string{"member 1: linked at admission to account 1, which does not exist"}},
		{name: "a term ended before it began",
			writes: []string{`INSERT INTO officer_ends (officer_id, ended_on, reason, recorded_at, recorded_by) VALUES (2, '2025-01-01', 'resigned', ` + now},
			want:   []string{"officer 2 (Ben Smith, Secretary): the term ends on 2025-01-01 (end 2), before the appointment on 2025-06-01"}},
		{name: "a term ended twice", postgres: true, writes: []string{
			`ALTER TABLE officer_ends DROP CONSTRAINT officer_ends_officer_id_key`,
			`INSERT INTO officer_ends (officer_id, ended_on, reason, recorded_at, recorded_by) VALUES (1, '2026-02-01', 'resigned', ` + now},
			want: []string{"officer 1 (Ann Jones, Chair): the term is ended 2 times (2026-01-01, 2026-02-01)"}},
		{name: "an application's trigger dropped", writes: []string{`DROP TRIGGER share_application_events_no_delete`},
			want: []string{"trigger share_application_events_no_delete is missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				if c.postgres && d.Dialect() != db.Postgres {
					t.Skip("SQLite cannot drop a column's UNIQUE")
				}
				s := registerHistory(t, d)
				mustCheck(t, s)
				for _, q := range c.writes {
					if d.Dialect() == db.Postgres && strings.HasPrefix(q, "DROP TRIGGER") {
						q += " ON " + strings.TrimSuffix(strings.TrimPrefix(q, "DROP TRIGGER "), "_no_delete")
					}
					if c.noFK {
						withoutForeignKeys(t, d, q)
					} else if _, err := d.ExecContext(context.Background(), q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				r, err := s.Check(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Problems) != len(c.want) {
					t.Fatalf("got %d problems, want %d:\n%s", len(r.Problems), len(c.want), strings.Join(r.Problems, "\n"))
				}
				for i, want := range c.want {
					if !strings.Contains(r.Problems[i], want) {
						t.Errorf("problem %d is %q; want %q", i+1, r.Problems[i], want)
					}
				}
			})
		})
	}
}
