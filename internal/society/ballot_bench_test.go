package society_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// benchElectors is the electorate of the voting benchmark: enough
// members for every vote of a few iterations.
const benchElectors = 20_000

// BenchmarkBallotLastHour is the last hour of a ballot on SQLite: votes
// arriving from many members at once, each its own transaction with the
// voter's row and the paper. "paced" sends 100 votes a second, the
// issue's target load, for 10 seconds from 32 voters at once and reports
// the latency; "flat-out" sends 3,000 as fast as 32 voters can, for the
// machine's capacity. Target: 100 votes a second with p99 under 200 ms.
func BenchmarkBallotLastHour(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			d := benchDB(b, engine)
			s, c := ballotSociety(b, d)
			seedElectors(b, d, benchElectors)
			ctx := context.Background()
			id, err := s.CreateBallot(ctx, agm(false), secretary)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.OpenBallot(ctx, id, society.Sealed, secretary); err != nil {
				b.Fatal(err)
			}
			c.set(duringVoting)
			ballot, err := s.Ballot(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			next := int64(0)
			var mu sync.Mutex
			member := func() int64 {
				mu.Lock()
				defer mu.Unlock()
				next++ // past benchElectors, the vote is refused and reported
				return next
			}
			for _, mode := range []struct {
				name  string
				votes int
				every time.Duration // between starts; 0 is flat out
			}{{"paced", 1000, 10 * time.Millisecond}, {"flat-out", 3000, 0}} {
				b.Run(mode.name, func(b *testing.B) {
					for b.Loop() {
						lat, took := castVotes(b, s, ballot, member, mode.votes, mode.every)
						slices.Sort(lat)
						b.ReportMetric(float64(mode.votes)/took.Seconds(), "votes/s")
						b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
						b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
						b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
					}
				})
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// castVotes casts n votes from 32 voters at once, a new one starting
// every interval (or as soon as a voter is free), and returns each
// vote's latency and the time all took.
func castVotes(b *testing.B, s *society.Service, ballot society.Ballot, member func() int64, n int, every time.Duration) ([]time.Duration, time.Duration) {
	ctx := context.Background()
	lat := make([]time.Duration, n)
	work := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range 32 {
		wg.Go(func() {
			for i := range work {
				m := member()
				t0 := time.Now()
				if _, err := s.Vote(ctx, ballot.ID, m, society.Online, marks(ballot, i%4, (i+1)%4)); err != nil {
					b.Error(err)
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	var tick *time.Ticker
	if every > 0 {
		tick = time.NewTicker(every)
		defer tick.Stop()
	}
	for i := range n {
		if tick != nil {
			<-tick.C
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return lat, time.Since(start)
}

// BenchmarkBallotTally counts 100,000 papers of a closed ballot: two
// motions, a block vote of 5 from 12 and an STV election of 5 from 12
// (target: the block vote under 1 s; the STV count is internal/stv's).
func BenchmarkBallotTally(b *testing.B) {
	// The targets are per kind of election: a block vote under
	// 1 s, STV (12 candidates, 5 seats) under 5 s; "all" is a whole AGM,
	// two motions and both elections on every paper.
	for _, kind := range []string{"block", "stv", "all"} {
		for _, engine := range []string{"sqlite", "postgres"} {
			b.Run(kind+"/"+engine, func(b *testing.B) { benchTally(b, engine, kind) })
		}
	}
}

// benchTally tallies 100,000 papers of a closed ballot holding the
// elections kind names.
func benchTally(b *testing.B, engine, kind string) {
	d := benchDB(b, engine)
	s, c := ballotSociety(b, d)
	ctx := context.Background()
	draft := agm(false)
	var cands []society.Candidate
	for i := range 12 {
		cands = append(cands, society.Candidate{Name: fmt.Sprintf("Candidate %d", i+1)})
	}
	draft.Elections[0].Seats, draft.Elections[0].Candidates = 5, cands
	draft.Elections[1].Seats, draft.Elections[1].Candidates = 5, cands
	switch kind {
	case "block":
		draft.Motions, draft.Elections = nil, draft.Elections[:1]
	case "stv":
		draft.Motions, draft.Elections = nil, draft.Elections[1:]
	}
	id, err := s.CreateBallot(ctx, draft, secretary)
	if err != nil {
		b.Fatal(err)
	}
	admit(b, s, "Only Elector", "1 Main St", "1", "2024-01-01")
	// Unsealed: the papers are seeded in clear, straight through SQL.
	if _, err := s.OpenBallot(ctx, id, society.Unsealed, secretary); err != nil {
		b.Fatal(err)
	}
	ballot, err := s.Ballot(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	seedPapers(b, d, ballot, 100_000)
	c.set(afterClose)
	if err := s.CloseBallot(ctx, id, society.CountingKey{}, secretary); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := s.Tally(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if r.Papers != 100_000 || len(r.Elections[0].Elected) == 0 {
			b.Fatalf("%d papers, elected %v", r.Papers, r.Elections[0].Elected)
		}
	}
}

func benchDB(b *testing.B, engine string) *db.DB {
	if engine == "postgres" {
		return dbtest.Postgres(b)
	}
	return dbtest.SQLite(b)
}

// seedElectors admits n members straight through SQL, each with five
// shares from 2024: the service would take a transaction each.
func seedElectors(b *testing.B, d *db.DB, n int) {
	b.Helper()
	ctx := context.Background()
	now := db.UTC(time.Now())
	for _, q := range []string{
		`INSERT INTO members (id, number, class, admitted_on, recorded_at, recorded_by)
			SELECT i, i, 'individual', '2024-01-01', $2, 'bench' FROM seq`,
		`INSERT INTO member_contacts (member_id, name, postal_address, email, email_use, person_key, effective_on, recorded_at, recorded_by)
			SELECT i, 'Member ' || i, i || ' High St', '', 'none', 'member' || i, '2024-01-01', $2, 'bench' FROM seq`,
		`INSERT INTO share_entries (member_id, kind, entry_on, shares, amount_minor, currency, reason, recorded_at, recorded_by)
			SELECT i, 'allotment', '2024-01-01', 5, 500, 'GBP', 'admission', $2, 'bench' FROM seq`,
	} {
		q = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) ` + q
		if _, err := d.ExecContext(ctx, q, n, now); err != nil {
			b.Fatal(err)
		}
	}
	if d.Dialect() == db.Postgres {
		if _, err := d.ExecContext(ctx, `SELECT setval('members_id_seq', (SELECT MAX(id) FROM members))`); err != nil {
			b.Fatal(err)
		}
	}
}

// seedPapers stores n random papers in one transaction, straight through
// SQL: the tally reads only the papers.
func seedPapers(b *testing.B, d *db.DB, ballot society.Ballot, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	stances := []string{"for", "against", "abstain"}
	tx, err := d.Writer().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		pick := func(e society.Election, k int) string {
			perm := rng.Perm(len(e.Candidates))[:k]
			s := ""
			for j, p := range perm {
				if j > 0 {
					s += ","
				}
				s += fmt.Sprint(e.Candidates[p].ID)
			}
			return s
		}
		var parts []string
		for _, m := range ballot.Motions {
			parts = append(parts, fmt.Sprintf("m%d=%s", m.ID, stances[rng.IntN(3)]))
		}
		for _, e := range ballot.Elections {
			most := e.Seats // a block vote: up to the seats; STV: any number of preferences
			if e.Method == society.STV {
				most = len(e.Candidates)
			}
			parts = append(parts, fmt.Sprintf("e%d=%s", e.ID, pick(e, 1+rng.IntN(most))))
		}
		choices := strings.Join(parts, ";")
		id := make([]byte, 16)
		receipt := make([]byte, 32)
		for j := range id {
			id[j] = byte(rng.Uint32())
		}
		for j := range receipt {
			receipt[j] = byte(rng.Uint32())
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_papers (id, ballot_id, receipt_hash, choices) VALUES ($1, $2, $3, $4)`,
			id, ballot.ID, receipt, choices); err != nil {
			b.Fatalf("paper %d: %v", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
