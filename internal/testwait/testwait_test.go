package testwait_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/testwait"
)

func TestFor(t *testing.T) {
	cases := []struct {
		name    string
		trueAt  int64 // the call on which cond first answers true; 0 never
		timeout time.Duration
		want    bool
		calls   int64 // calls at least this many
	}{
		{"true at once", 1, time.Second, true, 1},
		{"true on the third ask", 3, time.Second, true, 3},
		{"never true", 0, 50 * time.Millisecond, false, 2},
		{"zero timeout still asks once", 1, 0, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int64
			start := time.Now()
			got := testwait.For(c.timeout, func() bool {
				n := calls.Add(1)
				return c.trueAt > 0 && n >= c.trueAt
			})
			if got != c.want {
				t.Fatalf("For = %v, want %v", got, c.want)
			}
			if calls.Load() < c.calls {
				t.Errorf("cond asked %d times, want at least %d", calls.Load(), c.calls)
			}
			if !c.want && time.Since(start) < c.timeout {
				t.Errorf("gave up after %s, before the %s timeout", time.Since(start), c.timeout)
			}
		})
	}
}
