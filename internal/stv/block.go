package stv

import (
	"fmt"
	"slices"
)

// countBlock counts the block vote: each paper gives one vote to each of
// up to Seats candidates it chooses; the candidates with the most votes
// win, and a tie for the last seats is decided by lot. A choice of a
// withdrawn candidate counts for nobody; the paper's other choices stand.
func countBlock(e *Election, seed uint64) (Result, error) {
	c := newCounter(e, seed, BlockVote)
	if c.res.Papers == 0 {
		return Result{}, ErrNoPapers
	}
	st := c.stage(FirstStage, -1)
	for _, p := range c.papers {
		for _, cand := range p.prefs {
			if c.state[cand] == continuing {
				c.votes[cand] += Value(p.weight) * Unit
			}
		}
	}
	var standing []int
	for cand, s := range c.state {
		if s == continuing {
			standing = append(standing, cand)
		}
	}
	// The most votes first; equal votes in candidate order until the lot.
	slices.SortStableFunc(standing, func(a, b int) int {
		switch {
		case c.votes[a] > c.votes[b]:
			return -1
		case c.votes[a] < c.votes[b]:
			return 1
		}
		return 0
	})
	seats := min(e.Seats, len(standing))
	winners := standing[:seats]
	if seats < len(standing) && c.votes[standing[seats-1]] == c.votes[standing[seats]] {
		// A tie across the last seat: those above it are elected, and the
		// places left go by lot among all who share the last one's votes.
		last := c.votes[standing[seats-1]]
		var sure, tied []int
		for _, cand := range standing {
			switch {
			case c.votes[cand] > last:
				sure = append(sure, cand)
			case c.votes[cand] == last:
				tied = append(tied, cand)
			}
		}
		places := seats - len(sure)
		pool := slices.Clone(tied)
		var won []int
		for range places {
			i := c.rng.IntN(len(pool))
			won = append(won, pool[i])
			pool = slices.Delete(pool, i, i+1)
		}
		st.Notes = append(st.Notes, fmt.Sprintf("%s tied with %s votes for the last %d seat(s); %s chosen by lot (seed %d)",
			c.names(tied), last.Whole(), places, c.names(won), seed))
		winners = append(sure, won...)
	}
	for _, cand := range winners {
		c.elect(st, cand)
	}
	if seats < e.Seats {
		st.Notes = append(st.Notes, fmt.Sprintf("%d seat(s) left unfilled: too few candidates stand", e.Seats-seats))
	}
	st.Votes = slices.Clone(c.votes)
	return *c.res, nil
}
