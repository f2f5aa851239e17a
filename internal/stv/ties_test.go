package stv

import (
	"strings"
	"testing"
)

// TestEqualSurplusesAndExclusionTie: A and B are both waiting with 13
// votes (surplus 1 each) after C's surplus; they were unequal at stage 1
// (A 13, B 10), so A's surplus goes first (rule 49(2)). The two
// transfers leave D and E level at 8.99996 for the last seat; they were
// last unequal at stage 3 (D 8.99996, E 8), so E is excluded (rule 51(2))
// and D fills the last vacancy (rule 52).
func TestEqualSurplusesAndExclusionTie(t *testing.T) {
	e := election(t, 4, "A B C D E", "13 A D", "10 B E", "12 C B E", "4 C", "8 D", "8 E")
	r, err := Count(e, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkStages(t, r, []want{
		{FirstStage, "", "13 10 16 8 8", "0", "0", "C A", ""},
		{Surplus, "C", "13 13 12 8 8", "1", "0", "B", ""},
		{Surplus, "A", "12 13 12 8.99996 8", "1", "0.00004", "", ""},
		{Surplus, "B", "12 12 12 8.99996 8.99996", "1", "0.00008", "", ""},
		{Exclusion, "E", "12 12 12 8.99996 8.99996", "1", "0.00008", "D", "E"},
	})
	if got := namesOf(r, r.Elected); got != "C A B D" {
		t.Errorf("elected %q", got)
	}
	for _, st := range r.Stages {
		for _, n := range st.Notes {
			if strings.Contains(n, "lot") {
				t.Errorf("stage %d decided by lot: %s", st.Number, n)
			}
		}
	}
	if n := strings.Join(r.Stages[2].Notes, "\n"); !strings.Contains(n, "A had the most votes at stage 1") {
		t.Errorf("stage 3 notes: %s", n)
	}
	if n := strings.Join(r.Stages[4].Notes, "\n"); !strings.Contains(n, "E had the fewest votes at stage 3") {
		t.Errorf("stage 5 notes: %s", n)
	}
}

// TestLot: B and C tie for exclusion at the first stage, so there is no
// earlier stage to look back to and the lot decides. The same seed always
// gives the same choice, and the choice is written on the sheet; over many
// seeds each of them is sometimes chosen.
func TestLot(t *testing.T) {
	e := election(t, 1, "A B C", "4 A", "2 B A", "2 C")
	seen := map[string]int{}
	for seed := range uint64(40) {
		r1, err := Count(e, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := Count(e, Options{Seed: seed})
		out := namesOf(r1, r1.Stages[1].Excluded)
		if namesOf(r2, r2.Stages[1].Excluded) != out {
			t.Fatalf("seed %d: two counts differ", seed)
		}
		seen[out]++
		note := strings.Join(r1.Stages[1].Notes, "\n")
		if !strings.Contains(note, "chosen by lot") || !strings.Contains(note, "B, C") {
			t.Errorf("seed %d: notes %q", seed, note)
		}
	}
	if seen["B"] == 0 || seen["C"] == 0 || seen["B"]+seen["C"] != 40 {
		t.Errorf("lot outcomes over 40 seeds: %v", seen)
	}
}

// TestSurplusOrderByLot: A and B reach the quota together with equal votes
// at the first stage; nothing earlier separates them, so the lot orders
// both their election and their surpluses.
func TestSurplusOrderByLot(t *testing.T) {
	e := election(t, 3, "A B C D", "5 A C", "5 B D", "1 C", "1 D")
	firsts := map[string]bool{}
	for seed := range uint64(20) {
		r, err := Count(e, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		st := r.Stages[1]
		if st.Action != Surplus || !strings.Contains(strings.Join(st.Notes, "\n"), "equal surpluses (rule 49)") {
			t.Fatalf("seed %d: stage 2 is %s %v", seed, st.Action, st.Notes)
		}
		firsts[r.Candidates[st.Candidate]] = true
	}
	if !firsts["A"] || !firsts["B"] {
		t.Errorf("first surplus over 20 seeds: %v", firsts)
	}
}
