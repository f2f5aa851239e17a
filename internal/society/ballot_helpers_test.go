package society_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/society"
)

// clock is a settable test clock, safe for racing voters.
type clock struct{ t atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.t.Store(t.UnixMicro()) }
func (c *clock) now() time.Time   { return time.UnixMicro(c.t.Load()).UTC() }

// The test ballot's times: drafted and opened on the tests' today,
// voting from 1 to 8 December, record date 1 November.
var (
	ballotOpens  = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ballotCloses = time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC)
	duringVoting = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	afterClose   = time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)
)

// ballotSociety is a society on a settable clock.
func ballotSociety(t testing.TB, d *db.DB) (*society.Service, *clock) {
	t.Helper()
	c := newClock(today)
	r := society.DefaultRules()
	s, err := society.New(d, r, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// agm is a draft with an ordinary and a special (3/4) motion, a block
// election of 2 from 3 and an STV election of 2 from 4.
func agm(allowChange bool) society.Ballot {
	return society.Ballot{
		Title: "Annual general meeting 2026", Meeting: "AGM, 8 December 2026, Cardiff",
		OpensAt: ballotOpens, ClosesAt: ballotCloses, RecordDate: "2026-11-01", AllowChange: allowChange,
		Motions: []society.Motion{
			{Title: "To receive the accounts", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2},
			{Title: "To amend rule 12", Kind: society.Special, NeedNum: 3, NeedDen: 4},
		},
		Elections: []society.Election{
			{Title: "Management committee", Seats: 2, Method: society.Block, Candidates: []society.Candidate{
				{Name: "Ann Jones", Statement: "Twenty years a reader."}, {Name: "Bryn Evans"}, {Name: "Cerys Ward"}}},
			{Title: "Readers' panel", Seats: 2, Method: society.STV, Candidates: []society.Candidate{
				{Name: "Dai Price"}, {Name: "Eira Hughes"}, {Name: "Ffion Bell"}, {Name: "Gwyn Rees"}}},
		},
	}
}

// openAGM admits n members before the record date, creates and opens the
// AGM ballot with its papers sealed, and sets the clock inside the voting
// time; it returns the ballot, each elector's code by membership number
// and the counting key that closes it.
func openAGM(t testing.TB, s *society.Service, c *clock, n int, allowChange bool) (society.Ballot, []society.Member, map[int64]string, society.CountingKey) {
	t.Helper()
	ctx := context.Background()
	ms := make([]society.Member, n)
	for i := range ms {
		ms[i] = admit(t, s, fmt.Sprintf("Voter %d", i), fmt.Sprintf("%d Chapel St", i), "5", "2024-01-01")
	}
	id, err := s.CreateBallot(ctx, agm(allowChange), secretary)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.OpenBallot(ctx, id, society.Sealed, secretary)
	if err != nil {
		t.Fatal(err)
	}
	byMember := map[int64]string{}
	for _, vc := range o.Codes {
		byMember[vc.Member] = vc.Code
	}
	b, err := s.Ballot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	c.set(duringVoting)
	return b, ms, byMember, o.Key
}

// marks is a full paper on b: for on both motions, the first block
// candidate, and the STV candidates in the order given by idx.
func marks(b society.Ballot, idx ...int) society.Choices {
	stv := b.Elections[1]
	var prefs []int64
	for _, i := range idx {
		prefs = append(prefs, stv.Candidates[i].ID)
	}
	return society.Choices{
		Motions:   map[int64]society.Stance{b.Motions[0].ID: society.For, b.Motions[1].ID: society.For},
		Elections: map[int64][]int64{b.Elections[0].ID: {b.Elections[0].Candidates[0].ID}, stv.ID: prefs},
	}
}

// stored counts voters, papers and used codes.
func stored(t testing.TB, d *db.DB) [3]int {
	t.Helper()
	var n [3]int
	err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM ballot_voters), (SELECT COUNT(*) FROM ballot_papers),
		(SELECT COUNT(*) FROM ballot_electors WHERE code_used = TRUE)`).Scan(&n[0], &n[1], &n[2])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
