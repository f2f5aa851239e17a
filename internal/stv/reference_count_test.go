package stv

import (
	"fmt"
	"slices"
)

// This file is a second, independent counter of the Scottish STV rules
// (SSI 2007/42, Schedule 1, rules 45 to 52), used only to check Count
// (differential_test.go). It was written from the rules' text and the
// package's documented behaviour without reading Count's code, and it
// counts the way a counting officer does by hand: every ballot paper is a
// record of its own that moves from pile to pile carrying its value, each
// candidate's pile is a list of parcels in the order they arrived, and a
// candidate's votes are whatever the papers on the pile are worth. It is
// deliberately slow and plain; grouping identical papers, as Count does,
// would make it share Count's shape and perhaps its mistakes.

// refPaper is one ballot paper.
type refPaper struct {
	prefs []int // candidate indexes as marked, first preference first
	at    int   // the position in prefs of the candidate holding it
	value Value // what it was worth when its holder received it
}

// refParcel is a bundle of papers a candidate received at one stage.
type refParcel struct {
	stage  int
	papers []*refPaper
}

// refStage is what a counting officer writes on the result sheet for one
// stage; the fields mirror Stage so that the two can be compared.
type refStage struct {
	action   Action
	subject  int // whose surplus or papers moved; -1 at the first stage
	surplus  Value
	votes    []Value
	nonTrans Value // cumulative
	loss     Value // cumulative
	elected  []int
	excluded []int
	lot      []int // the candidates a lot was drawn between, if any
	tieBreak bool  // a tie settled by the votes at an earlier stage
}

// refLot decides a tie the rules leave to lot: given the stage about to be
// made and the candidates still level, it names one of them.
type refLot func(stage int, tied []int) int

// refResult is the reference count's outcome.
type refResult struct {
	valid   int
	quota   Value
	stages  []refStage
	elected []int
}

const (
	refContinuing = iota
	refElected
	refExcluded
	refWithdrawn
)

// refCounter holds the count in progress: the piles, the sheet so far.
type refCounter struct {
	e         Election
	quota     Value
	status    []int
	piles     [][]refParcel
	votes     []Value
	done      []bool // surplus already transferred
	nonTrans  Value
	loss      Value
	sheet     []refStage
	elected   []int
	lot       refLot
	vacancies int
	settled   bool // the last breakTie had a tie to break
}

// refCountElection counts e by the rules' text.
func refCountElection(e Election, lot refLot) (refResult, error) {
	n := len(e.Candidates)
	c := &refCounter{
		e: e, status: make([]int, n), piles: make([][]refParcel, n),
		votes: make([]Value, n), done: make([]bool, n), lot: lot, vacancies: e.Seats,
	}
	for _, w := range e.Withdrawn {
		c.status[w] = refWithdrawn
	}

	// Rule 45: sort the papers into parcels by first preference. A
	// withdrawn candidate is passed over, as if never on the paper; a
	// paper that names nobody standing is not a valid vote for anyone.
	first := make([]refParcel, n)
	valid := 0
	for _, b := range e.Ballots {
		for range b.Weight {
			p := &refPaper{prefs: b.Prefs, at: -1, value: Unit}
			to := c.nextPreference(p)
			if to < 0 {
				continue
			}
			p.at = slices.Index(p.prefs, to)
			first[to].papers = append(first[to].papers, p)
			valid++
		}
	}
	if valid == 0 {
		return refResult{}, ErrNoPapers
	}
	for cand := range n {
		if c.status[cand] == refContinuing {
			first[cand].stage = 1
			c.piles[cand] = []refParcel{first[cand]}
			c.votes[cand] = Value(len(first[cand].papers)) * Unit
		}
	}

	// Rule 46: the quota is the valid papers divided by one more than the
	// seats, the fraction ignored, plus one.
	c.quota = (Value(valid)/Value(e.Seats+1) + 1) * Unit
	c.endStage(refStage{action: FirstStage, subject: -1})

	// Fewer standing than seats: rule 52 elected them all and the rest
	// of the seats stay empty.
	for c.vacancies > 0 && len(c.continuing()) > 0 {
		next := len(c.sheet) + 1
		if s := c.pendingSurpluses(); len(s) > 0 {
			// Rule 49: the largest surplus first; equal ones by the
			// most recent stage at which they differed; then by lot.
			big := slices.Max(c.surplusOf(s))
			var level []int
			for _, cand := range s {
				if c.votes[cand]-c.quota == big {
					level = append(level, cand)
				}
			}
			who, lotAmong := c.breakTie(next, level, true)
			c.transferSurplus(who, lotAmong)
			continue
		}
		// Rule 50: no surplus waits, so the candidate with the fewest
		// votes is excluded (rule 51 for ties).
		cont := c.continuing()
		low := c.votes[cont[0]]
		for _, cand := range cont {
			low = min(low, c.votes[cand])
		}
		var level []int
		for _, cand := range cont {
			if c.votes[cand] == low {
				level = append(level, cand)
			}
		}
		who, lotAmong := c.breakTie(next, level, false)
		c.exclude(who, lotAmong)
	}
	if len(c.elected) == 0 {
		return refResult{}, fmt.Errorf("reference: nobody elected")
	}
	return refResult{valid: valid, quota: c.quota, stages: c.sheet, elected: c.elected}, nil
}

// nextPreference finds the next candidate on p after its holder who is
// still continuing, or -1: the paper is then non-transferable.
func (c *refCounter) nextPreference(p *refPaper) int {
	for i := p.at + 1; i < len(p.prefs); i++ {
		if c.status[p.prefs[i]] == refContinuing {
			return p.prefs[i]
		}
	}
	return -1
}

func (c *refCounter) continuing() []int {
	var out []int
	for cand, s := range c.status {
		if s == refContinuing {
			out = append(out, cand)
		}
	}
	return out
}

func (c *refCounter) pendingSurpluses() []int {
	var out []int
	for _, cand := range c.elected {
		if !c.done[cand] && c.votes[cand] > c.quota {
			out = append(out, cand)
		}
	}
	return out
}

func (c *refCounter) surplusOf(cands []int) []Value {
	var out []Value
	for _, cand := range cands {
		out = append(out, c.votes[cand]-c.quota)
	}
	return out
}

// breakTie applies rules 49(2) and 51(2): among level candidates, look at
// the stages already on the sheet from the latest backwards; at the first
// at which they were not all equal, keep those with the most (highest) or
// fewest votes and, if several remain, go on further back. Still level
// after the first stage: lot. It returns the chosen one and, when a lot
// was drawn, those it was drawn between.
func (c *refCounter) breakTie(stage int, level []int, highest bool) (int, []int) {
	c.settled = len(level) > 1
	for s := len(c.sheet) - 1; s >= 0 && len(level) > 1; s-- {
		v := c.sheet[s].votes
		best := v[level[0]]
		for _, cand := range level {
			if highest {
				best = max(best, v[cand])
			} else {
				best = min(best, v[cand])
			}
		}
		var keep []int
		for _, cand := range level {
			if v[cand] == best {
				keep = append(keep, cand)
			}
		}
		level = keep
	}
	if len(level) == 1 {
		return level[0], nil
	}
	who := c.lot(stage, slices.Clone(level))
	if !slices.Contains(level, who) {
		panic(fmt.Sprintf("reference: lot chose %d, not among %v", who, level))
	}
	return who, level
}

// transferSurplus is rule 48: every paper the candidate holds, from every
// parcel, goes on at surplus × its value when received ÷ the candidate's
// votes, to five places with the rest ignored. Papers with no next
// preference are set aside at that value; what the truncation drops is
// lost to fractions. The candidate is left with the quota.
func (c *refCounter) transferSurplus(who int, lotAmong []int) {
	surplus := c.votes[who] - c.quota
	total := c.votes[who]
	stage := len(c.sheet) + 1
	arriving := make([]refParcel, len(c.votes))
	var moved Value
	for _, parcel := range c.piles[who] {
		for _, p := range parcel.papers {
			tv := surplus * p.value / total
			moved += tv
			to := c.nextPreference(p)
			if to < 0 {
				c.nonTrans += tv
				continue
			}
			p.at = slices.Index(p.prefs, to)
			p.value = tv
			arriving[to].papers = append(arriving[to].papers, p)
			c.votes[to] += tv
		}
	}
	c.loss += surplus - moved
	c.piles[who] = nil
	c.votes[who] = c.quota
	c.done[who] = true
	c.receive(arriving, stage)
	c.endStage(refStage{action: Surplus, subject: who, surplus: surplus, lot: lotAmong, tieBreak: c.settled && lotAmong == nil})
}

// exclude is rule 50: the excluded candidate's parcels go on one after
// another in the order received, each paper at the value it had when the
// candidate received it, all in one stage. Rule 52: if the exclusion
// leaves as many continuing candidates as vacancies, they are elected and
// the papers stay where they are.
func (c *refCounter) exclude(who int, lotAmong []int) {
	stage := len(c.sheet) + 1
	c.status[who] = refExcluded
	st := refStage{action: Exclusion, subject: who, excluded: []int{who}, lot: lotAmong, tieBreak: c.settled && lotAmong == nil}
	if len(c.continuing()) <= c.vacancies {
		c.endStage(st)
		return
	}
	arriving := make([]refParcel, len(c.votes))
	for _, parcel := range c.piles[who] {
		for _, p := range parcel.papers {
			to := c.nextPreference(p)
			if to < 0 {
				c.nonTrans += p.value
				continue
			}
			p.at = slices.Index(p.prefs, to)
			arriving[to].papers = append(arriving[to].papers, p)
			c.votes[to] += p.value
		}
	}
	c.piles[who] = nil
	c.votes[who] = 0
	c.receive(arriving, stage)
	c.endStage(st)
}

func (c *refCounter) receive(arriving []refParcel, stage int) {
	for to, parcel := range arriving {
		if len(parcel.papers) > 0 {
			parcel.stage = stage
			c.piles[to] = append(c.piles[to], parcel)
		}
	}
}

// endStage is rule 47 then rule 52 at the end of a stage: everyone with a
// quota is elected, most votes first; then, if the continuing candidates
// are no more than the vacancies left, they are all elected. The stage is
// written on the sheet with everyone's votes.
func (c *refCounter) endStage(st refStage) {
	var reached []int
	for _, cand := range c.continuing() {
		if c.votes[cand] >= c.quota {
			reached = append(reached, cand)
		}
	}
	c.elect(&st, reached)
	if cont := c.continuing(); c.vacancies > 0 && len(cont) <= c.vacancies {
		c.elect(&st, cont)
	}
	// A candidate's votes are what the papers on their pile are worth.
	for cand, s := range c.status {
		if s != refContinuing && !(s == refElected && !c.done[cand]) {
			continue
		}
		var worth Value
		for _, parcel := range c.piles[cand] {
			for _, p := range parcel.papers {
				worth += p.value
			}
		}
		if worth != c.votes[cand] {
			panic(fmt.Sprintf("reference: candidate %d holds papers worth %s but is credited %s", cand, worth, c.votes[cand]))
		}
	}
	st.votes = slices.Clone(c.votes)
	st.nonTrans, st.loss = c.nonTrans, c.loss
	c.sheet = append(c.sheet, st)
}

func (c *refCounter) elect(st *refStage, cands []int) {
	// Most votes first; the rules give no order for equal votes, so the
	// sheet takes the more recently ahead, as for equal surpluses, and
	// leaves any still level in candidate order.
	slices.SortStableFunc(cands, func(a, b int) int {
		if c.votes[a] != c.votes[b] {
			return int(c.votes[b] - c.votes[a])
		}
		for s := len(c.sheet) - 1; s >= 0; s-- {
			if v := c.sheet[s].votes; v[a] != v[b] {
				return int(v[b] - v[a])
			}
		}
		return 0
	})
	for _, cand := range cands {
		if c.vacancies == 0 {
			panic("reference: more elected than seats")
		}
		c.status[cand] = refElected
		c.vacancies--
		st.elected = append(st.elected, cand)
		c.elected = append(c.elected, cand)
	}
}
