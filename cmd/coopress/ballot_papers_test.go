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

// openBallotNow opens a ballot in the store that is open by the wall
// clock (the commands run on it): two electors, one with an email
// address for notices and one without.
func openBallotNow(t *testing.T, store []string) int64 {
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
	now := time.Now().UTC()
	s, err := society.New(d, society.DefaultRules(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	by := account.Actor{Name: "secretary"}
	for _, in := range []society.AdmitInput{{Name: "Mair Post", Address: "4 Castle St\nConwy", Shares: "2", PaidOn: "2024-01-01", Number: "501"},
		{Name: "Rhys Mail", Address: "5 Castle St", Email: "rhys@example.org", Shares: "2", PaidOn: "2024-01-01", Number: "502"}} {
		a, err := society.ParseAdmission(in, now, society.DefaultRules())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Admit(ctx, a, by); err != nil {
			t.Fatal(err)
		}
	}
	id, err := s.CreateBallot(ctx, society.Ballot{Title: "Special meeting", Meeting: "Conwy, by post", RecordDate: "2024-06-01",
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(48 * time.Hour),
		Motions: []society.Motion{{Title: "To move the office", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}}}, by)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenBallot(ctx, id, society.Sealed, by); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBallotPapersAndReminders: papers go to the electors without email
// (the other ballot's three and Mair; everyone with --all) in a file
// written whole, and refusals leave no file; reminders need SMTP and
// reach a member once a round; the results print as the scrutineer's
// PDF; on both engines.
func TestBallotPapersAndReminders(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		closed, _ := closedBallot(t, store)
		open := openBallotNow(t, store)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		dir := t.TempDir()
		file := func(name string) string { return filepath.Join(dir, name) }
		steps := []struct {
			name  string
			words []string
			args  []string
			env   string
			code  int
			want  []string
			pdf   string // a file that must now hold a PDF with want[0]
		}{
			{"papers for those without email", []string{"ballot", "papers"}, []string{"--id", id(open), "--out", file("post.pdf")}, "", 0,
				[]string{"4 papers written to", "papers: 4 of 4 pages"}, file("post.pdf")},
			{"papers for all", []string{"ballot", "papers"}, []string{"--id", id(open), "--out", file("all.pdf"), "--all"}, "", 0,
				[]string{"5 papers written to"}, file("all.pdf")},
			{"papers without --out", []string{"ballot", "papers"}, []string{"--id", id(open)}, "", 1, []string{"--out: give the PDF file"}, ""},
			{"papers of a closed ballot", []string{"ballot", "papers"}, []string{"--id", id(closed), "--out", file("closed.pdf")}, "", 1,
				[]string{"Voting closed at"}, ""},
			{"papers into no directory", []string{"ballot", "papers"}, []string{"--id", id(open), "--out", file("none/x.pdf")}, "", 1,
				[]string{"no such file or directory"}, ""},
			{"reminders without SMTP", []string{"ballot", "remind"}, []string{"--id", id(open)}, "", 1, []string{"COOPRESS_SMTP_HOST"}, ""},
			{"reminders, round 1", []string{"ballot", "remind"}, []string{"--id", id(open)}, "127.0.0.1", 0, []string{"reminder round 1: 1 queued"}, ""},
			{"reminders, round 1 again", []string{"ballot", "remind"}, []string{"--id", id(open), "--round", "1"}, "127.0.0.1", 0, []string{"reminder round 1: 0 queued"}, ""},
			{"reminders, the next round", []string{"ballot", "remind"}, []string{"--id", id(open)}, "127.0.0.1", 0, []string{"reminder round 2: 1 queued"}, ""},
			{"reminders after the close", []string{"ballot", "remind"}, []string{"--id", id(closed)}, "127.0.0.1", 1, []string{"Voting closed at"}, ""},
			{"results as PDF", []string{"ballot", "tally"}, []string{"--id", id(closed), "--format", "pdf", "--out", file("results.pdf")}, "", 0,
				[]string{"results of ballot " + id(closed) + " written"}, file("results.pdf")},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				t.Setenv("COOPRESS_SMTP_HOST", st.env)
				code, out, errOut := inStore(t, store, st.words, st.args...)
				if code != st.code {
					t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, st.code, out, errOut)
				}
				for _, w := range st.want {
					if !strings.Contains(out+errOut, w) {
						t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
					}
				}
				if st.pdf != "" {
					b, err := os.ReadFile(st.pdf)
					if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
						t.Fatalf("%s: %v, %.20q", st.pdf, err, b)
					}
				}
			})
		}
		left, err := filepath.Glob(filepath.Join(dir, ".*"))
		if err != nil || len(left) != 0 {
			t.Fatalf("temporary files left: %v", left)
		}
		if _, err := os.Stat(file("closed.pdf")); !os.IsNotExist(err) {
			t.Fatalf("a refused run left closed.pdf: %v", err)
		}
	})
}
