package stv

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var stvLong = flag.Bool("stv.long", false, "compare Count with the reference counter on 100,000 random elections and through the coopress binary")

// diffElection makes a seeded random election for the differential test:
// 2 to 15 candidates, 1 to 7 seats, 1 to 3,000 papers (most elections
// small, a log-uniform spread), truncated and empty preferences, up to
// three withdrawn candidates, and in some elections engineered ties:
// every paper paired with a mirror image in which two candidates swap
// places, or weights that are all equal, so that candidates stay level
// through the count and the rules' tie-breaks and lots are exercised.
func diffElection(r *rand.Rand) Election {
	n := 2 + r.IntN(14)
	e := Election{Title: "differential", Seats: 1 + r.IntN(min(7, n))}
	for i := range n {
		e.Candidates = append(e.Candidates, fmt.Sprintf("Candidate %d", i+1))
	}
	if r.IntN(3) == 0 {
		e.Withdrawn = r.Perm(n)[:1+r.IntN(min(3, n-1))]
		slices.Sort(e.Withdrawn)
	}
	papers := int(math.Pow(3000, r.Float64()))
	mirror := r.IntN(4) == 0
	a, b := r.IntN(n), r.IntN(n)
	flat := r.IntN(5) == 0
	// Few distinct orderings make shared first preferences and so ties.
	patterns := 1 + r.IntN(3*n)
	var pool [][]int
	for range patterns {
		pool = append(pool, r.Perm(n)[:r.IntN(n+1)])
	}
	for papers > 0 {
		w := 1 + r.IntN(min(papers, 40))
		if flat {
			w = min(papers, 3)
		}
		prefs := pool[r.IntN(len(pool))]
		if r.IntN(3) == 0 {
			prefs = r.Perm(n)[:r.IntN(n+1)]
		}
		e.Ballots = append(e.Ballots, Ballot{Weight: w, Prefs: prefs})
		papers -= w
		if mirror && papers > 0 {
			w = min(w, papers)
			swapped := slices.Clone(prefs)
			for i, c := range swapped {
				switch c {
				case a:
					swapped[i] = b
				case b:
					swapped[i] = a
				}
			}
			e.Ballots = append(e.Ballots, Ballot{Weight: w, Prefs: swapped})
			papers -= w
		}
	}
	return e
}

// diffStats counts what a run compared.
type diffStats struct {
	elections, stages, lots, tieBreaks, noPapers int
}

// compareWithReference counts e with Count and with the reference counter
// and reports the first difference: the elected in order, the quota, and
// at every stage what was done to whom, each candidate's votes, the
// non-transferable total and the loss to fractions, to five places. Where
// the rules call for a lot the reference takes Count's choice, but only
// after checking that Count made it among exactly the candidates the
// reference finds level.
func compareWithReference(e Election, seed uint64, st *diffStats) error {
	return compareCounts(e, e, seed, st)
}

// compareCounts is compareWithReference with Count given ours and the
// reference given theirs: the same election by different routes.
func compareCounts(ours, theirs Election, seed uint64, st *diffStats) error {
	got, err := Count(ours, Options{Seed: seed})
	var badLot error
	ref, refErr := refCountElection(theirs, func(stage int, tied []int) int {
		if err != nil || stage > len(got.Stages) {
			badLot = fmt.Errorf("the reference draws a lot between %v at stage %d, which Count has not", tied, stage)
			return tied[0]
		}
		if c := got.Stages[stage-1].Candidate; slices.Contains(tied, c) {
			return c
		}
		if badLot == nil {
			badLot = fmt.Errorf("stage %d: the reference finds %v level, Count took %d", stage, tied, got.Stages[stage-1].Candidate)
		}
		return tied[0]
	})
	if err == ErrNoPapers && refErr == ErrNoPapers {
		st.noPapers++
		return nil
	}
	if err != nil || refErr != nil {
		return fmt.Errorf("Count: %v; reference: %v", err, refErr)
	}
	if badLot != nil {
		return fmt.Errorf("%w\n%s", badLot, describe(got, ref))
	}
	st.elections++
	if got.Papers != int64(ref.valid) || got.Quota != ref.quota {
		return fmt.Errorf("papers %d quota %s; reference %d, %s", got.Papers, got.Quota, ref.valid, ref.quota)
	}
	if len(got.Elected) != len(ref.elected) {
		return fmt.Errorf("elected %v; reference %v", got.Elected, ref.elected)
	}
	var inOrder []int
	if len(got.Stages) != len(ref.stages) {
		return fmt.Errorf("%d stages; reference %d\n%s", len(got.Stages), len(ref.stages), describe(got, ref))
	}
	for i, g := range got.Stages {
		w := ref.stages[i]
		st.stages++
		if w.lot != nil {
			st.lots++
		}
		// Count also draws lots for the order of election of candidates
		// elected together with equal votes; only rules 49 and 51's lots
		// decide what the count does.
		drew := slices.ContainsFunc(g.Notes, func(s string) bool {
			return strings.Contains(s, "lot") && (strings.Contains(s, "rule 49") || strings.Contains(s, "rule 51"))
		})
		if drew != (w.lot != nil) {
			return fmt.Errorf("stage %d: the reference drew a lot between %v; Count's notes: %q\n%s", i+1, w.lot, g.Notes, describe(got, ref))
		}
		if w.tieBreak {
			st.tieBreaks++
		}
		switch {
		case g.Action != w.action || g.Candidate != w.subject || g.Surplus != w.surplus:
			return fmt.Errorf("stage %d: %s of %d (surplus %s); reference %s of %d (%s)\n%s", i+1, g.Action, g.Candidate, g.Surplus, w.action, w.subject, w.surplus, describe(got, ref))
		case !slices.Equal(g.Votes, w.votes):
			return fmt.Errorf("stage %d: votes %v; reference %v\n%s", i+1, g.Votes, w.votes, describe(got, ref))
		case g.NonTransferable != w.nonTrans || g.Loss != w.loss:
			return fmt.Errorf("stage %d: non-transferable %s loss %s; reference %s, %s", i+1, g.NonTransferable, g.Loss, w.nonTrans, w.loss)
		case !sameSet(g.Elected, w.elected) || !slices.Equal(g.Excluded, w.excluded):
			return fmt.Errorf("stage %d: elected %v excluded %v; reference %v, %v\n%s", i+1, g.Elected, g.Excluded, w.elected, w.excluded, describe(got, ref))
		}
		// Rule 47 elects everyone with a quota at the end of a stage at
		// once; the sheet lists them most votes first. The rules give no
		// order for equal votes, so neither counter's is checked there.
		for j := 1; j < len(g.Elected); j++ {
			if g.Votes[g.Elected[j]] > g.Votes[g.Elected[j-1]] {
				return fmt.Errorf("stage %d: elected %v not most votes first: %v", i+1, g.Elected, g.Votes)
			}
		}
		inOrder = append(inOrder, g.Elected...)
	}
	if !slices.Equal(got.Elected, inOrder) {
		return fmt.Errorf("elected %v, but the stages elect %v", got.Elected, inOrder)
	}
	return nil
}

func sameSet(a, b []int) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x int) bool { return !slices.Contains(b, x) })
}

// describe lays the two counts side by side for a failure message.
func describe(got Result, ref refResult) string {
	var b strings.Builder
	for i := range max(len(got.Stages), len(ref.stages)) {
		if i < len(got.Stages) {
			g := got.Stages[i]
			fmt.Fprintf(&b, "  ours %2d %-9s %2d %v el %v ex %v %q\n", g.Number, g.Action, g.Candidate, g.Votes, g.Elected, g.Excluded, g.Notes)
		}
		if i < len(ref.stages) {
			w := ref.stages[i]
			fmt.Fprintf(&b, "  ref  %2d %-9s %2d %v el %v ex %v lot %v\n", i+1, w.action, w.subject, w.votes, w.elected, w.excluded, w.lot)
		}
	}
	return b.String()
}

// TestReferenceWorkedExamples: the reference counter reproduces the counts
// worked by hand (scottish_test.go), so that it is anchored to the rules
// and not only to Count.
func TestReferenceWorkedExamples(t *testing.T) {
	for _, tc := range workedExamples(t) {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := refCountElection(tc.e, func(stage int, tied []int) int {
				t.Fatalf("stage %d: a lot between %v in a worked example", stage, tied)
				return -1
			})
			if err != nil {
				t.Fatal(err)
			}
			if ref.quota != v(t, tc.quota) {
				t.Errorf("quota %s, want %s", ref.quota, tc.quota)
			}
			r := Result{Candidates: tc.e.Candidates, Elected: ref.elected}
			for i, w := range ref.stages {
				r.Stages = append(r.Stages, Stage{Number: i + 1, Action: w.action, Candidate: w.subject, Votes: w.votes,
					NonTransferable: w.nonTrans, Loss: w.loss, Elected: w.elected, Excluded: w.excluded})
			}
			checkStages(t, r, tc.stages)
			if got := namesOf(r, r.Elected); got != tc.elected {
				t.Errorf("elected %q, want %q", got, tc.elected)
			}
		})
	}
}

// TestAgainstReference is issue 12's check: thousands of seeded random
// elections counted by Count and by the independent reference counter
// must agree at every stage. -stv.long runs 100,000.
func TestAgainstReference(t *testing.T) {
	n := 10_000
	if *stvLong {
		n = 100_000
	}
	r := rand.New(rand.NewPCG(12, 2026))
	var st diffStats
	for round := range n {
		e := diffElection(r)
		if err := compareWithReference(e, uint64(round), &st); err != nil {
			t.Fatalf("election %d (%d candidates, %d seats, withdrawn %v):\n%s\n%s", round, len(e.Candidates), e.Seats, e.Withdrawn, err, writeBLT(e))
		}
	}
	t.Logf("%d elections (%d with no valid paper), %d stages, %d ties settled by an earlier stage, %d lots: all agree",
		st.elections, st.noPapers, st.stages, st.tieBreaks, st.lots)
	if st.lots == 0 || st.tieBreaks == 0 {
		t.Errorf("the generator no longer makes ties: %d settled by earlier stages, %d lots", st.tieBreaks, st.lots)
	}
}

// writeBLT writes e as a BLT file (docs/ballots.md), as another counting
// program would receive it.
func writeBLT(e Election) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d %d\n", len(e.Candidates), e.Seats)
	if len(e.Withdrawn) > 0 {
		var w []string
		for _, c := range e.Withdrawn {
			w = append(w, fmt.Sprint(-(c + 1)))
		}
		fmt.Fprintln(&b, strings.Join(w, " "))
	}
	for _, bal := range e.Ballots {
		fmt.Fprint(&b, bal.Weight)
		for _, c := range bal.Prefs {
			fmt.Fprintf(&b, " %d", c+1)
		}
		fmt.Fprintln(&b, " 0")
	}
	fmt.Fprintln(&b, "0")
	for _, c := range e.Candidates {
		fmt.Fprintf(&b, "%q\n", c)
	}
	fmt.Fprintf(&b, "%q\n", e.Title)
	return b.Bytes()
}

// bltSeed is the seed coopress stv count takes from a file when not given
// one: the first 8 bytes of its SHA-256.
func bltSeed(raw []byte) uint64 {
	sum := sha256.Sum256(raw)
	return binary.BigEndian.Uint64(sum[:8])
}

// TestBLTAgainstReference: random elections written as BLT, read back as
// coopress stv count reads them and counted with the seed it would take,
// agree with the reference's count of the election as generated.
func TestBLTAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 52))
	var st diffStats
	for round := range 500 {
		e := diffElection(r)
		raw := writeBLT(e)
		read, err := ReadBLT(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("election %d: %v\n%s", round, err, raw)
		}
		if err := compareCounts(read, e, bltSeed(raw), &st); err != nil {
			t.Fatalf("election %d: %v\n%s", round, err, raw)
		}
	}
	t.Logf("%d elections through BLT agree", st.elections)
}
