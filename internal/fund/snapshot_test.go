package fund_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

// TestSnapshotInProcess checks that a gift recorded through the service
// reaches the in-memory box and its subscribers at once, with no Refresh.
func TestSnapshotInProcess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		snap := s.Snapshot()
		if snap.Loaded() {
			t.Fatal("snapshot loaded before any refresh")
		}
		if _, err := s.Refresh(ctx); err != nil || !snap.Loaded() {
			t.Fatalf("refresh: %v, loaded %v", err, snap.Loaded())
		}
		if b := snap.Box(c.Now()); b.TargetText != "£18,010" || b.RaisedText != "£0" {
			t.Fatalf("empty month box = %+v", b)
		}
		ch, cancel := snap.Subscribe()
		defer cancel()
		v0 := snap.Version()
		if _, err := s.Record(ctx, gift(5047, fund.Card)); err != nil {
			t.Fatal(err)
		}
		select {
		case b := <-ch:
			if b.RaisedText != "£5,047" || b.StillNeededText != "£12,963" || b.DaysRemaining != 25 {
				t.Fatalf("pushed box = %+v", b)
			}
		case <-time.After(time.Second):
			t.Fatal("no box pushed after a gift")
		}
		if snap.Version() <= v0 {
			t.Fatalf("version %d did not move on from %d", snap.Version(), v0)
		}
		if _, err := s.SetTarget(ctx, "2024-11", gbp(20000), "t"); err != nil {
			t.Fatal(err)
		}
		if b := snap.Box(c.Now()); b.StillNeededText != "£14,953" {
			t.Fatalf("after new target: %+v", b)
		}
		// A back-dated cheque for October leaves November's box alone.
		if _, err := s.Record(ctx, gift(10, fund.Cheque, at(time.Date(2024, 10, 2, 0, 0, 0, 0, london(t))))); err != nil {
			t.Fatal(err)
		}
		if b := snap.Box(c.Now()); b.RaisedText != "£5,047" {
			t.Fatalf("October cheque changed November: %+v", b)
		}
		if changed, err := s.Refresh(ctx); err != nil || changed {
			t.Fatalf("refresh after own changes: changed %v, %v", changed, err)
		}
		cancel()
		cancel()       // cancelling twice is harmless
		for range ch { // a box not yet read may remain; then the channel closes
		}
	})
}

// TestSnapshotSeesOtherProcess records through a second connection to the
// same database, as the command line does, and expects Refresh to pick it
// up from fund_state's version.
func TestSnapshotSeesOtherProcess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		server, c := newService(t, d)
		if _, err := server.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		other, err := db.Open(ctx, d.URL, "")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		cli, _ := newService(t, other)
		if _, err := cli.Record(ctx, gift(20, fund.Cheque)); err != nil {
			t.Fatal(err)
		}
		if b := server.Snapshot().Box(c.Now()); b.RaisedText != "£0" {
			t.Fatalf("snapshot changed before Refresh: %+v", b)
		}
		ch, cancel := server.Snapshot().Subscribe()
		defer cancel()
		changed, err := server.Refresh(ctx)
		if err != nil || !changed {
			t.Fatalf("refresh: changed %v, %v", changed, err)
		}
		if b := <-ch; b.RaisedText != "£20" {
			t.Fatalf("pushed box = %+v", b)
		}
		if changed, _ := server.Refresh(ctx); changed {
			t.Fatal("second refresh reported a change")
		}
		// Watch polls on its own.
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go server.Watch(wctx, 20*time.Millisecond, func(err error) { t.Error(err) })
		if _, err := cli.Record(ctx, gift(30, fund.Cash)); err != nil {
			t.Fatal(err)
		}
		select {
		case b := <-ch:
			if b.RaisedText != "£50" {
				t.Fatalf("watched box = %+v", b)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("Watch did not see the other process's gift within 3s")
		}
		// At midnight on 1 December the box turns to the new month, with
		// November's target and nothing raised, before any campaign exists.
		c.Set(time.Date(2024, 12, 1, 0, 0, 1, 0, london(t)))
		if b := server.Snapshot().Box(c.Now()); b.Month != "2024-12" || b.RaisedText != "£0" || b.TargetText != "£18,010" || b.DaysRemaining != 31 {
			t.Fatalf("new month before refresh: %+v", b)
		}
	})
}

// BenchmarkSnapshotBox measures what the box adds to a page: one read of
// the snapshot and the formatting; the budget is 50µs.
func BenchmarkSnapshotBox(b *testing.B) {
	d := dbtest.SQLite(b)
	s, c := newService(b, d)
	ctx := context.Background()
	if _, err := s.Record(ctx, gift(5047, fund.Card)); err != nil {
		b.Fatal(err)
	}
	now := c.Now()
	snap := s.Snapshot()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if box := snap.Box(now); box.RaisedText != "£5,047" {
				b.Fatal(box)
			}
		}
	})
}

// BenchmarkRecord measures durable credits per second, one at a time, on
// each engine.
func BenchmarkRecord(b *testing.B) {
	for _, eng := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(eng.name, func(b *testing.B) {
			s, _ := newService(b, eng.open(b))
			ctx := context.Background()
			for b.Loop() {
				if _, err := s.Record(ctx, gift(1, fund.Card)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
