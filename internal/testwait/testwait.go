// Package testwait lets a test wait for a condition with a deadline instead
// of sleeping for a guessed time. A fixed sleep is too short on a loaded
// machine and too long everywhere else, and a sleep followed by "still
// nothing happened" passes whether or not the work ran; a test should wait
// for something positive (the work finished, a later marker arrived) and
// then assert.
package testwait

import (
	"testing"
	"time"
)

// interval is how often a condition is asked again: short enough that a
// test waits at most a few milliseconds past the event, long enough that
// polling a database or a browser does not load the machine.
const interval = 10 * time.Millisecond

// For asks cond until it returns true or timeout has passed, and says
// whether it did. cond is always asked at least once, and once more at the
// deadline, so a slow poll cannot use up the time on its own. Callers that
// want to describe the state on failure use this; others use Until.
func For(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		<-tick.C
	}
}

// Until waits like For and fails t, naming what was awaited, when cond has
// not become true within timeout. Call it from the test's own goroutine.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !For(timeout, cond) {
		t.Fatalf("waited %s for %s", timeout, what)
	}
}
