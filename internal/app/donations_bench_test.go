package app

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// BenchmarkWebhookCredits measures durable webhook-credited donations per
// second end to end: signed HTTP delivery → event and job stored → River
// job → ledger entry. The clock stops when every event is applied, so the
// figure is credits in the ledger, not requests acknowledged.
func BenchmarkWebhookCredits(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCredits(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchCredits(b, dbtest.Postgres(b)) })
}

var benchRun atomic.Int64

func benchCredits(b *testing.B, d *db.DB) {
	m := newMoneyPath(b, d)
	run := benchRun.Add(1)
	bodies := make([][]byte, b.N)
	sigs := make([]string, b.N)
	for i := range bodies {
		bodies[i] = paidSession(fmt.Sprintf("evt_b%d_%d", run, i), fmt.Sprintf("pi_b%d_%d", run, i), 1000, nil)
		sigs[i] = signed(bodies[i], time.Now())
	}
	started(b, d, bodies...)
	const senders = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				if st, err := deliverTo(m.url, bodies[i], sigs[i]); err != nil || st != 200 {
					b.Errorf("delivery %d: %d %v", i, st, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	settled(b, d, b.N, 5*time.Minute)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "credits/s")
	if gifts, _, total := ledger(b, d); gifts != b.N || total != int64(b.N)*1000 {
		b.Fatalf("%d gifts, total %d for %d events", gifts, total, b.N)
	}
}
