package supporter

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment/paymenttest"
)

// BenchmarkRenewalDay is renewal day: b.N supporters' invoice.paid events
// arrive at once (16 concurrent senders into the signed intake), and the
// clock stops when every one is credited in the ledger, durably, through
// River and the supporter handler. Run it with -benchtime 10000x for the
// figure in docs/benchmarks.md.
func BenchmarkRenewalDay(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRenewals(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchRenewals(b, dbtest.Postgres(b)) })
}

var benchRun atomic.Int64

func benchRenewals(b *testing.B, d *db.DB) {
	m := newMoneyPath(b, d, pathOptions{})
	run := benchRun.Add(1)
	plan := seedPlan(b, d, fmt.Sprintf("Monthly £5 (%d)", run), 500, "month")
	// A supporter per 10 invoices keeps the subscriptions table realistic
	// without making setup the larger part of the run.
	at := time.Now().Add(-time.Minute)
	bodies := make([][]byte, b.N)
	sigs := make([]string, b.N)
	var join string
	for i := range bodies {
		if i%10 == 0 {
			join = seedJoin(b, d, plan, 500, fmt.Sprintf("cs_r%d_%d", run, i/10), "renew@reader.test")
		}
		bodies[i] = invoice("invoice.paid", fmt.Sprintf("evt_r%d_%d", run, i), fmt.Sprintf("in_r%d_%d", run, i),
			fmt.Sprintf("pi_r%d_%d", run, i), fmt.Sprintf("sub_r%d_%d", run, i/10), join, 500, at)
		sigs[i] = paymenttest.Sign(bodies[i], testSecret, time.Now())
	}
	const senders = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				if _, err := m.in.Receive(b.Context(), bodies[i], sigs[i]); err != nil {
					b.Errorf("delivery %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	paymenttest.WaitApplied(b, d, b.N, 10*time.Minute)
	b.StopTimer()
	took := time.Since(start)
	b.ReportMetric(float64(b.N)/took.Seconds(), "credits/s")
	b.ReportMetric(took.Seconds(), "s_total")
	if gifts, _, total := ledger(b, d); gifts != b.N || total != int64(b.N)*500 {
		b.Fatalf("%d gifts, total %d for %d invoices", gifts, total, b.N)
	}
}
