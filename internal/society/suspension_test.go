package society_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// suspend records a suspension from starts to ends ("" none), failing
// the test on any refusal.
func suspend(t *testing.T, s *society.Service, now time.Time, starts, ends string) society.Suspension {
	t.Helper()
	p, err := society.ParseSuspension(society.SuspensionInput{StartsOn: starts, EndsOn: ends, Resolution: "2026/14"}, now, s.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if p, err = s.Suspend(context.Background(), p, secretary); err != nil {
		t.Fatalf("suspend %s–%s: %v", starts, ends, err)
	}
	return p
}

// TestSuspensionInput: the refusals of a new suspension and of a new
// end, each beside its field and recording nothing, on both engines:
// an end before or on the start, an end in the past, a start in the
// past, days that do not exist, no resolution, and a suspension that
// overlaps one in force, new or by a changed end.
func TestSuspensionInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		first := suspend(t, s, today, "2026-12-01", "2027-03-01")
		later := suspend(t, s, today, "2027-06-01", "")
		for _, c := range []struct {
			name                     string
			starts, ends, resolution string
			field                    string
			cause                    error
		}{
			{name: "end before start", starts: "2027-04-10", ends: "2027-04-01", resolution: "r", field: society.FieldEndsOn},
			{name: "end on the start", starts: "2027-04-10", ends: "2027-04-10", resolution: "r", field: society.FieldEndsOn},
			{name: "end in the past", starts: "2026-11-30", ends: "2026-11-29", resolution: "r", field: society.FieldEndsOn},
			{name: "start in the past", starts: "2026-11-29", resolution: "r", field: society.FieldStartsOn},
			{name: "no such day", starts: "2027-02-30", resolution: "r", field: society.FieldStartsOn},
			{name: "not a date", starts: "next week", resolution: "r", field: society.FieldStartsOn},
			{name: "no start", starts: " ", resolution: "r", field: society.FieldStartsOn},
			{name: "no resolution", starts: "2027-04-01", ends: "2027-05-01", resolution: " ", field: society.FieldResolution},
			{name: "inside another", starts: "2027-01-01", ends: "2027-02-01", resolution: "r", field: society.FieldEndsOn, cause: society.ErrOverlap},
			{name: "into another", starts: "2027-05-01", ends: "2027-06-02", resolution: "r", field: society.FieldEndsOn, cause: society.ErrOverlap},
			{name: "open, across later", starts: "2027-04-01", resolution: "r", field: society.FieldEndsOn, cause: society.ErrOverlap},
			{name: "after an open one", starts: "2028-01-01", ends: "2028-02-01", resolution: "r", field: society.FieldEndsOn, cause: society.ErrOverlap},
		} {
			t.Run(c.name, func(t *testing.T) {
				p, err := society.ParseSuspension(society.SuspensionInput{StartsOn: c.starts, EndsOn: c.ends, Resolution: c.resolution},
					today, s.Rules())
				if err == nil {
					_, err = s.Suspend(ctx, p, secretary)
				}
				fe := valid.All(err)
				if len(fe) != 1 || fe[0].Field != c.field || (c.cause != nil && !errors.Is(err, c.cause)) {
					t.Fatalf("got %v, want one refusal of %s", err, c.field)
				}
			})
		}
		for _, c := range []struct {
			name  string
			id    int64
			end   string
			field string
			cause error
		}{
			{name: "end in the past", id: first.ID, end: "2026-11-01", field: society.FieldEndsOn},
			{name: "no such day", id: first.ID, end: "2027-02-29", field: society.FieldEndsOn},
			{name: "until further notice runs into the next", id: first.ID, end: "", field: society.FieldEndsOn, cause: society.ErrOverlap},
			{name: "past the next's start", id: first.ID, end: "2027-06-02", field: society.FieldEndsOn, cause: society.ErrOverlap},
			{name: "no such suspension", id: 99, end: "2027-01-01", field: society.FieldSuspension, cause: society.ErrNotFound},
		} {
			t.Run("end: "+c.name, func(t *testing.T) {
				end, res, err := society.ParseSuspensionEnd(c.end, "2026/15", today, s.Rules())
				if err == nil {
					_, err = s.EndSuspension(ctx, c.id, end, res, secretary)
				}
				fe := valid.All(err)
				if len(fe) != 1 || fe[0].Field != c.field || (c.cause != nil && !errors.Is(err, c.cause)) {
					t.Fatalf("got %v, want one refusal of %s", err, c.field)
				}
			})
		}
		if got, err := s.Suspensions(ctx); err != nil || len(got) != 2 || got[0].ID != first.ID || got[0].EndsOn != first.EndsOn || got[1].ID != later.ID {
			t.Fatalf("something was recorded: %+v %v", got, err)
		}
		// A new end replaces the suspension once; the replaced one cannot
		// be changed again.
		moved, err := s.EndSuspension(ctx, first.ID, "2027-02-01", "2026/16", secretary)
		if err != nil || moved.StartsOn != first.StartsOn || moved.Replaces != first.ID {
			t.Fatalf("new end: %+v %v", moved, err)
		}
		if _, err := s.EndSuspension(ctx, first.ID, "2027-01-01", "2026/17", secretary); !errors.Is(err, society.ErrNotFound) {
			t.Fatalf("a replaced suspension changed again: %v", err)
		}
		if got, _ := s.Suspensions(ctx); len(got) != 2 || got[0].ID != moved.ID {
			t.Fatalf("in force: %+v", got)
		}
		for _, q := range []string{`UPDATE withdrawal_suspensions SET ends_on = ''`, `DELETE FROM withdrawal_suspensions`} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
	})
}

// TestSuspensionEnds: a suspension with an end stops payment while it
// stands, and from its end day a request is paid with nothing lifted by
// hand; the member's terms say until when; a suspension until further
// notice stands until it is given an end.
func TestSuspensionEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := today
		s := clockService(t, d, &clock)
		m := admit(t, s, "Cat Moss", "3 Mill Lane", "20", "2024-01-01")
		suspend(t, s, clock, "2026-11-30", "2027-01-15")
		terms, err := s.WithdrawalTerms(ctx)
		if err != nil || !terms.Suspended || terms.SuspendedUntil != "2027-01-15" ||
			terms.SuspensionPeriod() != "from 30 November 2026 until 15 January 2027" {
			t.Fatalf("terms %+v %v", terms, err)
		}
		w, err := s.RequestWithdrawal(ctx, m.Number, 5, account.Actor{Name: "reader"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, nil); !errors.Is(err, society.ErrSuspended) ||
			!strings.Contains(err.Error(), "until 15 January 2027") {
			t.Fatalf("paid while suspended: %v", err)
		}
		clock = time.Date(2027, 1, 14, 23, 0, 0, 0, time.UTC)
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, nil); !errors.Is(err, society.ErrSuspended) {
			t.Fatalf("paid on the last day suspended: %v", err)
		}
		clock = time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
		if _, err := s.PayWithdrawal(ctx, w.ID, secretary, nil); err != nil {
			t.Fatalf("not paid from the end day: %v", err)
		}
		open := suspend(t, s, clock, "2027-02-01", "")
		clock = time.Date(2029, 2, 1, 9, 0, 0, 0, time.UTC)
		if _, err := s.Apply(ctx, change(society.Withdrawal, m.Number, 1, "2029-02-01"), secretary); !errors.Is(err, society.ErrSuspended) {
			t.Fatalf("withdrawn during an open suspension: %v", err)
		}
		if _, err := s.EndSuspension(ctx, open.ID, "2029-02-01", "2029/1", secretary); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, change(society.Withdrawal, m.Number, 1, "2029-02-01"), secretary); err != nil {
			t.Fatalf("withdrawal after the suspension was ended today: %v", err)
		}
		if terms, err := s.WithdrawalTerms(ctx); err != nil || terms.Suspended || terms.SuspendedFrom != "" {
			t.Fatalf("terms after every suspension ended: %+v %v", terms, err)
		}
		mustCheck(t, s)
	})
}
