package society_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// TestMembershipLifecycle admits, allots, withdraws, cancels and
// transmits, and reads the register and the annual return at each step,
// on both engines.
func TestMembershipLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		ann := admit(t, s, "Ann Jones", "1 High St, Leeds", "250", "2024-03-01")
		ben := admit(t, s, "Ben Smith", "2 Low Rd, Hull", "10", "2024-05-01")
		if ann.Number != 1 || ben.Number != 2 {
			t.Fatalf("numbers %d, %d; want 1, 2", ann.Number, ben.Number)
		}
		kept, err := s.Admit(ctx, withNumber(admission(t, "Cath Lee", "3 Mill Ln, York", "5", "2024-06-01"), 700), secretary)
		if err != nil || kept.Number != 700 {
			t.Fatalf("kept number: %+v %v", kept, err)
		}
		if next := admit(t, s, "Dan Roe", "4 Quay, Bristol", "1", "2025-01-02"); next.Number != 701 {
			t.Fatalf("next number %d, want 701", next.Number)
		}
		steps := []society.Change{
			change(society.Allotment, 1, 50, "2024-07-01"),
			change(society.Withdrawal, 1, 100, "2025-02-01"),
			change(society.Withdrawal, 2, 10, "2025-03-01"), // Ben ceases
			change(society.Cancellation, 700, 2, "2025-04-01"),
		}
		for _, c := range steps {
			if _, err := s.Apply(ctx, c, secretary); err != nil {
				t.Fatalf("%s %d: %v", c.Kind, c.Member, err)
			}
		}
		if err := s.Transmit(ctx, society.Transmittal{From: 700, To: 1, On: "2025-05-01", Reason: "death of the member"}, secretary); err != nil {
			t.Fatal(err)
		}
		reg, err := s.Register(ctx, "2025-12-31")
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]society.Row{}
		for _, r := range reg {
			got[r.Number] = r
		}
		for _, w := range []society.Row{
			{Number: 1, Shares: 203, Paid: 20300, AdmittedOn: "2024-03-01"},
			{Number: 2, Shares: 0, Paid: 0, AdmittedOn: "2024-05-01", CeasedOn: "2025-03-01"},
			{Number: 700, Shares: 0, Paid: 0, AdmittedOn: "2024-06-01", CeasedOn: "2025-05-01"},
			{Number: 701, Shares: 1, Paid: 100, AdmittedOn: "2025-01-02"},
		} {
			g := got[w.Number]
			if g.Shares != w.Shares || g.Paid != w.Paid || g.AdmittedOn != w.AdmittedOn || g.CeasedOn != w.CeasedOn {
				t.Errorf("member %d: %+v, want %+v", w.Number, g, w)
			}
		}
		if len(reg) != 4 || got[1].Name != "Ann Jones" || got[1].EmailUse != society.EmailNone {
			t.Errorf("register: %+v", reg)
		}
		// As of an earlier day the register is the ledger then.
		old, err := s.Register(ctx, "2024-05-31")
		if err != nil || len(old) != 2 || old[0].Shares != 250 || old[1].Shares != 10 || old[1].CeasedOn != "" {
			t.Fatalf("as of 2024-05-31: %+v %v", old, err)
		}
		ar, err := s.AnnualReturn(ctx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		want := society.AnnualReturn{Year: 2025, From: "2025-01-01", To: "2025-12-31", MembersStart: 3, MembersEnd: 2,
			CapitalStart: 31500, CapitalEnd: 20400, Admitted: 1, Ceased: 2, SharesIssued: 1, SharesWithdrawn: 110, SharesCancelled: 2}
		if ar != want {
			t.Fatalf("annual return\n got %+v\nwant %+v", ar, want)
		}
		mustCheck(t, s)
		var audited int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'society.%'`).Scan(&audited); err != nil || audited != 9 {
			t.Fatalf("%d changes in the audit log, want 9 (%v)", audited, err)
		}
	})
}

func withNumber(a society.Admission, n int64) society.Admission { a.Number = n; return a }

// TestRefusals: each change the rules forbid is refused with a message
// for its field and records nothing.
func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d, func(r *society.Rules) {
			r.MaxIndividual = 20_000_00
			r.MinimumShares = 5
			r.NoticeDays = 90
		})
		admit(t, s, "Ann Jones", "1 High St, Leeds", "19000", "2024-03-01")
		admit(t, s, "Ben Smith", "2 Low Rd, Hull", "10", "2024-03-01")
		if _, err := s.Apply(ctx, change(society.Withdrawal, 2, 10, "2024-04-01"), secretary); err == nil {
			t.Fatal("a withdrawal without notice was paid")
		}
		withNotice := change(society.Withdrawal, 2, 10, "2024-09-01")
		withNotice.NoticeGiven = "2024-04-01"
		if _, err := s.Apply(ctx, withNotice, secretary); err != nil {
			t.Fatal(err) // Ben ceases
		}
		before := mustCheck(t, s).Entries
		for _, tc := range []struct {
			name  string
			do    func() error
			field string
			cause error
			msg   string
		}{
			{"over the cap", func() error {
				_, err := s.Apply(ctx, change(society.Allotment, 1, 1001, "2024-04-01"), secretary)
				return err
			},
				society.FieldShares, society.ErrOverCap, "at most £20,000, and they hold £19,000 already"},
			{"admitted over the cap", func() error {
				_, err := s.Admit(ctx, admission(t, "Cy Dee", "5 Elm", "20001", "2024-04-01"), secretary)
				return err
			}, society.FieldShares, society.ErrOverCap, "at most £20,000"},
			{"below zero", func() error {
				c := change(society.Withdrawal, 1, 19001, "2024-09-01")
				c.NoticeGiven = "2024-04-01"
				_, err := s.Apply(ctx, c, secretary)
				return err
			}, society.FieldShares, society.ErrBelowZero, "holds 19000 shares"},
			{"below the minimum", func() error {
				c := change(society.Withdrawal, 1, 18998, "2024-09-01")
				c.NoticeGiven = "2024-04-01"
				_, err := s.Apply(ctx, c, secretary)
				return err
			}, society.FieldShares, nil, "below the rules' minimum of 5"},
			{"notice too short", func() error {
				c := change(society.Withdrawal, 1, 10, "2024-06-01")
				c.NoticeGiven = "2024-04-01"
				_, err := s.Apply(ctx, c, secretary)
				return err
			}, society.FieldDate, nil, "to 2024-06-30; the withdrawal cannot be paid"},
			{"cancel more than held", func() error {
				_, err := s.Apply(ctx, change(society.Cancellation, 1, 20000, "2024-04-01"), secretary)
				return err
			},
				society.FieldShares, society.ErrBelowZero, "no more than that can be cancelled"},
			{"ceased", func() error {
				_, err := s.Apply(ctx, change(society.Allotment, 2, 5, "2024-10-01"), secretary)
				return err
			},
				society.FieldMember, society.ErrCeased, "ceased to be a member on 2024-09-01"},
			{"no such member", func() error {
				_, err := s.Apply(ctx, change(society.Allotment, 99, 5, "2024-10-01"), secretary)
				return err
			},
				society.FieldMember, society.ErrNotFound, "no member 99"},
			{"out of date order", func() error {
				_, err := s.Apply(ctx, change(society.Allotment, 1, 5, "2024-01-01"), secretary)
				return err
			},
				society.FieldDate, nil, "record changes in date order"},
			{"same person again", func() error {
				_, err := s.Admit(ctx, admission(t, "ann  JONES", "1 High St., Leeds", "5", "2024-04-01"), secretary)
				return err
			}, society.FieldName, society.ErrAlreadyMember, "already member 1"},
			{"number taken", func() error {
				_, err := s.Admit(ctx, withNumber(admission(t, "Cy Dee", "5 Elm", "5", "2024-04-01"), 2), secretary)
				return err
			}, society.FieldNumber, society.ErrNumberTaken, "number 2 is already"},
			{"new address empty", func() error {
				return s.ChangeContact(ctx, 1, society.Contact{Name: "Ann Jones", Address: " ", EffectiveOn: "2024-05-01"}, secretary)
			}, society.FieldAddress, nil, "Enter the postal address."},
			{"new address before admission", func() error {
				return s.ChangeContact(ctx, 1, society.Contact{Name: "Ann Jones", Address: "9 New St", EffectiveOn: "2024-01-01"}, secretary)
			}, society.FieldDate, nil, "before the member was admitted on 2024-03-01"},
			{"transmit to oneself", func() error {
				return s.Transmit(ctx, society.Transmittal{From: 1, To: 1, On: "2024-10-01", Reason: "death"}, secretary)
			}, society.FieldNominee, nil, "their own nominee"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.do()
				v, ok := valid.As(err)
				if !ok || v.Field != tc.field || !strings.Contains(v.Message, tc.msg) || (tc.cause != nil && !errors.Is(err, tc.cause)) {
					t.Fatalf("got %v; want %s: …%s… (%v)", err, tc.field, tc.msg, tc.cause)
				}
			})
		}
		if after := mustCheck(t, s).Entries; after != before {
			t.Fatalf("refusals recorded %d entries", after-before)
		}
		// A former member may join again, under a new number.
		again, err := s.Admit(ctx, admission(t, "Ben Smith", "2 Low Rd, Hull", "5", "2024-10-01"), secretary)
		if err != nil || again.Number != 3 {
			t.Fatalf("readmission: %+v %v", again, err)
		}
		mustCheck(t, s)
	})
}

// TestWithdrawalsSuspended: from the board's date no withdrawal is paid.
func TestWithdrawalsSuspended(t *testing.T) {
	s := newService(t, dbtest.SQLite(t), func(r *society.Rules) { r.WithdrawalsSuspendedFrom = "2025-01-01" })
	admit(t, s, "Ann Jones", "1 High St", "10", "2024-03-01")
	ctx := context.Background()
	if _, err := s.Apply(ctx, change(society.Withdrawal, 1, 1, "2024-12-31"), secretary); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, change(society.Withdrawal, 1, 1, "2025-01-01"), secretary); !errors.Is(err, society.ErrSuspended) {
		t.Fatalf("withdrawal while suspended: %v", err)
	}
}
