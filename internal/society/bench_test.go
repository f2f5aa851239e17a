package society_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// The register's size in the target: 100,000 members and
// 1,000,000 ledger entries.
const (
	benchMembers  = 100_000
	entriesPerMem = 10
	benchBatch    = 100
)

// BenchmarkRegisterCSV is the register as of a day, as CSV, for 100,000
// members and 1,000,000 ledger entries (target: under 5 s on the
// project's machine).
func BenchmarkRegisterCSV(b *testing.B) {
	eachBench(b, func(b *testing.B, s *society.Service) {
		for b.Loop() {
			cw := &countingWriter{}
			if err := s.WriteCSV(context.Background(), cw, "2024-06-30"); err != nil {
				b.Fatal(err)
			}
			if cw.lines != benchMembers+1 {
				b.Fatalf("%d lines, want %d", cw.lines, benchMembers+1)
			}
		}
	})
}

// BenchmarkAnnualReturn is the annual return's figures for the same
// society (target: under 2 s).
func BenchmarkAnnualReturn(b *testing.B) {
	eachBench(b, func(b *testing.B, s *society.Service) {
		for b.Loop() {
			a, err := s.AnnualReturn(context.Background(), 2020)
			if err != nil {
				b.Fatal(err)
			}
			if a.MembersEnd == 0 || a.SharesIssued == 0 {
				b.Fatalf("empty figures: %+v", a)
			}
		}
	})
}

func eachBench(b *testing.B, fn func(b *testing.B, s *society.Service)) {
	b.Run("sqlite", func(b *testing.B) { s := benchSociety(b, dbtest.SQLite(b)); b.ResetTimer(); fn(b, s) })
	b.Run("postgres", func(b *testing.B) { s := benchSociety(b, dbtest.Postgres(b)); b.ResetTimer(); fn(b, s) })
}

type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += strings.Count(string(p), "\n")
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// benchSociety fills d with the benchmark's members straight through SQL
// (the service's checks, one transaction per change, would take the
// benchmark's whole budget to set up): member i is admitted with 100
// shares on a day spread over eight years, then every 30 days gains 10 or
// loses 5, nine times; every tenth member withdraws everything last and
// ceases.
func benchSociety(b testing.TB, d *db.DB) *society.Service {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Now().UTC()
	var members, contacts, entries [][]any
	// One transaction, so SQLite syncs once. Members go first, so the
	// others' foreign keys find them. A batch of 100 members is 1,000
	// entries, 9,000 parameters, within PostgreSQL's limit; the SQLite
	// driver binds parameters in time that grows with their square, so
	// there a batch is one member.
	tx, err := d.Writer().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	batch := benchBatch
	if d.Dialect() == db.SQLite {
		batch = 1
	}
	flush := func(force bool) {
		if !force && len(members) < batch {
			return
		}
		for _, t := range []struct {
			rows *[][]any
			sql  string
		}{
			{&members, "INSERT INTO members (id, number, class, admitted_on, recorded_at, recorded_by) VALUES "},
			{&contacts, "INSERT INTO member_contacts (member_id, name, postal_address, email, email_use, person_key, effective_on, recorded_at, recorded_by) VALUES "},
			{&entries, "INSERT INTO share_entries (member_id, kind, entry_on, shares, amount_minor, currency, reason, recorded_at, recorded_by) VALUES "},
		} {
			if len(*t.rows) == 0 {
				continue
			}
			var sb strings.Builder
			var args []any
			sb.WriteString(t.sql)
			for i, r := range *t.rows {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('(')
				for j, v := range r {
					if j > 0 {
						sb.WriteByte(',')
					}
					args = append(args, v)
					fmt.Fprintf(&sb, "$%d", len(args))
				}
				sb.WriteByte(')')
			}
			if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
				b.Fatal(err)
			}
			*t.rows = (*t.rows)[:0]
		}
	}
	for i := int64(1); i <= benchMembers; i++ {
		day := base.AddDate(0, 0, int(i*7%2900))
		on := day.Format(time.DateOnly)
		name := fmt.Sprintf("Member %d", i)
		members = append(members, []any{i, i, "individual", on, now, "bench"})
		contacts = append(contacts, []any{i, name, fmt.Sprintf("%d High St", i), "", "none", name + "|" + fmt.Sprint(i), on, now, "bench"})
		held := int64(100)
		entries = append(entries, []any{i, "allotment", on, held, held * 100, "GBP", "admission", now, "bench"})
		for k := 1; k < entriesPerMem; k++ {
			on := day.AddDate(0, 0, 30*k).Format(time.DateOnly)
			kind, n := "allotment", int64(10)
			switch {
			case k == entriesPerMem-1 && i%10 == 0:
				kind, n = "withdrawal", -held
			case k%2 == 0:
				kind, n = "withdrawal", -5
			}
			held += n
			entries = append(entries, []any{i, kind, on, n, n * 100, "GBP", "bench", now, "bench"})
		}
		flush(false)
	}
	flush(true)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if d.Dialect() == db.Postgres {
		// The ids above were given, not drawn: move the sequence on, and
		// give the planner its statistics as autovacuum would.
		for _, q := range []string{`SELECT setval('members_id_seq', (SELECT MAX(id) FROM members))`, `ANALYZE`} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d members, %d entries loaded in %s", d.Dialect(), benchMembers, benchMembers*entriesPerMem, time.Since(start).Round(time.Millisecond))
	return newService(b, d)
}

// BenchmarkCheck is register check for the same society: the ledger's
// replay, the register compared with it, and the registers compared with
// each other.
func BenchmarkCheck(b *testing.B) {
	eachBench(b, func(b *testing.B, s *society.Service) {
		for b.Loop() {
			r, err := s.Check(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if r.Entries != benchMembers*entriesPerMem {
				b.Fatalf("%d entries", r.Entries)
			}
		}
	})
}
