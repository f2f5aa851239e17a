package stv

import (
	"fmt"
	"slices"
)

// breakTie chooses one of tied candidates, who have equal votes now, as
// rules 49(2)-(3) and 51(2) say: look back to the most recent preceding
// stage at which they had unequal numbers of votes and take the one with
// the most (highest) or the fewest (!highest) there; if they were equal at
// every stage, decide by lot. The statute speaks of two candidates; with
// more, those still level at that stage are compared again further back,
// and only those level at every stage go to the lot. What was decided is
// noted on the stage.
func (c *counter) breakTie(st *Stage, tied []int, highest bool, what string) int {
	cands := slices.Clone(tied)
	slices.Sort(cands)
	for s := len(c.history) - 1; s >= 0 && len(cands) > 1; s-- {
		votes := c.history[s]
		best := votes[cands[0]]
		for _, x := range cands[1:] {
			if highest && votes[x] > best || !highest && votes[x] < best {
				best = votes[x]
			}
		}
		kept := slices.DeleteFunc(slices.Clone(cands), func(x int) bool { return votes[x] != best })
		if len(kept) == len(cands) {
			continue // equal at this stage too: look further back
		}
		cands = kept
		if len(cands) == 1 {
			word := "fewest"
			if highest {
				word = "most"
			}
			st.Notes = append(st.Notes, fmt.Sprintf("%s: %s tied; %s had the %s votes at stage %d, the most recent at which they were unequal",
				what, c.names(tied), c.e.Candidates[cands[0]], word, s+1))
			return cands[0]
		}
	}
	pick := cands[c.rng.IntN(len(cands))]
	st.Notes = append(st.Notes, fmt.Sprintf("%s: %s equal at every stage; %s chosen by lot (seed %d)",
		what, c.names(cands), c.e.Candidates[pick], c.res.Seed))
	return pick
}
