package society_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestVoteRaces: the same member's two submissions at once, by every
// pair of channels (online twice, online and post, post and meeting, the
// code and a signed-in vote, the same code twice): exactly one is stored,
// round after round, on both engines.
func TestVoteRaces(t *testing.T) {
	const rounds = 8
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		b, ms, codes, _ := openAGM(t, s, c, rounds*5, false)
		paper := marks(b, 3, 2, 1, 0)
		// A racer votes for member m, whose code is code.
		type racer func(m int64, code string) func() error
		by := func(ch society.Channel) racer {
			return func(m int64, _ string) func() error {
				return func() error { _, err := s.Vote(ctx, b.ID, m, ch, paper); return err }
			}
		}
		withCode := func(_ int64, code string) func() error {
			return func() error { _, _, err := s.VoteWithCode(ctx, code, paper); return err }
		}
		pairs := []struct {
			name string
			a, b racer
			lost error
		}{
			{"online, online", by(society.Online), by(society.Online), society.ErrAlreadyVoted},
			{"online, postal", by(society.Online), by(society.Postal), society.ErrAlreadyVoted},
			{"postal, meeting", by(society.Postal), by(society.Meeting), society.ErrAlreadyVoted},
			{"code, signed in", withCode, by(society.Online), society.ErrAlreadyVoted},
			{"code, code", withCode, withCode, society.ErrCodeUsed},
		}
		for i := range rounds {
			for j, p := range pairs {
				m := ms[i*len(pairs)+j].Number
				t.Run(p.name, func(t *testing.T) {
					oneWins(t, race(p.a(m, codes[m]), p.b(m, codes[m])), p.lost)
				})
			}
		}
		n := stored(t, d)
		if want := rounds * len(pairs); n[0] != want || n[1] != want {
			t.Fatalf("%d voters and %d papers; want %d of each", n[0], n[1], want)
		}
	})
}

// TestCloseRacesVotes: a vote cast in the last second races the
// secretary closing the ballot, round after round, on both engines. The
// vote either counts or is refused as closed, never lost and never
// counted without being in the close's rewrite of the papers: on
// PostgreSQL every paper then carries the close's transaction.
func TestCloseRacesVotes(t *testing.T) {
	const rounds = 8
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		voting, vc := ballotSociety(t, d)
		closing, cc := ballotSociety(t, d)
		_, ms, _, _ := openAGM(t, voting, vc, 1, false)
		for range rounds {
			id, err := voting.CreateBallot(ctx, agm(false), secretary)
			if err != nil {
				t.Fatal(err)
			}
			vc.set(today)
			o, err := voting.OpenBallot(ctx, id, society.Sealed, secretary)
			if err != nil {
				t.Fatal(err)
			}
			b, err := voting.Ballot(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			vc.set(ballotCloses.Add(-time.Second))
			cc.set(ballotCloses.Add(time.Second))
			errs := race(
				func() error { _, err := voting.Vote(ctx, id, ms[0].Number, society.Online, marks(b, 0)); return err },
				func() error { return closing.CloseBallot(ctx, id, o.Key, secretary) })
			if errs[1] != nil {
				t.Fatalf("close: %v", errs[1])
			}
			if errs[0] != nil && !errors.Is(errs[0], society.ErrNotOpen) {
				t.Fatalf("vote: %v", errs[0])
			}
			r, err := closing.Tally(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if counted := r.Papers == 1; counted != (errs[0] == nil) {
				t.Fatalf("vote error %v, papers counted %d", errs[0], r.Papers)
			}
		}
		if d.Dialect() == db.Postgres {
			if n := count(t, d, `SELECT COUNT(*) FROM ballot_papers p JOIN ballot_voters v ON v.xmin::text = p.xmin::text`); n != 0 {
				t.Fatalf("%d papers kept their voter's transaction through the close", n)
			}
		}
	})
}
