package web

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestFormLimiterBuckets: the default limit lets ten through at once and
// then one a minute, and a refusal takes nothing, so its wait is exact.
func TestFormLimiterBuckets(t *testing.T) {
	fl := newFormLimiter(FormLimits{}, prometheus.NewRegistry())
	t0 := time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)
	steps := []struct {
		at    time.Duration
		wait  time.Duration
		scope string
	}{
		{at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0}, {at: 0},
		{at: 0, wait: time.Minute, scope: scopeClient},
		{at: 30 * time.Second, wait: 30 * time.Second, scope: scopeClient},
		{at: time.Minute},
		{at: time.Minute, wait: time.Minute, scope: scopeClient},
		// Quiet for a whole window: the bucket is full again, and the
		// address forgotten.
		{at: 11 * time.Minute}, {at: 11 * time.Minute},
	}
	for i, s := range steps {
		wait, scope := fl.allow("192.0.2.1", "POST /donate", t0.Add(s.at))
		if wait != s.wait || scope != s.scope {
			t.Fatalf("step %d at +%v: wait %v (%q), want %v (%q)", i+1, s.at, wait, scope, s.wait, s.scope)
		}
	}
	if _, scope := fl.allow("192.0.2.2", "POST /donate", t0.Add(11*time.Minute)); scope != "" {
		t.Fatalf("another address refused (%s)", scope)
	}
}

// TestFormLimiterFloodBoundsMemory sends forms from 200,000 distinct
// addresses, 100 a second for 2,000 seconds: about 600 a window pass
// the limit for all, and the limiter never holds more than 2×All
// addresses, however many it has seen.
func TestFormLimiterFloodBoundsMemory(t *testing.T) {
	const n, perSecond = 200_000, 100
	fl := newFormLimiter(FormLimits{}, prometheus.NewRegistry())
	t0 := time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	passed, most := 0, 0
	start := time.Now()
	for i := range n {
		now := t0.Add(time.Duration(i) * time.Second / perSecond)
		addr := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		if _, scope := fl.allow(addr, "POST /donate", now); scope == "" {
			passed++
		}
		most = max(most, fl.size())
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	elapsed := time.Duration(n) * time.Second / perSecond
	if bound := 2 * DefaultFormAll; most > bound {
		t.Errorf("held %d addresses at most, want at most %d", most, bound)
	}
	// The limit for all: its burst, then one each Window/All.
	if want := DefaultFormAll + int(elapsed/(DefaultFormWindow/DefaultFormAll)); passed > want {
		t.Errorf("%d forms passed in %v, want at most %d", passed, elapsed, want)
	}
	t.Logf("%d addresses, %d passed; at most %d held; heap %d KiB after (%d KiB before); %v a form",
		n, passed, most, after.HeapAlloc>>10, before.HeapAlloc>>10, took/n)
}

// TestFormLimiterIPv6Prefix: addresses of one IPv6 /64, which one line
// is given whole, share one bucket, as an IPv4 address does with its
// ::ffff: form; the next /64 has its own.
func TestFormLimiterIPv6Prefix(t *testing.T) {
	cases := []struct {
		name, other string
		shared      bool
	}{
		{"another address of the /64", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
		{"the same address with a zone", "2001:db8:1:2::1%eth0", true},
		{"the next /64", "2001:db8:1:3::1", false},
	}
	t0 := time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fl := newFormLimiter(FormLimits{}, prometheus.NewRegistry())
			for i := range DefaultFormPerClient {
				if _, scope := fl.allow(fmt.Sprintf("2001:db8:1:2::%x", i+1), "POST /donate", t0); scope != "" {
					t.Fatalf("form %d refused (%s)", i+1, scope)
				}
			}
			_, scope := fl.allow(c.other, "POST /donate", t0)
			if got := scope == scopeClient; got != c.shared {
				t.Errorf("%s after %d forms from its /64: refused %v, want %v", c.other, DefaultFormPerClient, got, c.shared)
			}
		})
	}
	fl := newFormLimiter(FormLimits{}, prometheus.NewRegistry())
	for range DefaultFormPerClient {
		fl.allow("192.0.2.7", "POST /donate", t0)
	}
	if _, scope := fl.allow("::ffff:192.0.2.7", "POST /donate", t0); scope != scopeClient {
		t.Errorf("::ffff:192.0.2.7 after 10 forms from 192.0.2.7: %q, want refused", scope)
	}
}
