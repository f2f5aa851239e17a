package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/society"
)

// TestBallotCloseCommand: `coopress ballot close` closes a sealed ballot
// only with its counting key's file, refusing by flag a missing file, no
// key, a mistyped key and another ballot's key, each leaving the ballot
// open; then the tally counts the papers it opened. The ballot's voting
// ended in 2025, so the command's real clock finds it over.
func TestBallotCloseCommand(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
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
		now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		s, err := society.New(d, society.DefaultRules(), func() time.Time { return now })
		if err != nil {
			t.Fatal(err)
		}
		by := account.Actor{Name: "secretary"}
		var ms []int64
		for _, name := range []string{"Ann Jones", "Ben Smith"} {
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
		draft := society.Ballot{Title: "Special meeting 2025", Meeting: "Cardiff", RecordDate: "2025-02-01",
			OpensAt: now.Add(time.Hour), ClosesAt: now.Add(48 * time.Hour),
			Motions: []society.Motion{{Title: "To move the office", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}}}
		var ids []int64
		var keys []society.CountingKey
		for range 2 {
			id, err := s.CreateBallot(ctx, draft, by)
			if err != nil {
				t.Fatal(err)
			}
			o, err := s.OpenBallot(ctx, id, society.Sealed, by)
			if err != nil {
				t.Fatal(err)
			}
			ids, keys = append(ids, id), append(keys, o.Key)
		}
		b, err := s.Ballot(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		for i, st := range []society.Stance{society.For, society.Against} {
			if _, err := s.Vote(ctx, b.ID, ms[i], society.Online, society.Choices{Motions: map[int64]society.Stance{b.Motions[0].ID: st}}); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		file := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		good := file("good.txt", string(keys[0].KeyFile(b)))
		typed := keys[0].String()
		swap := "A"
		if typed[0] == 'A' {
			swap = "B"
		}
		mistyped := file("mistyped.txt", swap+typed[1:])
		other := file("other.txt", keys[1].String())
		empty := file("empty.txt", "")
		id := strconv.FormatInt(b.ID, 10)
		for _, st := range []struct {
			name string
			args []string
			code int
			want string
		}{
			{"no key", []string{"--id", id}, 1, "--key-file: This ballot's papers are sealed: give the counting key"},
			{"no such file", []string{"--id", id, "--key-file", filepath.Join(dir, "nowhere.txt")}, 1, "--key-file: open"},
			{"an empty file", []string{"--id", id, "--key-file", empty}, 1, "--key-file: Give the ballot's counting key"},
			{"a mistyped key", []string{"--id", id, "--key-file", mistyped}, 1, "--key-file: That counting key is mistyped"},
			{"another ballot's key", []string{"--id", id, "--key-file", other}, 1, "--key-file: That is not this ballot's counting key"},
			{"no id", []string{"--key-file", good}, 1, "--id: give the ballot's id"},
			{"the key's file", []string{"--id", id, "--key-file", good}, 0, "closed ballot " + id},
			{"again", []string{"--id", id, "--key-file", good}, 1, "--id: Only an open ballot can be closed; this one is closed."},
		} {
			t.Run(st.name, func(t *testing.T) {
				code, out, errOut := inStore(t, store, []string{"ballot", "close"}, st.args...)
				if code != st.code || !strings.Contains(out+errOut, st.want) {
					t.Fatalf("exit %d, output %q %q; want %d and %q", code, out, errOut, st.code, st.want)
				}
				if st.code != 0 {
					if bl, err := s.Ballot(ctx, b.ID); err != nil || (bl.Status != society.Open && st.name != "again") {
						t.Fatalf("the ballot is %s (%v) after a refusal", bl.Status, err)
					}
				}
			})
		}
		code, out, errOut := inStore(t, store, []string{"ballot", "tally"}, "--id", id)
		if code != 0 || !strings.Contains(squeeze(out), "2 papers; by channel: online 2") || !strings.Contains(squeeze(out), "for 1") {
			t.Fatalf("tally: %d %q %q", code, out, errOut)
		}
	})
}
