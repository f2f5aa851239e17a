package society_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/coopress/coopress/internal/society"
)

// BenchmarkRegisterPDF is the register as of a day, as PDF, for 100,000
// members and 1,000,000 ledger entries (target: under 30 s on the
// project's machine).
func BenchmarkRegisterPDF(b *testing.B) {
	eachBench(b, func(b *testing.B, s *society.Service) {
		for b.Loop() {
			var buf bytes.Buffer
			var done int
			err := s.WriteRegisterPDF(context.Background(), &buf, "2024-06-30", society.RegisterPDF{Society: "The Daily Co-op Readers' Society",
				Progress: func(d, _ int) { done = d }})
			if err != nil {
				b.Fatal(err)
			}
			if done != benchMembers {
				b.Fatalf("%d rows drawn, want %d", done, benchMembers)
			}
			b.ReportMetric(float64(buf.Len())/1e6, "MB")
		}
	})
}
