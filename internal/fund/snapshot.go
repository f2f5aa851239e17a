package fund

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// Snapshot holds the current month's target and raised total in memory, so
// that every page can render the box without a query. Changes made through
// the Service reach it at once; changes made by other processes reach it
// through Refresh, which the server runs every quarter of a second
// (fundPoll in internal/app). It is safe for concurrent use.
type Snapshot struct {
	loc *time.Location
	now func() time.Time

	mu      sync.RWMutex
	st      campaignState
	subs    map[uint64]chan Box
	nextSub uint64
}

func newSnapshot(loc *time.Location, now func() time.Time) *Snapshot {
	return &Snapshot{loc: loc, now: now, subs: map[uint64]chan Box{}}
}

// Box computes the box at now from memory. Until the new month is loaded
// after midnight on the 1st it shows the old target with nothing raised,
// which is what the new month's campaign will start with.
func (s *Snapshot) Box(now time.Time) Box {
	s.mu.RLock()
	st := s.st
	s.mu.RUnlock()
	if now.In(s.loc).Format("2006-01") != st.month {
		st.raised = money.Zero(st.target.Currency)
	}
	return ComputeBox(st.target, st.raised, now, s.loc)
}

// Version is the fund_state version the snapshot reflects; it makes a cheap
// ETag for pages that show the box.
func (s *Snapshot) Version() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.version
}

// Loaded reports whether the snapshot holds figures yet: false until the
// first Refresh or change, when a page should leave the box out rather than
// show a target of nothing.
func (s *Snapshot) Loaded() bool { return s.month() != "" }

// Subscribe returns a channel that receives the new box after each change,
// for server-sent events, and a function to stop. The channel holds only
// the latest box: a slow reader misses intermediate totals, never the last.
func (s *Snapshot) Subscribe() (<-chan Box, func()) {
	ch := make(chan Box, 1)
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = ch
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[id]; ok {
			delete(s.subs, id)
			close(ch)
		}
	}
}

// apply takes up a change committed by this process. A change to the
// current month carries that campaign's totals as of its commit, so it may
// move the version on past changes it has not seen; a change to another
// month moves it on only when nothing was missed, so Refresh still catches
// what other processes did in between.
func (s *Snapshot) apply(st campaignState) {
	current := s.now().In(s.loc).Format("2006-01")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case st.version <= s.st.version:
		return
	case st.month == current:
		s.st = st
		s.notifyLocked()
	case st.version == s.st.version+1:
		s.st.version = st.version
	}
}

// load replaces the snapshot with what Refresh read, unless this process
// has meanwhile applied a newer change to the same month.
func (s *Snapshot) load(st campaignState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.month == s.st.month && st.version <= s.st.version {
		return false
	}
	changed := st.month != s.st.month || st.target != s.st.target || st.raised != s.st.raised
	s.st = st
	if changed {
		s.notifyLocked()
	}
	return changed
}

// notifyLocked sends the new box to every subscriber, replacing any box a
// subscriber has not yet read.
func (s *Snapshot) notifyLocked() {
	if len(s.subs) == 0 {
		return
	}
	now := s.now()
	st := s.st
	if now.In(s.loc).Format("2006-01") != st.month {
		st.raised = money.Zero(st.target.Currency)
	}
	b := ComputeBox(st.target, st.raised, now, s.loc)
	for _, ch := range s.subs {
		select {
		case ch <- b:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- b
		}
	}
}

// month reports which month the snapshot holds.
func (s *Snapshot) month() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.month
}

// Refresh re-reads the current month when fund_state's version has moved
// (another process recorded a gift or changed a target) or the month has
// turned. It reports whether the box changed. It never writes, so it may
// run against a read replica.
func (s *Service) Refresh(ctx context.Context) (bool, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return false, err
	}
	month := s.MonthOf(s.now())
	if v == s.snap.Version() && month == s.snap.month() {
		return false, nil
	}
	st := campaignState{month: month, version: v}
	c, err := getCampaign(ctx, s.db, month)
	switch {
	case err == nil:
		st.target, st.raised = c.Target, c.Raised
	case errors.Is(err, db.ErrNotFound):
		if st.target, err = s.defaultTargetFor(ctx, s.db, month); err != nil {
			return false, err
		}
		st.raised = money.Zero(st.target.Currency)
	default:
		return false, err
	}
	return s.snap.load(st), nil
}

// Watch runs Refresh every interval until ctx ends, so that gifts recorded
// by other processes show in this one's box. Errors are passed to report
// (which may be nil) and the watch carries on: a missed poll only delays.
func (s *Service) Watch(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Refresh(ctx); err != nil && report != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
