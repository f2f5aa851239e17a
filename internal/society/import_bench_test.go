package society_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// BenchmarkImport reads, checks and records a register file of 100,000
// members into an empty register, reporting the seconds each step takes.
func BenchmarkImport(b *testing.B) {
	var file strings.Builder
	file.WriteString("number,name,postal_address,email,shares,admitted_on\n")
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= benchMembers; i++ {
		fmt.Fprintf(&file, "%d,Member %d,\"%d High Street\nLeeds LS1 1AA\",m%d@example.org,%d,%s\n", i*3, i, i, i, 1+i%500,
			base.AddDate(0, 0, i%9000).Format(time.DateOnly))
	}
	for _, engine := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := newService(b, engine.open(b))
				b.StartTimer()
				ctx := context.Background()
				start := time.Now()
				rows, err := society.ParseImport(strings.NewReader(file.String()), today, society.DefaultRules())
				if err != nil {
					b.Fatal(err)
				}
				if err := s.CheckImport(ctx, rows); err != nil || society.ImportProblems(rows) != 0 {
					b.Fatalf("%v, %d problems", err, society.ImportProblems(rows))
				}
				checked := time.Now()
				res, err := s.Import(ctx, rows, secretary, nil)
				if err != nil || res.Recorded != benchMembers {
					b.Fatalf("%+v %v", res, err)
				}
				b.ReportMetric(checked.Sub(start).Seconds(), "s-parse+check")
				b.ReportMetric(time.Since(checked).Seconds(), "s-record")
			}
		})
	}
}
