package society_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// race runs each of fns at once, as far as goroutines allow, and returns
// their errors in order.
func race(fns ...func() error) []error {
	errs := make([]error, len(fns))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			<-start
			errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWins fails unless exactly one of errs is nil and every other is lost.
func oneWins(t *testing.T, errs []error, lost error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, lost):
			t.Fatalf("a racer failed otherwise than with %v: %v", lost, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d racers won; want exactly one (%v)", wins, len(errs), errs)
	}
}

// TestRaces: two allotments racing past the cap, two withdrawals racing
// below zero and two admissions of one person; each time exactly one
// wins, on both engines, round after round.
func TestRaces(t *testing.T) {
	const rounds = 10
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d, func(r *society.Rules) { r.MaxIndividual = 20_000_00 })
		for i := range rounds {
			m := admit(t, s, fmt.Sprintf("Capped %d", i), "1 High St", "19900", "2024-01-01")
			allot := func() error {
				_, err := s.Apply(ctx, change(society.Allotment, m.Number, 100, "2024-02-01"), secretary)
				return err
			}
			oneWins(t, race(allot, allot), society.ErrOverCap)

			w := admit(t, s, fmt.Sprintf("Withdrawing %d", i), "2 Low Rd", "10", "2024-01-01")
			withdraw := func() error {
				_, err := s.Apply(ctx, change(society.Withdrawal, w.Number, 6, "2024-02-01"), secretary)
				return err
			}
			oneWins(t, race(withdraw, withdraw), society.ErrBelowZero)

			a := admission(t, fmt.Sprintf("Twice %d", i), "3 Mill Ln", "5", "2024-01-01")
			join := func() error { _, err := s.Admit(ctx, a, secretary); return err }
			oneWins(t, race(join, join), society.ErrAlreadyMember)
		}
		r := mustCheck(t, s)
		if r.Members != 3*rounds || r.Entries != 5*rounds {
			t.Fatalf("%d members, %d entries; want %d, %d", r.Members, r.Entries, 3*rounds, 5*rounds)
		}
	})
}
