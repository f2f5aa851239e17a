package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/society"
)

// closedBallot puts a ballot through its life in the store: three
// members vote (online, by post, at the meeting) and it closes. It
// returns the closed ballot's id and an open one's.
func closedBallot(t *testing.T, store []string) (closed, open int64) {
	t.Helper()
	ctx := context.Background()
	var d *db.DB
	var err error
	if store[0] == "--data" {
		d, err = db.Open(ctx, "", store[1])
	} else {
		d, err = db.Open(ctx, store[1], "")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	s, err := society.New(d, society.DefaultRules(), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	by := account.Actor{Name: "secretary"}
	var ms []int64
	for _, name := range []string{"Ann Jones", "Ben Smith", "Cath Lee"} {
		a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: name + "'s house", Shares: "5", PaidOn: "2024-01-01"}, now, society.DefaultRules())
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Admit(ctx, a, by)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m.Number)
	}
	draft := society.Ballot{Title: "AGM 2026", Meeting: "Cardiff, 8 December", RecordDate: "2026-11-01",
		OpensAt: now.Add(time.Hour), ClosesAt: now.Add(48 * time.Hour),
		Motions: []society.Motion{{Title: "=SUM(A1) the accounts", Kind: society.Special, NeedNum: 2, NeedDen: 3}},
		Elections: []society.Election{{Title: "Board", Seats: 1, Method: society.Block,
			Candidates: []society.Candidate{{Name: "Dai Price"}, {Name: "Eira Hughes"}}},
			{Title: "Panel", Seats: 1, Method: society.STV,
				Candidates: []society.Candidate{{Name: "Ffion Bell"}, {Name: "Gwyn Rees"}}}},
	}
	var key society.CountingKey
	for _, id := range []*int64{&closed, &open} {
		if *id, err = s.CreateBallot(ctx, draft, by); err != nil {
			t.Fatal(err)
		}
		o, err := s.OpenBallot(ctx, *id, society.Sealed, by)
		if err != nil {
			t.Fatal(err)
		}
		if *id == closed {
			key = o.Key
		}
	}
	b, err := s.Ballot(ctx, closed)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	board, panel := b.Elections[0], b.Elections[1]
	for i, ch := range []society.Channel{society.Online, society.Postal, society.Meeting} {
		st := society.For
		if i == 2 {
			st = society.Against
		}
		marks := society.Choices{Motions: map[int64]society.Stance{b.Motions[0].ID: st},
			Elections: map[int64][]int64{board.ID: {board.Candidates[i%2].ID},
				panel.ID: {panel.Candidates[1].ID, panel.Candidates[0].ID}}}
		if _, err := s.Vote(ctx, closed, ms[i], ch, marks); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(48 * time.Hour)
	if err := s.CloseBallot(ctx, closed, key, by); err != nil {
		t.Fatal(err)
	}
	return closed, open
}

func TestBallotCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		closed, open := closedBallot(t, store)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		// The election's BLT, counted apart by `coopress stv count`, gives
		// the tally's count and seed.
		_, raw, _ := inStore(t, store, []string{"ballot", "blt"}, "--id", id(closed), "--election", "2")
		blt := filepath.Join(t.TempDir(), "panel.blt")
		if err := os.WriteFile(blt, []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		_, sheet, _ := inStore(t, store, []string{"ballot", "tally"}, "--id", id(closed))
		seed := regexp.MustCompile(`Seed for lots: (\d+)`).FindStringSubmatch(sheet)[1]
		steps := []struct {
			words, args []string
			code        int
			want        []string
		}{
			{[]string{"ballot", "list"}, nil, 0, []string{"id title opens closes record date status electors voted",
				id(closed) + " AGM 2026 2026-11-30 13:00 2026-12-02 12:00 2026-11-01 closed 3 3",
				id(open) + " AGM 2026 2026-11-30 13:00 2026-12-02 12:00 2026-11-01 open 3 0"}},
			{[]string{"ballot", "tally"}, []string{"--id", id(closed)}, 0, []string{
				"3 papers; by channel: online 1, postal 1, meeting 1; electorate 3",
				"motion: =SUM(A1) the accounts (special, 2/3)", "for 2 passed", "against 1", "abstain 0",
				"election: Board (block, 1 seat, 3 papers)", "Dai Price (votes) 2 elected", "Eira Hughes (votes) 1",
				"Gwyn Rees (first preferences) 3 elected 1st", "Election: Panel", "Quota: 3 ÷ (1 + 1) = 1, fraction ignored, + 1 = 2",
				"Elected, in order of election: Gwyn Rees"}},
			{[]string{"ballot", "tally"}, []string{"--id", id(closed), "--format", "csv"}, 0, []string{
				"kind,item,option,votes,outcome\n", "motion,\"'=SUM(A1) the accounts (special, 2/3)\",for,2,passed\n",
				"election,\"Board (block, 1 seat, 3 papers)\",Dai Price (votes),2,elected\n"}},
			{[]string{"ballot", "blt"}, []string{"--id", id(closed), "--election", "2"}, 0, []string{
				"2 1\n3 2 1 0\n0\n\"Ffion Bell\"\n\"Gwyn Rees\"\n\"Panel\"\n"}},
			{[]string{"stv", "count"}, []string{blt}, 0, []string{"Quota: 3 ÷ (1 + 1) = 1, fraction ignored, + 1 = 2", "Seed for lots: " + seed,
				"Elected, in order of election: Gwyn Rees"}},
			{[]string{"ballot", "tally"}, []string{"--id", id(open)}, 1, []string{"Results are counted when the ballot closes, not before."}},
			{[]string{"ballot", "tally"}, nil, 1, []string{"--id: give the ballot's id"}},
			{[]string{"ballot", "tally"}, []string{"--id", "999"}, 1, []string{"not found"}},
			{[]string{"ballot", "tally"}, []string{"--id", id(closed), "--format", "pdf"}, 1, []string{"--out: give the PDF file"}},
			{[]string{"ballot", "tally"}, []string{"--id", id(closed), "--format", "odt"}, 1, []string{`--format: "odt" is not one; choose text, csv or pdf`}},
			{[]string{"ballot", "blt"}, []string{"--id", id(closed), "--election", "3"}, 1, []string{"--election: ballot " + id(closed) + " has 2 elections"}},
		}
		for _, st := range steps {
			t.Run(strings.Join(append(st.words, st.args...), " "), func(t *testing.T) {
				code, out, errOut := inStore(t, store, st.words, st.args...)
				if st.words[0] == "stv" {
					code, out, errOut = cli(append(st.words, st.args...)...)
				}
				if code != st.code {
					t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, st.code, out, errOut)
				}
				got := squeeze(out + errOut)
				if st.words[1] == "blt" || strings.Contains(strings.Join(st.args, " "), "csv") {
					got = out + errOut
				}
				for _, w := range st.want {
					if !strings.Contains(got, w) {
						t.Errorf("output lacks %q:\n%s", w, got)
					}
				}
			})
		}
	})
}
