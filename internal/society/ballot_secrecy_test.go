package society_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestBallotSecrecy: after 24 members vote (online, with codes, by post,
// at the meeting, one changing their vote) and the ballot closes, every
// column of every table is read and nothing links a stored paper to a
// member: the papers hold only a random key, the ballot, a receipt hash
// and the marks; no other table holds a paper's key, receipt hash or
// marks; the audit log gained nothing from the votes; and the papers'
// order (natural, by key, and on PostgreSQL physical and by writing
// transaction) is the random keys', not the order of voting.
func TestBallotSecrecy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		const voters = 24
		b, ms, codes := openAGM(t, s, c, voters, true)
		audited := count(t, d, "SELECT COUNT(*) FROM audit_log")
		// Voter i ranks the STV candidates by the i-th permutation, so the
		// test, and only the test, knows whose paper is whose.
		perms := permutations([]int{0, 1, 2, 3})
		channels := []society.Channel{society.Online, society.Postal, society.Meeting}
		for i, m := range ms {
			var err error
			switch {
			case i%4 == 3:
				_, _, err = s.VoteWithCode(ctx, codes[m.Number], marks(b, perms[i]...))
			case i == 0:
				var r string
				if r, err = s.Vote(ctx, b.ID, m.Number, society.Online, marks(b, 3, 2, 1, 0)); err == nil {
					_, err = s.ChangeVote(ctx, b.ID, m.Number, r, marks(b, perms[i]...))
				}
			default:
				_, err = s.Vote(ctx, b.ID, m.Number, channels[i%3], marks(b, perms[i]...))
			}
			if err != nil {
				t.Fatalf("voter %d: %v", i, err)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log"); n != audited {
			t.Fatalf("voting wrote %d audit entries; a vote must leave none", n-audited)
		}
		c.set(afterClose)
		if err := s.CloseBallot(ctx, b.ID, secretary); err != nil {
			t.Fatal(err)
		}

		cols, papers := readTable(t, d, "ballot_papers")
		if !slices.Equal(cols, []string{"id", "ballot_id", "receipt_hash", "choices"}) {
			t.Fatalf("ballot_papers has columns %q; each new one must be shown to say nothing of the voter", cols)
		}
		if len(papers) != voters {
			t.Fatalf("%d papers; want %d", len(papers), voters)
		}
		secret := map[string]string{}
		for _, p := range papers {
			secret[key(p[0])], secret[key(p[2])], secret[key(p[3])] = "paper key", "receipt hash", "marks"
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
