package stv

import (
	"strconv"
	"strings"
	"testing"
)

// election builds an Election from candidates' one-word names and ballot
// lines "weight NAME NAME…", so that a worked example reads like its
// description.
func election(t testing.TB, seats int, names string, ballots ...string) Election {
	t.Helper()
	e := Election{Title: "test", Candidates: strings.Fields(names), Seats: seats}
	index := map[string]int{}
	for i, n := range e.Candidates {
		index[n] = i
	}
	for _, line := range ballots {
		f := strings.Fields(line)
		w, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("ballot %q: %v", line, err)
		}
		b := Ballot{Weight: w}
		for _, n := range f[1:] {
			i, ok := index[n]
			if !ok {
				t.Fatalf("ballot %q: no candidate %s", line, n)
			}
			b.Prefs = append(b.Prefs, i)
		}
		e.Ballots = append(e.Ballots, b)
	}
	return e
}

// v parses "12.34567" into a Value, for expected figures.
func v(t testing.TB, s string) Value {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00000")[:5]
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad value %q", s)
	}
	return Value(w)*Unit + Value(f)
}

// want is one stage of a worked example: what it did and every
// candidate's votes after it, with the running non-transferable and loss.
type want struct {
	action    Action
	candidate string
	votes     string // candidates' votes in order, space-separated
	nt, loss  string
	elected   string
	excluded  string
}

// checkStages compares a count with its worked example stage by stage.
func checkStages(t *testing.T, r Result, wants []want) {
	t.Helper()
	if len(r.Stages) != len(wants) {
		t.Errorf("%d stages, want %d", len(r.Stages), len(wants))
	}
	for i, w := range wants {
		if i >= len(r.Stages) {
			break
		}
		st := r.Stages[i]
		name := ""
		if st.Candidate >= 0 {
			name = r.Candidates[st.Candidate]
		}
		if st.Action != w.action || name != w.candidate {
			t.Errorf("stage %d: %s of %q, want %s of %q", i+1, st.Action, name, w.action, w.candidate)
		}
		for j, s := range strings.Fields(w.votes) {
			if st.Votes[j] != v(t, s) {
				t.Errorf("stage %d: %s has %s, want %s", i+1, r.Candidates[j], st.Votes[j], s)
			}
		}
		if st.NonTransferable != v(t, w.nt) || st.Loss != v(t, w.loss) {
			t.Errorf("stage %d: non-transferable %s, loss %s; want %s, %s", i+1, st.NonTransferable, st.Loss, w.nt, w.loss)
		}
		if got := namesOf(r, st.Elected); got != w.elected {
			t.Errorf("stage %d: elected %q, want %q", i+1, got, w.elected)
		}
		if got := namesOf(r, st.Excluded); got != w.excluded {
			t.Errorf("stage %d: excluded %q, want %q", i+1, got, w.excluded)
		}
	}
}

func namesOf(r Result, cands []int) string {
	s := make([]string, len(cands))
	for i, c := range cands {
		s[i] = r.Candidates[c]
	}
	return strings.Join(s, " ")
}

// workedExample is a count worked by hand from the rules' text.
type workedExample struct {
	name    string
	e       Election
	quota   string
	stages  []want
	elected string
}

// workedExamples are counts worked by hand from the rules' text, every
// value to five decimal places with the remainder ignored. Count and the
// reference counter (reference_count_test.go) must both reproduce them.
func workedExamples(t testing.TB) []workedExample {
	return []workedExample{{
		// 31 papers, 2 seats: quota 31 ÷ 3 = 10, + 1 = 11. A's surplus of
		// 6 goes at 6 ÷ 17 = 0.35294 a paper: 10 papers to B (3.52940), 4
		// to C (1.41176), 3 with no next preference non-transferable
		// (1.05882); 17 × 0.35294 = 5.99998, so 0.00002 is lost. Then D,
		// lowest, is excluded and C reaches the quota; the seats are
		// filled, so C's surplus is not transferred.
		name: "surplus then exclusion",
		e:    election(t, 2, "A B C D", "10 A B C", "4 A C", "3 A", "4 B", "6 C D", "4 D C"),
		stages: []want{
			{FirstStage, "", "17 4 6 4", "0", "0", "A", ""},
			{Surplus, "A", "11 7.52940 7.41176 4", "1.05882", "0.00002", "", ""},
			{Exclusion, "D", "11 7.52940 11.41176 0", "1.05882", "0.00002", "C", "D"},
		},
		quota: "11", elected: "A C",
	}, {
		// 39 papers, 3 seats: quota 39 ÷ 4 = 9, + 1 = 10. A's surplus 7
		// at 7 ÷ 17 = 0.41176 elects B (5 + 2 + 14 × 0.41176 = 12.76464).
		// B's surplus 2.76464 is inclusive: B's own 7 papers go at
		// 2.76464 ÷ 12.76464 = 0.21658 each (5 to C, 2 to D), the 14 from
		// A at 0.41176 × 2.76464 ÷ 12.76464 = 0.08918 each (to C). F then
		// D are excluded; D's own papers pass B (elected) to E at 1,
		// B's two at 0.21658 are non-transferable. With E and C left for
		// one seat, C is excluded and E is elected with no transfer.
		name: "inclusive surplus of a candidate elected on transfers",
		e: election(t, 3, "A B C D E F",
			"14 A B C", "3 A", "5 B C", "2 B D", "6 C", "4 D B E", "3 E C", "2 F E"),
		stages: []want{
			{FirstStage, "", "17 7 6 4 3 2", "0", "0", "A", ""},
			{Surplus, "A", "10 12.76464 6 4 3 2", "1.23528", "0.00008", "B", ""},
			{Surplus, "B", "10 10 8.33142 4.43316 3 2", "1.23528", "0.00014", "", ""},
			{Exclusion, "F", "10 10 8.33142 4.43316 5 0", "1.23528", "0.00014", "", "F"},
			{Exclusion, "D", "10 10 8.33142 0 9 0", "1.66844", "0.00014", "", "D"},
			{Exclusion, "C", "10 10 8.33142 0 9 0", "1.66844", "0.00014", "E", "C"},
		},
		quota: "10", elected: "A B E",
	}, {
		// B and C tie at 6 for exclusion at stage 3. The rule looks to
		// the most recent preceding stage at which they were unequal:
		// stage 2, where B had 6 and C 5, so C is excluded (at stage 1 B
		// had 4 and C 5, which would have excluded B instead).
		name: "exclusion tie decided by the most recent unequal stage",
		e:    election(t, 1, "A B C D E", "10 A", "4 B", "5 C A", "1 D C A", "2 D", "2 E B"),
		stages: []want{
			{FirstStage, "", "10 4 5 3 2", "0", "0", "", ""},
			{Exclusion, "E", "10 6 5 3 0", "0", "0", "", "E"},
			{Exclusion, "D", "10 6 6 0 0", "2", "0", "", "D"},
			{Exclusion, "C", "16 6 0 0 0", "2", "0", "A", "C"},
		},
		quota: "13", elected: "A",
	}, {
		// W withdrew: the 5 papers putting W first count for their next
		// preference from the first stage, and the 2 naming only W are
		// not valid papers at all (so the quota is 17 ÷ 2 + 1 = 9).
		name: "withdrawn candidate",
		e: func() Election {
			e := election(t, 1, "A W B", "5 W B", "2 W", "6 A", "6 B A")
			e.Withdrawn = []int{1}
			return e
		}(),
		stages: []want{
			{FirstStage, "", "6 0 11", "0", "0", "B", ""},
		},
		quota: "9", elected: "B",
	}, {
		// Two seats, three candidates: quota 14 ÷ 3 + 1 = 5. A's surplus
		// of 4 goes at 4 ÷ 9 = 0.44444 a paper, all non-transferable
		// (9 × 0.44444 = 3.99996; 0.00004 lost). C is excluded; B is then
		// the only continuing candidate for the one vacancy left and is
		// elected short of the quota, C's papers not transferred.
		name: "last vacancy filled short of the quota",
		e:    election(t, 2, "A B C", "9 A", "3 B", "2 C B"),
		stages: []want{
			{FirstStage, "", "9 3 2", "0", "0", "A", ""},
			{Surplus, "A", "5 3 2", "3.99996", "0.00004", "", ""},
			{Exclusion, "C", "5 3 2", "3.99996", "0.00004", "B", "C"},
		},
		quota: "5", elected: "A B",
	}, {
		// 36 papers, 3 seats: quota 36 ÷ 4 + 1 = 10. X (2) then Y (5) are
		// excluded; X's papers bring B to 9 against A's 8, Y's bring both
		// to 11. Their surpluses of 1 are equal, and equal at stage 3;
		// at stage 2, the most recent at which they differed, B had more,
		// so B's surplus goes first (at stage 1 A had more: reading the
		// rule as the earliest unequal stage would take A's). B's 11
		// papers go at 1 ÷ 11 = 0.09090: 7 to C (0.63630), 4 with no next
		// preference (0.36360), 0.00010 lost; then A's the same way, 8 to
		// C, 3 non-transferable. C, lowest, is excluded and D is elected
		// for the last vacancy short of the quota.
		name: "equal surpluses decided by the most recent unequal stage",
		e: election(t, 3, "A B C D X Y",
			"8 A C", "7 B C", "6 C", "8 D", "2 X B", "3 Y A", "2 Y B"),
		stages: []want{
			{FirstStage, "", "8 7 6 8 2 5", "0", "0", "", ""},
			{Exclusion, "X", "8 9 6 8 0 5", "0", "0", "", "X"},
			{Exclusion, "Y", "11 11 6 8 0 0", "0", "0", "B A", "Y"},
			{Surplus, "B", "11 10 6.63630 8 0 0", "0.36360", "0.00010", "", ""},
			{Surplus, "A", "10 10 7.36350 8 0 0", "0.63630", "0.00020", "", ""},
			{Exclusion, "C", "10 10 7.36350 8 0 0", "0.63630", "0.00020", "D", "C"},
		},
		quota: "10", elected: "B A D",
	}}
}

// TestWorkedExamples: Count reproduces the hand counts.
func TestWorkedExamples(t *testing.T) {
	for _, tc := range workedExamples(t) {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Count(tc.e, Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if r.Quota != v(t, tc.quota) {
				t.Errorf("quota %s, want %s", r.Quota, tc.quota)
			}
			checkStages(t, r, tc.stages)
			if got := namesOf(r, r.Elected); got != tc.elected {
				t.Errorf("elected %q, want %q", got, tc.elected)
			}
			if t.Failed() {
				for _, st := range r.Stages {
					t.Logf("%d %s %d %v nt %s loss %s %v", st.Number, st.Action, st.Candidate, st.Votes, st.NonTransferable, st.Loss, st.Notes)
				}
			}
		})
	}
}
