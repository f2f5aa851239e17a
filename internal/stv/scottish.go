package stv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// paper is a group of identical ballot papers. Identical papers always
// travel together (the rules treat them alike at every stage), so a group
// is the unit the count moves: its weight, where it has got to in its
// preferences, and the value of each of its papers.
type paper struct {
	weight int64
	prefs  []int
	pos    int
	value  Value
}

// counter holds a count in progress.
type counter struct {
	e       *Election
	res     *Result
	quota   Value
	papers  []paper
	piles   [][]int32 // papers held by each candidate, by index into papers
	votes   []Value
	state   []status
	pending []int // elected candidates whose surplus is not yet transferred
	history [][]Value
	rng     *rand.Rand
	// seats is the number of vacancies the count can fill: the election's,
	// unless too few candidates stand.
	seats int
	// nt and loss are the running totals for Stage.NonTransferable and
	// Stage.Loss.
	nt, loss Value
}

// countScottish counts by the Scottish STV rules: rule 45 (first stage),
// 46 (quota), 47 (election on reaching the quota), 48 and 49 (surpluses,
// largest first, by the Weighted Inclusive Gregory method), 50 and 51
// (exclusion of the lowest, with its tie-breaks) and 52 (the last
// vacancies).
func countScottish(e *Election, seed uint64) (Result, error) {
	c := newCounter(e, seed, ScottishSTV)
	if c.res.Papers == 0 {
		return Result{}, ErrNoPapers
	}
	c.quota = Value(c.res.Papers/int64(e.Seats+1)+1) * Unit
	c.res.Quota = c.quota
	st := c.stage(FirstStage, -1)
	for i := range c.papers {
		p := &c.papers[i]
		if next := c.advance(p); next >= 0 {
			c.piles[next] = append(c.piles[next], int32(i))
			c.votes[next] += Value(p.weight) * p.value
		}
	}
	c.endStage(st)
	for len(c.res.Elected) < c.seats {
		if len(c.pending) > 0 {
			c.transferSurplus()
		} else {
			c.exclude()
		}
	}
	return *c.res, nil
}

// newCounter groups identical ballots and marks the withdrawn.
func newCounter(e *Election, seed uint64, m Method) *counter {
	n := len(e.Candidates)
	c := &counter{
		e:     e,
		seats: e.Seats,
		piles: make([][]int32, n),
		votes: make([]Value, n),
		state: make([]status, n),
		rng:   rand.New(rand.NewPCG(seed, 0x73747620636f756e)), // "stv coun"
		res: &Result{Title: e.Title, Candidates: slices.Clone(e.Candidates), Seats: e.Seats,
			Method: m, Seed: seed, Withdrawn: slices.Clone(e.Withdrawn)},
	}
	for _, w := range e.Withdrawn {
		c.state[w] = withdrawn
	}
	index := make(map[string]int, len(e.Ballots))
	var key strings.Builder
	for _, b := range e.Ballots {
		key.Reset()
		for _, p := range b.Prefs {
			key.WriteString(strconv.Itoa(p))
			key.WriteByte(',')
		}
		k := key.String()
		if i, ok := index[k]; ok {
			c.papers[i].weight += int64(b.Weight)
			continue
		}
		index[k] = len(c.papers)
		c.papers = append(c.papers, paper{weight: int64(b.Weight), prefs: b.Prefs, pos: -1, value: Unit})
	}
	for i := range c.papers {
		p := &c.papers[i]
		if slices.ContainsFunc(p.prefs, func(x int) bool { return c.state[x] == continuing }) {
			c.res.Papers += p.weight
		} else {
			c.res.Empty += p.weight
		}
	}
	return c
}

// advance moves p to its next available preference: the next candidate in
// its order who is still continuing. It returns that candidate, or -1 for
// a non-transferable paper.
func (c *counter) advance(p *paper) int {
	for p.pos++; p.pos < len(p.prefs); p.pos++ {
		if cand := p.prefs[p.pos]; c.state[cand] == continuing {
			return cand
		}
	}
	return -1
}

// stage opens a new stage; endStage closes it.
func (c *counter) stage(a Action, cand int) *Stage {
	c.res.Stages = append(c.res.Stages, Stage{Number: len(c.res.Stages) + 1, Action: a, Candidate: cand})
	return &c.res.Stages[len(c.res.Stages)-1]
}

// endStage applies rule 47 (candidates at or above the quota are elected,
// the most votes first) and rule 52 (when the continuing candidates are no
// more than the vacancies left, they are elected and nothing more is
// transferred), then records the votes for later tie-breaks.
func (c *counter) endStage(st *Stage) {
	var reached []int
	for cand, s := range c.state {
		if s == continuing && c.votes[cand] >= c.quota {
			reached = append(reached, cand)
		}
	}
	for _, cand := range c.inOrder(st, reached) {
		c.elect(st, cand)
		if c.votes[cand] > c.quota {
			c.pending = append(c.pending, cand)
		}
	}
	c.fillLast(st)
	st.Votes = slices.Clone(c.votes)
	c.history = append(c.history, st.Votes)
}

// fillLast is rule 52.
func (c *counter) fillLast(st *Stage) {
	left := c.seats - len(c.res.Elected)
	var cont []int
	for cand, s := range c.state {
		if s == continuing {
			cont = append(cont, cand)
		}
	}
	if left <= 0 || len(cont) > left {
		return
	}
	for _, cand := range c.inOrder(st, cont) {
		c.elect(st, cand)
	}
	if len(cont) > 0 {
		st.Notes = append(st.Notes, fmt.Sprintf("%s: as many continuing candidates as vacancies left, so they are elected (rule 52)", c.names(cont)))
	}
	if len(cont) < left {
		st.Notes = append(st.Notes, fmt.Sprintf("%d vacancies left unfilled: no continuing candidates remain", left-len(cont)))
		c.seats = len(c.res.Elected)
	}
}

func (c *counter) elect(st *Stage, cand int) {
	c.state[cand] = elected
	c.res.Elected = append(c.res.Elected, cand)
	st.Elected = append(st.Elected, cand)
}

// inOrder orders candidates elected at the same stage, the most votes
// first, equal votes by the tie-break for surpluses.
func (c *counter) inOrder(st *Stage, cands []int) []int {
	rest := slices.Clone(cands)
	var out []int
	for len(rest) > 0 {
		top := []int{rest[0]}
		for _, x := range rest[1:] {
			switch {
			case c.votes[x] > c.votes[top[0]]:
				top = []int{x}
			case c.votes[x] == c.votes[top[0]]:
				top = append(top, x)
			}
		}
		pick := top[0]
		if len(top) > 1 {
			pick = c.breakTie(st, top, true, "order of election")
		}
		out = append(out, pick)
		rest = slices.DeleteFunc(rest, func(x int) bool { return x == pick })
	}
	return out
}

// transferSurplus is rules 48 and 49: the largest surplus first, every
// paper the candidate holds at its value when received × surplus ÷ the
// candidate's votes, to five places, the remainder ignored.
func (c *counter) transferSurplus() {
	var top []int
	for _, cand := range c.pending {
		switch {
		case len(top) == 0 || c.votes[cand] > c.votes[top[0]]:
			top = []int{cand}
		case c.votes[cand] == c.votes[top[0]]:
			top = append(top, cand)
		}
	}
	from := top[0]
	st := c.stage(Surplus, -1)
	if len(top) > 1 {
		from = c.breakTie(st, top, true, "equal surpluses (rule 49)")
	}
	st.Candidate = from
	c.pending = slices.DeleteFunc(c.pending, func(x int) bool { return x == from })
	total := c.votes[from]
	surplus := total - c.quota
	st.Surplus = surplus
	var moved Value
	for _, i := range c.piles[from] {
		p := &c.papers[i]
		p.value = p.value * surplus / total
		v := Value(p.weight) * p.value
		moved += v
		if next := c.advance(p); next >= 0 {
			c.piles[next] = append(c.piles[next], i)
			c.votes[next] += v
		} else {
			c.nt += v
		}
	}
	c.piles[from] = nil
	c.loss += surplus - moved
	c.votes[from] = c.quota
	c.close(st)
}

// exclude is rules 50 and 51: the candidate with the fewest votes is
// excluded and each of their papers passes on at its value when received.
func (c *counter) exclude() {
	var low []int
	for cand, s := range c.state {
		if s != continuing {
			continue
		}
		switch {
		case len(low) == 0 || c.votes[cand] < c.votes[low[0]]:
			low = []int{cand}
		case c.votes[cand] == c.votes[low[0]]:
			low = append(low, cand)
		}
	}
	out := low[0]
	st := c.stage(Exclusion, -1)
	if len(low) > 1 {
		out = c.breakTie(st, low, false, "equal lowest votes (rule 51)")
	}
	st.Candidate = out
	c.state[out] = excluded
	st.Excluded = append(st.Excluded, out)
	left := c.seats - len(c.res.Elected)
	cont := 0
	for _, s := range c.state {
		if s == continuing {
			cont++
		}
	}
	if cont <= left {
		// Rule 52(2): the last vacancies can now be filled, so no
		// further transfer is made; the excluded candidate's papers stay
		// where they are.
		st.Notes = append(st.Notes, fmt.Sprintf("papers of %s not transferred: the last vacancies are filled (rule 52)", c.e.Candidates[out]))
		c.close(st)
		return
	}
	for _, i := range c.piles[out] {
		p := &c.papers[i]
		v := Value(p.weight) * p.value
		if next := c.advance(p); next >= 0 {
			c.piles[next] = append(c.piles[next], i)
			c.votes[next] += v
		} else {
			c.nt += v
		}
	}
	c.piles[out] = nil
	c.votes[out] = 0
	c.close(st)
}

// close ends a transfer stage.
func (c *counter) close(st *Stage) {
	st.NonTransferable, st.Loss = c.nt, c.loss
	c.endStage(st)
}

// names lists candidates by name for a note.
func (c *counter) names(cands []int) string {
	s := make([]string, len(cands))
	for i, x := range cands {
		s[i] = c.e.Candidates[x]
	}
	return strings.Join(s, ", ")
}
