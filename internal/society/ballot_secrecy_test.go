package society_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestBallotSecrecy: 24 members vote (online, with codes, by post, at the
// meeting, one changing their vote) in a sealed ballot. While it is
// open, every column of every table is read and none holds any marks:
// each paper is sealed, all to one length whatever the choices, so what
// the order of writing links to a voter (on PostgreSQL the shared xmin)
// reaches only ciphertext. After the close, nothing links a stored paper
// to a member: the papers hold only a random key, the ballot, a receipt
// hash and the marks; no other table holds a paper's key, receipt hash
// or marks; the audit log gained nothing from the votes; and the papers'
// order (natural, by key, and on PostgreSQL physical and by writing
// transaction) is the random keys', not the order of voting.
func TestBallotSecrecy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		const voters = 24
		b, ms, codes, counting := openAGM(t, s, c, voters, true)
		audited := count(t, d, "SELECT COUNT(*) FROM audit_log")
		// Voter i ranks the STV candidates by the i-th permutation, so the
		// test, and only the test, knows whose paper is whose.
		// The other marks vary in length from voter to voter.
		perms := permutations([]int{0, 1, 2, 3})
		channels := []society.Channel{society.Online, society.Postal, society.Meeting}
		var texts []string
		for i, m := range ms {
			ch := variedMarks(b, i, perms[i])
			texts = append(texts, marksText(ch))
			var err error
			switch {
			case i%4 == 3:
				_, _, err = s.VoteWithCode(ctx, codes[m.Number], ch)
			case i == 0:
				var r string
				if r, err = s.Vote(ctx, b.ID, m.Number, society.Online, marks(b, 3, 2, 1, 0)); err == nil {
					_, err = s.ChangeVote(ctx, b.ID, m.Number, r, ch)
				}
			default:
				_, err = s.Vote(ctx, b.ID, m.Number, channels[i%3], ch)
			}
			if err != nil {
				t.Fatalf("voter %d: %v", i, err)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log"); n != audited {
			t.Fatalf("voting wrote %d audit entries; a vote must leave none", n-audited)
		}
		if lens := map[int]bool{}; true {
			for _, x := range texts {
				lens[len(x)] = true
			}
			if len(lens) < 3 {
				t.Fatalf("the marks have %d lengths; the test needs them to differ", len(lens))
			}
		}
		sealedWhileOpen(t, d, b, texts)
		c.set(afterClose)
		if err := s.CloseBallot(ctx, b.ID, counting, secretary); err != nil {
			t.Fatal(err)
		}

		cols, papers := readTable(t, d, "ballot_papers")
		if !slices.Equal(cols, []string{"id", "ballot_id", "receipt_hash", "choices", "sealed"}) {
			t.Fatalf("ballot_papers has columns %q; each new one must be shown to say nothing of the voter", cols)
		}
		if len(papers) != voters {
			t.Fatalf("%d papers; want %d", len(papers), voters)
		}
		secret := map[string]string{}
		for _, p := range papers {
			secret[key(p[0])], secret[key(p[2])], secret[key(p[3])] = "paper key", "receipt hash", "marks"
			if p[4] != nil {
				t.Errorf("a paper is still sealed after the close")
			}
		}
		for _, table := range tables(t, d) {
			if table == "ballot_papers" {
				continue
			}
			cols, rows := readTable(t, d, table)
			for _, row := range rows {
				for i, v := range row {
					if what, ok := secret[key(v)]; ok {
						t.Errorf("%s.%s holds a paper's %s", table, cols[i], what)
					}
				}
			}
		}

		// Natural order, and on PostgreSQL the heap's and xmin.
		natural := "SELECT id, choices FROM ballot_papers"
		if d.Dialect() == db.Postgres {
			natural += " ORDER BY ctid"
			if n := count(t, d, "SELECT COUNT(DISTINCT xmin::text) FROM ballot_papers"); n != 1 {
				t.Errorf("papers written by %d transactions after the close; want 1", n)
			}
			if n := count(t, d, "SELECT COUNT(*) FROM ballot_papers p JOIN ballot_voters v ON v.xmin::text = p.xmin::text"); n != 0 {
				t.Errorf("%d papers share their writing transaction with a voter's row", n)
			}
		} else if _, err := d.ExecContext(ctx, "SELECT rowid FROM ballot_papers"); err == nil {
			t.Error("ballot_papers has a rowid, which follows the order of writing")
		}
		_, rows := readQuery(t, d, natural)
		var ids [][]byte
		var whose []int
		stvID := b.Elections[1].ID
		for _, r := range rows {
			ids = append(ids, r[0].([]byte))
			whose = append(whose, voterOf(t, b, stvID, text(r[1]), perms))
		}
		if !slices.IsSortedFunc(ids, bytes.Compare) {
			t.Error("the papers' natural order is not their random keys'")
		}
		if slices.IsSorted(whose) {
			t.Errorf("the papers stand in the order of voting: %v", whose)
		}
	})
}

// sealedWhileOpen reads every column of every table of an open, sealed
// ballot and proves that none holds the marks texts: each paper's marks
// are empty and its sealed marks all of one length; and on PostgreSQL,
// where a paper shares its xmin with its voter's row, that link reaches
// only the sealed paper.
func sealedWhileOpen(t *testing.T, d *db.DB, b society.Ballot, texts []string) {
	t.Helper()
	marks := map[string]bool{}
	for _, x := range texts {
		marks[x] = true
	}
	stances := []string{"=for", "=against", "=abstain", fmt.Sprintf("e%d=", b.Elections[1].ID)}
	for _, table := range tables(t, d) {
		cols, rows := readTable(t, d, table)
		for _, row := range rows {
			for i, v := range row {
				x := text(v)
				if marks[x] {
					t.Errorf("%s.%s holds a paper's marks %q while the ballot is open", table, cols[i], x)
				}
				for _, st := range stances {
					if strings.Contains(x, st) {
						t.Errorf("%s.%s holds %q while the ballot is open: %q", table, cols[i], st, x)
					}
				}
			}
		}
	}
	_, papers := readQuery(t, d, "SELECT choices, sealed FROM ballot_papers ORDER BY id")
	if len(papers) != len(texts) {
		t.Fatalf("%d papers; want %d", len(papers), len(texts))
	}
	lengths := map[int]int{}
	for _, p := range papers {
		if text(p[0]) != "" {
			t.Errorf("an open ballot's paper has marks %q", text(p[0]))
		}
		sealed, _ := p[1].([]byte)
		lengths[len(sealed)]++
	}
	if len(lengths) != 1 || lengths[0] > 0 {
		t.Errorf("sealed papers by length: %v; want one length for all", lengths)
	}
	if d.Dialect() == db.Postgres {
		linked := count(t, d, `SELECT COUNT(*) FROM ballot_papers p JOIN ballot_voters v ON v.xmin::text = p.xmin::text`)
		clear := count(t, d, `SELECT COUNT(*) FROM ballot_papers p JOIN ballot_voters v ON v.xmin::text = p.xmin::text
			WHERE p.choices <> '' OR p.sealed IS NULL`)
		if linked != len(texts) || clear != 0 {
			t.Errorf("%d papers share their voter's xmin (want all %d, the test's premise), %d of them in clear (want 0)",
				linked, len(texts), clear)
		}
	}
}

// variedMarks is voter i's paper: the STV ranking perm, which names the
// voter, with stances and block votes that make the marks' lengths
// differ.
func variedMarks(b society.Ballot, i int, perm []int) society.Choices {
	c := marks(b, perm...)
	block := b.Elections[0]
	c.Motions[b.Motions[0].ID] = []society.Stance{society.For, society.Against, society.Abstain}[i%3]
	switch i % 4 {
	case 0:
		delete(c.Motions, b.Motions[1].ID)
	case 1:
		c.Elections[block.ID] = []int64{block.Candidates[2].ID, block.Candidates[1].ID}
	case 2:
		delete(c.Elections, block.ID)
	}
	return c
}

// marksText is the paper's text for c, as docs/ballots.md gives it:
// "m12=for;e3=7,5", motions then elections, each in id order.
func marksText(c society.Choices) string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(c.Motions)) {
		parts = append(parts, fmt.Sprintf("m%d=%s", id, c.Motions[id]))
	}
	for _, id := range slices.Sorted(maps.Keys(c.Elections)) {
		var ks []string
		for _, k := range c.Elections[id] {
			ks = append(ks, fmt.Sprint(k))
		}
		parts = append(parts, fmt.Sprintf("e%d=%s", id, strings.Join(ks, ",")))
	}
	return strings.Join(parts, ";")
}

// voterOf is the index of the voter whose STV ranking is in marks.
func voterOf(t *testing.T, b society.Ballot, stvID int64, marks string, perms [][]int) int {
	t.Helper()
	for part := range strings.SplitSeq(marks, ";") {
		if rest, ok := strings.CutPrefix(part, fmt.Sprintf("e%d=", stvID)); ok {
			for i, p := range perms {
				var ids []string
				for _, k := range p {
					ids = append(ids, fmt.Sprint(b.Elections[1].Candidates[k].ID))
				}
				if strings.Join(ids, ",") == rest {
					return i
				}
			}
		}
	}
	t.Fatalf("no voter ranked %q", marks)
	return 0
}

// permutations are every ordering of xs, in a fixed order.
func permutations(xs []int) [][]int {
	if len(xs) <= 1 {
		return [][]int{slices.Clone(xs)}
	}
	var out [][]int
	for i, x := range xs {
		rest := slices.Concat(xs[:i:i], xs[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]int{x}, p...))
		}
	}
	return out
}

// tables are the database's own tables.
func tables(t *testing.T, d *db.DB) []string {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if d.Dialect() == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	_, rows := readQuery(t, d, q)
	var out []string
	for _, r := range rows {
		out = append(out, text(r[0]))
	}
	if len(out) < 20 {
		t.Fatalf("only %d tables found: %v", len(out), out)
	}
	return out
}

func readTable(t *testing.T, d *db.DB, table string) ([]string, [][]any) {
	return readQuery(t, d, "SELECT * FROM "+table)
}

// readQuery is every value q returns.
func readQuery(t *testing.T, d *db.DB, q string) ([]string, [][]any) {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// key is a value as a map key: bytes in hex, text as it is.
func key(v any) string {
	switch x := v.(type) {
	case []byte:
		return "x" + hex.EncodeToString(x)
	case string:
		return "s" + x
	}
	return fmt.Sprintf("v%v", v)
}

func text(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
