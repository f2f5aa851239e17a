package society_test

import (
	"context"
	"testing"

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
		b, ms, codes := openAGM(t, s, c, rounds*5, false)
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
