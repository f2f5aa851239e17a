package stv

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// randomElection makes a seeded random election: 2 to 10 candidates, 1 to
// 5 seats, sometimes a withdrawn candidate, ballot groups of random
// partial rankings (some empty), weights 1 to 20. Few distinct first
// preferences make ties and lots common.
func randomElection(r *rand.Rand) Election {
	n := 2 + r.IntN(9)
	e := Election{Title: "random", Seats: 1 + r.IntN(min(5, n))}
	for i := range n {
		e.Candidates = append(e.Candidates, fmt.Sprintf("C%d", i+1))
	}
	if r.IntN(4) == 0 {
		e.Withdrawn = []int{r.IntN(n)}
	}
	for range 1 + r.IntN(200) {
		prefs := r.Perm(n)[:r.IntN(n+1)]
		e.Ballots = append(e.Ballots, Ballot{Weight: 1 + r.IntN(20), Prefs: prefs})
	}
	return e
}

// TestProperties counts thousands of random elections and checks what
// must hold whatever the ballots: the seats are filled, value is
// conserved at every stage with the truncation loss accounted for, a
// quota of first preferences always elects, and the count depends only on
// the ballots and the seed (not on their order).
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	for round := range 3000 {
		e := randomElection(r)
		res, err := Count(e, Options{Seed: uint64(round)})
		if err == ErrNoPapers {
			continue
		}
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		fail := func(format string, a ...any) {
			t.Helper()
			t.Fatalf("round %d (%d candidates, %d seats, withdrawn %v): %s", round, len(e.Candidates), e.Seats, e.Withdrawn, fmt.Sprintf(format, a...))
		}
		standing := len(e.Candidates) - len(e.Withdrawn)
		if want := min(e.Seats, standing); len(res.Elected) != want {
			fail("%d elected, want %d", len(res.Elected), want)
		}
		seen := map[int]bool{}
		for _, c := range res.Elected {
			if seen[c] || slices.Contains(e.Withdrawn, c) {
				fail("elected %v", res.Elected)
			}
			seen[c] = true
		}
		var before Value
		for _, st := range res.Stages {
			var sum Value
			for _, x := range st.Votes {
				if x < 0 {
					fail("stage %d: negative votes %v", st.Number, st.Votes)
				}
				sum += x
			}
			if sum+st.NonTransferable+st.Loss != Value(res.Papers)*Unit {
				fail("stage %d: votes %s + non-transferable %s + loss %s != %d papers", st.Number, sum, st.NonTransferable, st.Loss, res.Papers)
			}
			lost := st.Loss - before
			before = st.Loss
			// Each paper loses less than 0.00001 when its transfer
			// value is truncated, and only surpluses truncate.
			if lost < 0 || st.Action != Surplus && lost != 0 || lost >= Value(res.Papers) && lost > 0 {
				fail("stage %d (%s): loss grew by %s", st.Number, st.Action, lost)
			}
		}
		for c, x := range res.Stages[0].Votes {
			if x >= res.Quota && !seen[c] {
				fail("%s had a quota (%s) of first preferences and was not elected", e.Candidates[c], x)
			}
		}
		again, _ := Count(e, Options{Seed: uint64(round)})
		if !reflect.DeepEqual(res, again) {
			fail("the same seed gave a different count")
		}
		shuffled := e
		shuffled.Ballots = slices.Clone(e.Ballots)
		r.Shuffle(len(shuffled.Ballots), func(i, j int) {
			shuffled.Ballots[i], shuffled.Ballots[j] = shuffled.Ballots[j], shuffled.Ballots[i]
		})
		if other, _ := Count(shuffled, Options{Seed: uint64(round)}); !reflect.DeepEqual(res.Stages, other.Stages) {
			fail("the order of the ballots changed the count")
		}
	}
}

// TestBlockProperties: the block vote fills every seat it can, the
// winners have at least as many votes as every loser, and the count is
// repeatable for a seed.
func TestBlockProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for round := range 2000 {
		e := randomElection(r)
		for i := range e.Ballots {
			b := &e.Ballots[i]
			b.Prefs = b.Prefs[:min(len(b.Prefs), e.Seats)]
		}
		res, err := Count(e, Options{Method: BlockVote, Seed: uint64(round)})
		if err == ErrNoPapers {
			continue
		}
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		standing := len(e.Candidates) - len(e.Withdrawn)
		if len(res.Elected) != min(e.Seats, standing) {
			t.Fatalf("round %d: %d elected", round, len(res.Elected))
		}
		votes := res.Stages[0].Votes
		for c := range e.Candidates {
			if slices.Contains(res.Elected, c) || slices.Contains(e.Withdrawn, c) {
				continue
			}
			for _, w := range res.Elected {
				if votes[w] < votes[c] {
					t.Fatalf("round %d: %s elected with %s, %s not with %s", round, e.Candidates[w], votes[w], e.Candidates[c], votes[c])
				}
			}
		}
		if again, _ := Count(e, Options{Method: BlockVote, Seed: uint64(round)}); !reflect.DeepEqual(res, again) {
			t.Fatalf("round %d: not repeatable", round)
		}
	}
}
