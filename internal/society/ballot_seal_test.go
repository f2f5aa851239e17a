package society_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// TestCloseSealedRefusals: closing a sealed ballot without its counting
// key, with a mistyped or malformed one, with another ballot's, or with
// a paper altered or copied in from another ballot, is refused with the
// reason, and the ballot stays open with every paper as it was. Then
// the right key closes it.
func TestCloseSealedRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		b, ms, _, counting := openAGM(t, s, c, 3, false)
		other, err := s.CreateBallot(ctx, agm(false), secretary)
		if err != nil {
			t.Fatal(err)
		}
		otherOpening, err := s.OpenBallot(ctx, other, society.Sealed, secretary)
		if err != nil {
			t.Fatal(err)
		}
		ob := otherOpening.Ballot
		for i, m := range ms {
			if _, err := s.Vote(ctx, b.ID, m.Number, society.Online, marks(b, i, (i+1)%4)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Vote(ctx, other, ms[0].Number, society.Online, marks(ob, 3)); err != nil {
			t.Fatal(err)
		}
		c.set(afterClose)
		papers := func() string {
			_, rows := readQuery(t, d, fmt.Sprintf("SELECT id, receipt_hash, choices, sealed FROM ballot_papers WHERE ballot_id = %d ORDER BY id", b.ID))
			return fmt.Sprint(rows)
		}
		before := papers()
		typed := counting.String()
		other10 := "A"
		if typed[10] == 'A' {
			other10 = "B"
		}
		mistyped := typed[:10] + other10 + typed[11:]
		withKey := func(text string) func() error {
			return func() error {
				k, err := society.ParseCountingKey(text)
				if err != nil {
					return err
				}
				return s.CloseBallot(ctx, b.ID, k, secretary)
			}
		}
		// alter runs change on the papers, tries the close, and undoes it.
		alter := func(change, undo string) func() error {
			return func() error {
				if _, err := d.ExecContext(ctx, change); err != nil {
					t.Fatal(err)
				}
				defer func() {
					if _, err := d.ExecContext(ctx, undo); err != nil {
						t.Fatal(err)
					}
				}()
				return s.CloseBallot(ctx, b.ID, counting, secretary)
			}
		}
		flip := "sealed = " + map[db.Dialect]string{db.SQLite: "zeroblob(length(sealed))", db.Postgres: "decode(repeat('00', length(sealed)), 'hex')"}[d.Dialect()]
		var firstID []byte
		if err := d.QueryRowContext(ctx, `SELECT id FROM ballot_papers WHERE ballot_id = $1 ORDER BY id`, b.ID).Scan(&firstID); err != nil {
			t.Fatal(err)
		}
		var firstSealed []byte
		if err := d.QueryRowContext(ctx, `SELECT sealed FROM ballot_papers WHERE id = $1`, firstID).Scan(&firstSealed); err != nil {
			t.Fatal(err)
		}
		restore := func(q string) string { return strings.ReplaceAll(q, "$SEALED", hexLiteral(d, firstSealed)) }
		where := fmt.Sprintf(" WHERE id = %s", hexLiteral(d, firstID))
		for _, tc := range []struct {
			name  string
			close func() error
			cause error
			field string
			says  string
		}{
			{"no key", func() error { return s.CloseBallot(ctx, b.ID, society.CountingKey{}, secretary) },
				society.ErrCountingKey, society.FieldCountingKey, "give the counting key"},
			{"an empty form", withKey("  \n"), society.ErrCountingKey, society.FieldCountingKey, "Give the ballot's counting key"},
			{"a voting code for a key", withKey("ABCD-EFGH-JKMN-PQRS"), society.ErrCountingKey, society.FieldCountingKey, "has 56 letters and digits"},
			{"words", withKey("my key is on the fridge."), society.ErrCountingKey, society.FieldCountingKey, "not a counting key"},
			{"a key one character wrong", withKey(mistyped), society.ErrCountingKey, society.FieldCountingKey, "mistyped"},
			{"another ballot's key", func() error { return s.CloseBallot(ctx, b.ID, otherOpening.Key, secretary) },
				society.ErrCountingKey, society.FieldCountingKey, "not this ballot's counting key"},
			{"a paper altered", alter("UPDATE ballot_papers SET "+flip+where, restore("UPDATE ballot_papers SET sealed = $SEALED"+where)),
				society.ErrPaperBroken, society.FieldBallot, "altered after it was cast"},
			{"a paper copied from another ballot", alter(
				fmt.Sprintf("UPDATE ballot_papers SET sealed = (SELECT sealed FROM ballot_papers WHERE ballot_id = %d)", other)+where,
				restore("UPDATE ballot_papers SET sealed = $SEALED"+where)),
				society.ErrPaperBroken, society.FieldBallot, "altered after it was cast"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.close()
				var ve valid.Error
				if !errors.Is(err, tc.cause) || !errors.As(err, &ve) || ve.Field != tc.field || !strings.Contains(ve.Message, tc.says) {
					t.Fatalf("got %v; want %v at %s saying %q", err, tc.cause, tc.field, tc.says)
				}
				if bl, err := s.Ballot(ctx, b.ID); err != nil || bl.Status != society.Open {
					t.Fatalf("the ballot is %s (%v); want still open", bl.Status, err)
				}
				if after := papers(); after != before {
					t.Fatal("the papers changed")
				}
			})
		}
		// The key file as a whole, pasted, closes it.
		k, err := society.ParseCountingKey(string(counting.KeyFile(b)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CloseBallot(ctx, b.ID, k, secretary); err != nil {
			t.Fatal(err)
		}
		r, err := s.Tally(ctx, b.ID)
		if err != nil || r.Papers != 3 {
			t.Fatalf("tally: %d papers, %v", r.Papers, err)
		}
	})
}

// hexLiteral is bytes as an SQL literal.
func hexLiteral(d *db.DB, b []byte) string {
	if d.Dialect() == db.Postgres {
		return fmt.Sprintf("'\\x%x'::bytea", b)
	}
	return fmt.Sprintf("x'%x'", b)
}

// TestSealedCountEqualsUnsealed: the same votes in a sealed and an
// unsealed ballot give the same results, every row and the BLT of each
// election; and an unsealed ballot keeps working as before, refusing a
// counting key it does not need.
func TestSealedCountEqualsUnsealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		sb, ms, _, counting := openAGM(t, s, c, 12, false)
		id, err := s.CreateBallot(ctx, agm(false), secretary)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.OpenBallot(ctx, id, society.Unsealed, secretary)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Key.IsZero() || o.Ballot.Sealed || !sb.Sealed {
			t.Fatalf("unsealed opening gave key %q, sealed %v; the sealed ballot says %v", o.Key, o.Ballot.Sealed, sb.Sealed)
		}
		ub := o.Ballot
		perms := permutations([]int{0, 1, 2, 3})
		for i, m := range ms {
			for _, b := range []society.Ballot{sb, ub} {
				if _, err := s.Vote(ctx, b.ID, m.Number, society.Online, variedMarks(b, i, perms[i*2][:1+i%4])); err != nil {
					t.Fatal(err)
				}
			}
		}
		c.set(afterClose)
		if err := s.CloseBallot(ctx, ub.ID, counting, secretary); !errors.Is(err, society.ErrCountingKey) {
			t.Fatalf("an unsealed ballot closed with a key: %v", err)
		}
		results := func(b society.Ballot, k society.CountingKey) ([][]string, []string) {
			if err := s.CloseBallot(ctx, b.ID, k, secretary); err != nil {
				t.Fatal(err)
			}
			r, err := s.Tally(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			var blts []string
			for _, e := range r.Elections {
				var w bytes.Buffer
				if err := e.WriteBLT(&w); err != nil {
					t.Fatal(err)
				}
				blts = append(blts, w.String())
			}
			return append(society.ResultRows(r), []string{fmt.Sprint(r.Papers)}), blts
		}
		sealedRows, sealedBLT := results(sb, counting)
		plainRows, plainBLT := results(ub, society.CountingKey{})
		if !slices.EqualFunc(sealedRows, plainRows, slices.Equal) || !slices.Equal(sealedBLT, plainBLT) {
			t.Errorf("sealed results\n%q\n%q\ndiffer from unsealed\n%q\n%q", sealedRows, sealedBLT, plainRows, plainBLT)
		}
		if len(sealedRows) < 10 {
			t.Errorf("only %d result rows", len(sealedRows))
		}
	})
}

// TestSealedPaperLength: a blank paper and the fullest one the ballot
// allows seal to the same length, by every channel that stores a paper.
func TestSealedPaperLength(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	s, c := ballotSociety(t, d)
	b, ms, codes, _ := openAGM(t, s, c, 3, false)
	block, stv := b.Elections[0], b.Elections[1]
	var all []int64
	for _, k := range stv.Candidates {
		all = append(all, k.ID)
	}
	fullest := society.Choices{
		Motions:   map[int64]society.Stance{b.Motions[0].ID: society.Against, b.Motions[1].ID: society.Abstain},
		Elections: map[int64][]int64{block.ID: {block.Candidates[1].ID, block.Candidates[2].ID}, stv.ID: all},
	}
	if _, err := s.Vote(ctx, b.ID, ms[0].Number, society.Online, society.Choices{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.VoteWithCode(ctx, codes[ms[1].Number], fullest); err != nil {
		t.Fatal(err)
	}
	meeting, err := s.AddMeeting(ctx, b.ID, "Cardiff", "2026-12-02", secretary)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIn(ctx, meeting, ms[2].Number, secretary); err != nil {
		t.Fatal(err)
	}
	if err := s.MeetingPaper(ctx, meeting, society.Choices{Elections: map[int64][]int64{stv.ID: all[:1]}}, secretary); err != nil {
		t.Fatal(err)
	}
	if n := count(t, d, "SELECT COUNT(DISTINCT length(sealed)) FROM ballot_papers"); n != 1 {
		t.Errorf("sealed papers of %d lengths; want 1", n)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM ballot_papers WHERE sealed IS NOT NULL AND choices = ''"); n != 3 {
		t.Errorf("%d of 3 papers sealed", n)
	}
}

// TestParseCountingKey: the key is read however it was copied.
func TestParseCountingKey(t *testing.T) {
	d := dbtest.SQLite(t)
	s, c := ballotSociety(t, d)
	b, _, _, k := openAGM(t, s, c, 1, false)
	text := k.String()
	if len(text) != 56+13 || strings.Count(text, "-") != 13 {
		t.Fatalf("key %q; want 14 groups of four", text)
	}
	for name, typed := range map[string]string{
		"as printed":       text,
		"lower case":       strings.ToLower(text),
		"with spaces":      strings.ReplaceAll(text, "-", " "),
		"on two lines":     text[:34] + "\n" + text[35:],
		"the file":         string(k.KeyFile(b)),
		"the file in CRLF": strings.ReplaceAll(string(k.KeyFile(b)), "\n", "\r\n"),
	} {
		got, err := society.ParseCountingKey(typed)
		if err != nil || got.String() != text {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}
