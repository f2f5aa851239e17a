package stv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchElection is 100,000 ballots for 12 candidates: each ranks a random
// number of candidates, drawn with skewed popularity so that the count
// has surpluses as well as exclusions, and most ballots are distinct.
func benchElection(seats int, block bool) Election {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 12
	e := Election{Title: "bench", Seats: seats}
	for i := range n {
		e.Candidates = append(e.Candidates, fmt.Sprintf("Candidate %d", i+1))
	}
	weights := []float64{30, 22, 16, 12, 9, 7, 6, 5, 4, 3, 2, 1}
	for range 100_000 {
		length := 1 + r.IntN(n)
		if block {
			length = 1 + r.IntN(seats)
		}
		used := make([]bool, n)
		prefs := make([]int, 0, length)
		for len(prefs) < length {
			var total float64
			for c, w := range weights {
				if !used[c] {
					total += w
				}
			}
			x := r.Float64() * total
			for c, w := range weights {
				if used[c] {
					continue
				}
				if x -= w; x <= 0 {
					prefs, used[c] = append(prefs, c), true
					break
				}
			}
			if x > 0 { // rounding left nothing chosen: take the last free
				for c := n - 1; c >= 0; c-- {
					if !used[c] {
						prefs, used[c] = append(prefs, c), true
						break
					}
				}
			}
		}
		e.Ballots = append(e.Ballots, Ballot{Weight: 1, Prefs: prefs})
	}
	return e
}

// BenchmarkScottishSTV: 100,000 ballots, 12 candidates, 5 seats (the
// target is under 5 s). The count has 12 stages: 4 surpluses and 7
// exclusions, the last ending under rule 52.
func BenchmarkScottishSTV(b *testing.B) {
	e := benchElection(5, false)
	b.ResetTimer()
	for b.Loop() {
		r, err := Count(e, Options{Seed: 1})
		if err != nil || len(r.Elected) != 5 {
			b.Fatal(err, r.Elected)
		}
	}
}

// BenchmarkBlockVote: 100,000 ballots of up to 5 choices from 12
// candidates, 5 seats (the target is under 1 s).
func BenchmarkBlockVote(b *testing.B) {
	e := benchElection(5, true)
	b.ResetTimer()
	for b.Loop() {
		r, err := Count(e, Options{Method: BlockVote, Seed: 1})
		if err != nil || len(r.Elected) != 5 {
			b.Fatal(err, r.Elected)
		}
	}
}
