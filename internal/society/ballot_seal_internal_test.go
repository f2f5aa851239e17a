package society

import (
	"bytes"
	"testing"
)

// TestPaddedLenHoldsTheFullestPaper: whatever the lengths of the ids,
// the fullest paper a ballot allows fits its padded length, seals to the
// same length as a blank one and opens to its marks.
func TestPaddedLenHoldsTheFullestPaper(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Ballot
	}{
		{"motions only", Ballot{ID: 3, Motions: []Motion{{ID: 9}, {ID: 10}}}},
		{"a block vote with fewer candidates than seats", Ballot{ID: 4, Elections: []Election{{ID: 7, Seats: 5, Method: Block,
			Candidates: []Candidate{{ID: 8}, {ID: 99}}}}}},
		{"ids of every length", Ballot{ID: 123456, Motions: []Motion{{ID: 1}, {ID: 1000}},
			Elections: []Election{
				{ID: 5, Seats: 2, Method: Block, Candidates: []Candidate{{ID: 9}, {ID: 10}, {ID: 100000}, {ID: 11}}},
				{ID: 60, Seats: 1, Method: STV, Candidates: []Candidate{{ID: 7}, {ID: 70}, {ID: 700}, {ID: 7000}}},
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fullest := Choices{Motions: map[int64]Stance{}, Elections: map[int64][]int64{}}
			for _, m := range tc.b.Motions {
				fullest.Motions[m.ID] = Against
			}
			for _, e := range tc.b.Elections {
				for i := len(e.Candidates) - 1; i >= 0; i-- { // the longest ids are last
					fullest.Elections[e.ID] = append(fullest.Elections[e.ID], e.Candidates[i].ID)
				}
				if e.Method == Block {
					fullest.Elections[e.ID] = fullest.Elections[e.ID][:min(e.Seats, len(e.Candidates))]
				}
			}
			if err := fullest.check(tc.b); err != nil {
				t.Fatal(err)
			}
			k, pub, err := newCountingKey()
			if err != nil {
				t.Fatal(err)
			}
			tc.b.sealKey, tc.b.Sealed = pub, true
			priv, err := k.opener(tc.b)
			if err != nil {
				t.Fatal(err)
			}
			text := fullest.encode()
			if n := paddedLen(tc.b); len(text) > n || n-len(text) > 16 {
				t.Fatalf("padded to %d for the fullest paper %q (%d)", n, text, len(text))
			}
			id := newPaperID()
			full, err := sealMarks(tc.b, id, text)
			if err != nil {
				t.Fatal(err)
			}
			blank, err := sealMarks(tc.b, id, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(full) != len(blank) || bytes.Equal(full, blank) {
				t.Errorf("sealed lengths %d and %d", len(full), len(blank))
			}
			if got, err := openMarks(tc.b, priv, id, full); err != nil || got != text {
				t.Errorf("opened %q, %v; want %q", got, err, text)
			}
			if _, err := openMarks(tc.b, priv, newPaperID(), full); err == nil {
				t.Error("a paper opened under another paper's key")
			}
		})
	}
}

// BenchmarkPaper is the cost of sealing one paper of a whole AGM (two
// motions, a block vote and an STV election) as a vote does, and of
// opening it as the close does.
func BenchmarkPaper(b *testing.B) {
	bl := Ballot{ID: 1, Motions: []Motion{{ID: 1}, {ID: 2}}, Elections: []Election{
		{ID: 1, Seats: 2, Method: Block, Candidates: []Candidate{{ID: 1}, {ID: 2}, {ID: 3}}},
		{ID: 2, Seats: 2, Method: STV, Candidates: []Candidate{{ID: 4}, {ID: 5}, {ID: 6}, {ID: 7}}}}}
	k, pub, err := newCountingKey()
	if err != nil {
		b.Fatal(err)
	}
	bl.sealKey, bl.Sealed = pub, true
	priv, err := k.opener(bl)
	if err != nil {
		b.Fatal(err)
	}
	id, text := newPaperID(), "m1=for;m2=against;e1=1,3;e2=7,5,4"
	sealed, err := sealMarks(bl, id, text)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("seal", func(b *testing.B) {
		for b.Loop() {
			if _, err := sealMarks(bl, id, text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			if _, err := openMarks(bl, priv, id, sealed); err != nil {
				b.Fatal(err)
			}
		}
	})
}
