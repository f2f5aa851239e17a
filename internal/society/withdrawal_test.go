package society_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// clockService is the society under rules changed by opts, on a clock
// the test moves.
func clockService(t *testing.T, d *db.DB, clock *time.Time, opts ...func(*society.Rules)) *society.Service {
	t.Helper()
	r := society.DefaultRules()
	for _, o := range opts {
		o(&r)
	}
	s, err := society.New(d, r, func() time.Time { return *clock })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantField fails unless err is a refusal naming field, caused by cause
// when cause is not nil.
func wantField(t *testing.T, err error, field string, cause error) {
	t.Helper()
	v, ok := valid.As(err)
	if !ok || v.Field != field {
		t.Fatalf("got %v; want a refusal of %s", err, field)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Fatalf("got %v; want %v", err, cause)
	}
}

// TestWithdrawalRequests: a member asks, the secretary pays or rejects;
// notice, the minimum holding, a suspension and asking for too much,
// each on both engines.
func TestWithdrawalRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := today
		s := clockService(t, d, &clock, func(r *society.Rules) { r.NoticeDays = 30; r.MinimumShares = 5 })
		m := admit(t, s, "Ann Jones", "1 High St", "50", "2024-01-01")
		member := account.Actor{Name: "reader 1"}

		terms, err := s.WithdrawalTerms(ctx)
		if err != nil || terms.DueOn != "2026-12-30" || terms.Suspended || terms.MinimumShares != 5 {
			t.Fatalf("terms %+v", terms)
		}
		for _, c := range []struct {
			name   string
			shares int64
			field  string
			cause  error
		}{
			{"more than held", 51, society.FieldShares, society.ErrBelowZero},
			{"below the minimum", 47, society.FieldShares, nil},
		} {
			if _, err := s.RequestWithdrawal(ctx, m.Number, c.shares, member); err == nil {
				t.Fatalf("%s: recorded", c.name)
			} else {
				wantField(t, err, c.field, c.cause)
			}
		}
		w, err := s.RequestWithdrawal(ctx, m.Number, 20, member)
		if err != nil {
			t.Fatal(err)
		}
		if w.NoticeOn != "2026-11-30" || w.DueOn != "2026-12-30" || w.Status != society.WithdrawalWaiting {
			t.Fatalf("request %+v", w)
		}
		// 20 wait already, so 31 more would be too many and "all" clashes.
		if _, err := s.RequestWithdrawal(ctx, m.Number, 31, member); !errors.Is(err, society.ErrBelowZero) {
			t.Fatalf("31 more: %v", err)
		}
		if _, err := s.RequestWithdrawal(ctx, m.Number, 0, member); !errors.Is(err, society.ErrBelowZero) {
			t.Fatalf("all with 20 waiting: %v", err)
		}
		// Notice has not run: paying is refused and nothing changes.
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, nil); err == nil {
			t.Fatal("paid before the notice ran")
		} else {
			wantField(t, err, society.FieldDate, nil)
		}
		clock = clock.AddDate(0, 0, 30)
		told := 0
		tell := func(ctx context.Context, tx *sql.Tx, got society.WithdrawalRequest) error {
			told++
			if got.Status == society.WithdrawalWaiting || got.MemberNumber != m.Number {
				t.Errorf("told of %+v", got)
			}
			return nil
		}
		paid, err := s.PayWithdrawal(ctx, w.ID, secretary, tell)
		if err != nil {
			t.Fatal(err)
		}
		if paid.Status != society.WithdrawalPaid || paid.Paid != 20_00 || told != 1 {
			t.Fatalf("paid %+v, told %d", paid, told)
		}
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, tell); !errors.Is(err, society.ErrDecided) {
			t.Fatalf("paid twice: %v", err)
		}
		if shares, _, _ := s.Holding(ctx, m.Number); shares != 30 {
			t.Fatalf("holding %d after paying 20 of 50", shares)
		}

		// A request for all, rejected, then another paid: membership ends.
		all, err := s.RequestWithdrawal(ctx, m.Number, 0, member)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RejectWithdrawal(ctx, all.ID, " ", secretary, tell); err == nil {
			t.Fatal("rejected without a reason")
		}
		if r, err := s.RejectWithdrawal(ctx, all.ID, "The board needs the capital this year.", secretary, tell); err != nil ||
			r.Status != society.WithdrawalRejected {
			t.Fatalf("reject: %+v %v", r, err)
		}
		all, err = s.RequestWithdrawal(ctx, m.Number, 0, member)
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.AddDate(0, 0, 31)
		if paid, err = s.PayWithdrawal(ctx, all.ID, secretary, tell); err != nil || paid.Paid != 30_00 {
			t.Fatalf("pay all: %+v %v", paid, err)
		}
		if _, err := s.RequestWithdrawal(ctx, m.Number, 1, member); !errors.Is(err, society.ErrCeased) {
			t.Fatalf("request after ceasing: %v", err)
		}
		reg, err := s.Register(ctx, clock.Format(time.DateOnly))
		if err != nil || reg[0].CeasedOn != "2027-01-30" {
			t.Fatalf("register %+v %v", reg, err)
		}
		got, err := s.WithdrawalsOf(ctx, m.Number)
		if err != nil || len(got) != 3 || got[0].Status != society.WithdrawalPaid || got[1].Reason == "" {
			t.Fatalf("history %+v %v", got, err)
		}
		if told != 3 {
			t.Fatalf("told %d times, want 3", told)
		}
		mustCheck(t, s)
	})
}

// TestWithdrawalDuringSuspension: a request while the board has
// suspended withdrawals is recorded, and says so, but cannot be paid;
// a failing Tell undoes the decision it was to announce.
func TestWithdrawalDuringSuspension(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := today
		s := clockService(t, d, &clock, func(r *society.Rules) { r.WithdrawalsSuspendedFrom = "2026-06-01" })
		m := admit(t, s, "Ben Smith", "2 Low Rd", "10", "2024-01-01")
		if terms, err := s.WithdrawalTerms(ctx); err != nil || !terms.Suspended || terms.SuspendedFrom != "2026-06-01" {
			t.Fatalf("terms %+v", terms)
		}
		w, err := s.RequestWithdrawal(ctx, m.Number, 4, account.Actor{Name: "reader 2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, nil); !errors.Is(err, society.ErrSuspended) {
			t.Fatalf("paid while suspended: %v", err)
		}
		boom := errors.New("outbox down")
		if _, err := s.RejectWithdrawal(ctx, w.ID, "Suspended", secretary,
			func(context.Context, *sql.Tx, society.WithdrawalRequest) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("reject with a failing tell: %v", err)
		}
		waiting, err := s.WaitingWithdrawals(ctx)
		if err != nil || len(waiting) != 1 || waiting[0].Name != "Ben Smith" || waiting[0].Shares != 4 {
			t.Fatalf("waiting %+v %v", waiting, err)
		}
		if shares, _, _ := s.Holding(ctx, m.Number); shares != 10 {
			t.Fatalf("holding %d; want 10 untouched", shares)
		}
	})
}

// TestWithdrawalRaces: two requests racing to ask for more than is held,
// and two secretaries paying one request at once: exactly one wins each
// time, on both engines.
func TestWithdrawalRaces(t *testing.T) {
	const rounds = 8
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		for i := range rounds {
			m := admit(t, s, fmt.Sprintf("Racing %d", i), "4 Quay St", "10", "2024-01-01")
			ask := func(n int64) func() error {
				return func() error {
					_, err := s.RequestWithdrawal(ctx, m.Number, n, account.Actor{Name: "reader"})
					return err
				}
			}
			oneWins(t, race(ask(6), ask(6)), society.ErrBelowZero)
			waiting, err := s.WithdrawalsOf(ctx, m.Number)
			if err != nil || len(waiting) != 1 {
				t.Fatalf("%d requests recorded: %v", len(waiting), err)
			}
			pay := func() error { _, err := s.PayWithdrawal(ctx, waiting[0].ID, secretary, nil); return err }
			oneWins(t, race(pay, pay), society.ErrDecided)
			if shares, _, _ := s.Holding(ctx, m.Number); shares != 4 {
				t.Fatalf("holding %d after one payment of 6 from 10", shares)
			}
		}
		mustCheck(t, s)
	})
}

// TestLinkMember: the secretary links a member to a reader account and
// unlinks them; each is an entry, and the link decides who the account
// reaches and who counts as a member already.
func TestLinkMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		acct := func(email string) int64 {
			var id int64
			err := d.Writer().QueryRowContext(ctx, `INSERT INTO accounts (email, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
				email, email, db.UTC(today)).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		ann, cath := acct("ann@example.org"), acct("cath@example.org")
		m := admit(t, s, "Ann Jones", "1 High St", "10", "2024-01-01")
		other := admit(t, s, "Cath Lee", "3 Mill Ln", "10", "2024-01-01")
		if _, err := s.MemberOf(ctx, ann); !errors.Is(err, society.ErrNotFound) {
			t.Fatalf("unlinked account reaches %v", err)
		}
		if err := s.Link(ctx, m.Number, ann, secretary); err != nil {
			t.Fatal(err)
		}
		got, err := s.MemberOf(ctx, ann)
		if err != nil || got.Number != m.Number || got.AccountID != ann || got.Contact.Name != "Ann Jones" {
			t.Fatalf("member of ann: %+v %v", got, err)
		}
		refusals := []struct {
			name         string
			number, acct int64
			field        string
			cause        error
		}{
			{"the same link again", m.Number, ann, society.FieldEmail, nil},
			{"an account another member has", other.Number, ann, society.FieldEmail, society.ErrLinked},
			{"no such member", 999, cath, society.FieldMember, society.ErrNotFound},
			{"unlinking a member with none", other.Number, 0, society.FieldMember, nil},
		}
		for _, c := range refusals {
			wantField(t, s.Link(ctx, c.number, c.acct, secretary), c.field, c.cause)
		}
		// Linked now, the account counts as the person: a second admission
		// under another name is refused.
		a := admission(t, "A. Jones", "Elsewhere", "5", "2025-01-01")
		a.AccountID = ann
		if _, err := s.Admit(ctx, a, secretary); !errors.Is(err, society.ErrAlreadyMember) {
			t.Fatalf("second admission through the link: %v", err)
		}
		if err := (society.Members{}).BlockErasure(ctx, d, "ann@example.org"); err == nil {
			t.Fatal("erasing a linked member's account was allowed")
		}
		if err := s.Link(ctx, m.Number, 0, secretary); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MemberOf(ctx, ann); !errors.Is(err, society.ErrNotFound) {
			t.Fatalf("unlinked account still reaches %v", err)
		}
		if err := s.Link(ctx, other.Number, ann, secretary); err != nil {
			t.Fatalf("link after the unlink: %v", err)
		}
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM member_links`).Scan(&rows); err != nil || rows != 3 {
			t.Fatalf("%d link rows (%v); want 3", rows, err)
		}
		if _, err := d.ExecContext(ctx, `DELETE FROM member_links`); err == nil {
			t.Fatal("member_links is not append-only")
		}
		hist, err := s.History(ctx, other.Number)
		if err != nil || len(hist) != 1 || hist[0].Shares != 10 {
			t.Fatalf("history %+v %v", hist, err)
		}
		mustCheck(t, s)
	})
}

// TestBallotsFollowTheLink: a member linked to an account after admission
// finds their open ballot through it, and not once unlinked.
func TestBallotsFollowTheLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		var acct int64
		if err := d.Writer().QueryRowContext(ctx, `INSERT INTO accounts (email, name, created_at) VALUES ('v@example.org', 'V', $1)
			RETURNING id`, db.UTC(today)).Scan(&acct); err != nil {
			t.Fatal(err)
		}
		b, ms, _, _ := openAGM(t, s, c, 2, false)
		if err := s.Link(ctx, ms[1].Number, acct, secretary); err != nil {
			t.Fatal(err)
		}
		got, err := s.BallotsFor(ctx, acct)
		if err != nil || len(got) != 1 || got[0].Ballot.ID != b.ID || got[0].Member != ms[1].Number {
			t.Fatalf("ballots of the linked account: %+v %v", got, err)
		}
		if err := s.Link(ctx, ms[1].Number, 0, secretary); err != nil {
			t.Fatal(err)
		}
		if got, err := s.BallotsFor(ctx, acct); err != nil || len(got) != 0 {
			t.Fatalf("ballots after the unlink: %+v %v", got, err)
		}
	})
}
