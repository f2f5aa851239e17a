package stv

import (
	"errors"
	"strings"
	"testing"
)

func TestBlockVote(t *testing.T) {
	for _, tc := range []struct {
		name    string
		e       Election
		elected string
		votes   string
		note    string
	}{
		{"most votes win", election(t, 2, "A B C D", "5 A B", "3 C", "4 B D", "2 D"), "B D", "5 9 3 6", ""},
		// A withdrawn candidate's choices count for nobody; the paper's
		// other choice stands.
		{"withdrawn", func() Election {
			e := election(t, 2, "A B C", "5 A B", "4 C", "2 B C")
			e.Withdrawn = []int{0}
			return e
		}(), "B C", "0 7 6", ""},
		{"fewer candidates than seats", election(t, 3, "A B", "2 A", "1 B"), "A B", "2 1", "1 seat(s) left unfilled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Count(tc.e, Options{Method: BlockVote})
			if err != nil {
				t.Fatal(err)
			}
			if got := namesOf(r, r.Elected); got != tc.elected {
				t.Errorf("elected %q, want %q", got, tc.elected)
			}
			var got []string
			for _, x := range r.Stages[0].Votes {
				got = append(got, x.Whole())
			}
			if strings.Join(got, " ") != tc.votes {
				t.Errorf("votes %v, want %s", got, tc.votes)
			}
			if n := strings.Join(r.Stages[0].Notes, "\n"); !strings.Contains(n, tc.note) {
				t.Errorf("notes %q lack %q", n, tc.note)
			}
		})
	}
}

// TestBlockTie: B, C and D tie for the last of two seats; A is elected and
// the lot picks one of the three, the same one for the same seed, and
// says so.
func TestBlockTie(t *testing.T) {
	e := election(t, 2, "A B C D", "9 A", "3 B", "3 C", "3 D")
	seen := map[string]bool{}
	for seed := range uint64(30) {
		r, err := Count(e, Options{Method: BlockVote, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := Count(e, Options{Method: BlockVote, Seed: seed})
		if namesOf(r, r.Elected) != namesOf(again, again.Elected) {
			t.Fatalf("seed %d: not repeatable", seed)
		}
		if r.Candidates[r.Elected[0]] != "A" || len(r.Elected) != 2 {
			t.Fatalf("seed %d: elected %s", seed, namesOf(r, r.Elected))
		}
		seen[r.Candidates[r.Elected[1]]] = true
		if n := strings.Join(r.Stages[0].Notes, ""); !strings.Contains(n, "B, C, D tied with 3 votes") || !strings.Contains(n, "lot") {
			t.Errorf("notes %q", n)
		}
	}
	if len(seen) != 3 {
		t.Errorf("lot winners over 30 seeds: %v", seen)
	}
}

// TestBadElections: what cannot be counted is refused with a clear
// message, never counted after a silent repair.
func TestBadElections(t *testing.T) {
	ok := func() Election { return election(t, 2, "A B C", "3 A B", "2 C") }
	for _, tc := range []struct {
		name   string
		change func(*Election)
		method Method
		want   string
	}{
		{"duplicate preference", func(e *Election) { e.Ballots[0].Prefs = []int{0, 1, 0} }, "", "ballot 1: candidate 1 is chosen twice"},
		{"unknown candidate", func(e *Election) { e.Ballots[1].Prefs = []int{3} }, "", "ballot 2: candidate 4 is not a candidate (there are 3)"},
		{"negative candidate", func(e *Election) { e.Ballots[1].Prefs = []int{-1} }, "", "not a candidate"},
		{"zero weight", func(e *Election) { e.Ballots[0].Weight = 0 }, "", "weight must be at least 1"},
		{"no seats", func(e *Election) { e.Seats = 0 }, "", "seats must be at least 1"},
		{"no candidates", func(e *Election) { e.Candidates = nil }, "", "there are no candidates"},
		{"blank name", func(e *Election) { e.Candidates[1] = " " }, "", "candidate 2 has no name"},
		{"withdrawn twice", func(e *Election) { e.Withdrawn = []int{1, 1} }, "", "withdrawn twice"},
		{"withdrawn unknown", func(e *Election) { e.Withdrawn = []int{5} }, "", "withdrawn candidate 6 is not a candidate"},
		{"too many block choices", func(e *Election) { e.Ballots[0].Prefs = []int{0, 1, 2} }, BlockVote, "3 choices for 2 seats"},
		{"unknown method", func(*Election) {}, "borda", `unknown method "borda"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.change(&e)
			_, err := Count(e, Options{Method: tc.method})
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	e := election(t, 1, "A B", "3 A")
	e.Withdrawn = []int{0}
	if _, err := Count(e, Options{}); !errors.Is(err, ErrNoPapers) {
		t.Errorf("only a withdrawn candidate named: %v", err)
	}
}
