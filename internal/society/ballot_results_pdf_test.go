package society_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/society"
)

// pdfOptions print plain text streams, so the tests can read them.
var pdfOptions = society.PDFOptions{Society: "Cymdeithas y Bobl Ltd", Location: time.UTC, VoteURL: "https://paper.example/vote", Plain: true}

// TestChannelsCombine: the results add every channel: online, postal,
// the meeting's counts on motions and its election papers, with turnout
// by channel; the papers PDF has one page per paper with the member's
// code and address, and the results PDF the scrutineer's summary and the
// STV count sheet; on both engines.
func TestChannelsCombine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		cb := openChannels(t, s, c)
		b := cb.b
		var papers bytes.Buffer
		var pages []int
		o := pdfOptions
		o.Progress = func(done, total int) { pages = append(pages, done) }
		codes := []society.VotingCode{{Member: 7, Name: "Siân Ŵyn", Address: "1 High St\nLlanelli\nSA15 1AA", Code: "ABCD-EFGH-JKMN-PQRS"},
			{Member: 8, Name: "Bob Hale", Address: "2 Mill Lane, Hebden Bridge, HX7 8AA", Code: "WXYZ-2345-6789-ABCD"}}
		if err := society.WritePapers(&papers, b, codes, o); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Membership number 7", "ABCD-EFGH-JKMN-PQRS", "Bob Hale", "Hebden Bridge", "SA15 1AA",
			"To receive the accounts", "Dai Price", "17:00 on Tuesday 8 December 2026 \\(UTC\\)", "/Count 2", "https://paper.example/vote"} {
			if !bytes.Contains(papers.Bytes(), []byte(want)) {
				t.Errorf("papers PDF lacks %q", want)
			}
		}
		if len(pages) != 2 || pages[1] != 2 {
			t.Errorf("progress %v; want 1, 2", pages)
		}
		if _, err := s.Tally(ctx, b.ID); err == nil {
			t.Fatal("a tally before the close")
		}
		c.set(afterClose)
		if err := s.CloseBallot(ctx, b.ID, cb.key, secretary); err != nil {
			t.Fatal(err)
		}
		r, err := s.Tally(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Turnout[society.Online] != 2 || r.Turnout[society.Postal] != 1 || r.Turnout[society.Meeting] != 1 {
			t.Errorf("turnout %v; want online 2, postal 1, meeting 1", r.Turnout)
		}
		// Motion 1: for on the three papers and for at the meeting by hands;
		// motion 2 not counted at the meeting.
		if m := r.Motions[0]; m.For != 4 || m.Against != 0 {
			t.Errorf("motion 1: %d for, %d against; want 4, 0", m.For, m.Against)
		}
		if m := r.Motions[1]; m.For != 3 {
			t.Errorf("motion 2: %d for; want 3", m.For)
		}
		if e := r.Elections[1]; e.Papers != 4 || e.Votes[b.Elections[1].Candidates[3].ID] != 1 {
			t.Errorf("STV: %d papers, Gwyn Rees %d first preferences; want 4 and the meeting's 1", e.Papers, e.Votes[b.Elections[1].Candidates[3].ID])
		}
		ms, err := s.Meetings(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := society.WriteResultsPDF(&out, r, ms, pdfOptions); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Scrutineer's report", "Electorate", "Voted postal", "Swansea, Dylan Thomas Centre",
			`To amend rule 12 \(special, 3/4\)`, "passed", "Quota", "Readers' panel"} {
			if !bytes.Contains(out.Bytes(), []byte(want)) {
				t.Errorf("results PDF lacks %q", want)
			}
		}
	})
}

// TestReminders: a round reaches every elector who has not voted and
// whose address may be used, once however often it is started; the next
// round reaches them again; those who voted, and those who gave no
// address or forbade its use, get none; on both engines.
func TestReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		jc, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, c := ballotSociety(t, d)
		box := mail.NewOutbox(d, jc, c.now)
		withMail := func(name, email, use string) society.Member {
			a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: "3 Pier St", Email: email, EmailUse: use,
				Shares: "2", PaidOn: "2024-02-01"}, today, society.DefaultRules())
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.Admit(ctx, a, secretary)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		withMail("Ann Reader", "ann@example.org", "notices")
		withMail("No Mail", "nomail@example.org", "none")
		voter := withMail("Val Voter", "val@example.org", "notices-and-news")
		b, _, _, _ := openAGM(t, s, c, 2, false) // two more with no address
		if _, err := s.Vote(ctx, b.ID, voter.Number, society.Online, marks(b, 0)); err != nil {
			t.Fatal(err)
		}
		rm := society.Reminder{Society: "The People's Paper", VoteURL: "https://paper.example/account/ballots", CodeURL: "https://paper.example/vote"}
		for i, tc := range []struct {
			round, want int
		}{{1, 1}, {1, 0}, {2, 1}} {
			n, err := s.Remind(ctx, b.ID, tc.round, box, rm, secretary)
			if err != nil || n != tc.want {
				t.Fatalf("start %d, round %d: %d queued, %v; want %d", i+1, tc.round, n, err, tc.want)
			}
		}
		rows, err := d.QueryContext(ctx, `SELECT to_addr, subject, text_body FROM mail_outbox WHERE kind = 'ballot_reminder' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var to, subject, body string
			if err := rows.Scan(&to, &subject, &body); err != nil {
				t.Fatal(err)
			}
			n++
			if to != "ann@example.org" || !strings.Contains(subject, b.Title) || !strings.Contains(body, "17:00 on 8 December 2026") ||
				!strings.Contains(body, rm.CodeURL) || !strings.Contains(body, "Ann Reader") {
				t.Errorf("reminder to %s, %q:\n%s", to, subject, body)
			}
		}
		if n != 2 {
			t.Fatalf("%d reminders queued; want 2 (a round each)", n)
		}
		c.set(afterClose)
		if _, err := s.Remind(ctx, b.ID, 3, box, rm, secretary); err == nil {
			t.Fatal("a reminder after the close")
		}
		if next, _ := s.NextRound(ctx, b.ID); next != 3 {
			t.Fatalf("next round %d; want 3", next)
		}
	})
}

// BenchmarkWritePapers prints 5,000 postal papers of the test AGM (two
// motions, two elections), compressed as the command writes them.
func BenchmarkWritePapers(b *testing.B) {
	ballot := agm(false)
	for i := range ballot.Elections {
		for j := range ballot.Elections[i].Candidates {
			ballot.Elections[i].Candidates[j].ID = int64(10*i + j)
		}
	}
	codes := make([]society.VotingCode, 5000)
	for i := range codes {
		codes[i] = society.VotingCode{Member: int64(i + 1), Name: "Member Name", Address: "12 Long Street\nSomewhere\nAB1 2CD", Code: "ABCD-EFGH-JKMN-PQRS"}
	}
	o := pdfOptions
	o.Plain = false
	for b.Loop() {
		var out bytes.Buffer
		if err := society.WritePapers(&out, ballot, codes, o); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(out.Len())/1e6, "MB")
	}
}
