package web

import (
	"container/list"
	"sync"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for FormLimits.
const (
	// DefaultFormPerClient is how many limited forms one client address
	// may send at once, and then one more each Window/PerClient: a
	// person who mistypes a few times, or a household giving and joining
	// at one sitting, fits; a script filling the tables does not.
	DefaultFormPerClient = 10
	// DefaultFormAll is the same for every address together, on one
	// node: one a second on average, with room for a burst of 600, well
	// under the 100 requests a second Stripe allows a live account, so
	// that addresses without number cannot burn its quota either.
	DefaultFormAll = 600
	// DefaultFormWindow is the time in which the limits' bursts refill.
	DefaultFormWindow = 10 * time.Minute
)

// FormLimits bound the public forms that store rows or call Stripe
// (routes.go marks them with limited): per client address and for all
// addresses together, each a burst that refills evenly over Window.
// Zero values take the defaults.
type FormLimits struct {
	PerClient, All int
	Window         time.Duration
}

// WithDefaults fills zero limits with the defaults.
func (l FormLimits) WithDefaults() FormLimits {
	if l.PerClient <= 0 {
		l.PerClient = DefaultFormPerClient
	}
	if l.All <= 0 {
		l.All = DefaultFormAll
	}
	if l.Window <= 0 {
		l.Window = DefaultFormWindow
	}
	return l
}

// Scopes of a refusal, for the metric and the message.
const (
	scopeClient = "client"
	scopeAll    = "all"
)

// formLimiter keeps a token bucket per client address and one for all,
// in memory on this node. Each bucket is held as the time it would next
// be full (the generic cell rate algorithm), so the arithmetic is in
// whole durations and a test clock gives exact waits.
//
// Memory is bounded by the limit on all addresses: a client's entry is
// made only when a form of theirs is let through, and is forgotten once
// its bucket is full again, at most Window after that, so the table
// never holds more addresses than were let through in the last Window,
// which is at most 2×All however many addresses a flood comes from.
type formLimiter struct {
	limits   FormLimits
	interval time.Duration // the refill time of one form, per client
	allEvery time.Duration // the same for all clients
	refused  *prometheus.CounterVec

	mu      sync.Mutex
	allFull time.Time                // when the all-clients bucket is full
	clients map[string]*list.Element // of *clientBucket
	byLast  list.List                // *clientBucket, least recently let through first
}

// clientBucket is one address's bucket: full at full; last is when a
// form of theirs was last let through.
type clientBucket struct {
	addr       string
	full, last time.Time
}

func newFormLimiter(l FormLimits, reg *prometheus.Registry) *formLimiter {
	l = l.WithDefaults()
	fl := &formLimiter{limits: l, clients: map[string]*list.Element{},
		interval: l.Window / time.Duration(l.PerClient), allEvery: l.Window / time.Duration(l.All),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coopress_form_limited_total",
			Help: "Public form submissions refused by the form limit, by route pattern and by limit (client or all).",
		}, []string{"route", "scope"})}
	reg.MustRegister(fl.refused)
	return fl
}

// allow takes one form from addr at now, or reports how long to wait and
// which limit refused it. A refused form takes nothing from either
// bucket, so waiting out the answer is always enough.
func (fl *formLimiter) allow(addr, route string, now time.Time) (wait time.Duration, scope string) {
	addr = account.AddressBlock(addr) // an IPv6 client by its /64
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.forget(now)
	var b *clientBucket
	if e, ok := fl.clients[addr]; ok {
		b = e.Value.(*clientBucket)
	}
	clientFull := now
	if b != nil && b.full.After(now) {
		clientFull = b.full
	}
	allFull := now
	if fl.allFull.After(now) {
		allFull = fl.allFull
	}
	// A bucket has room while taking one more leaves it full no later
	// than Window from now.
	if w := clientFull.Add(fl.interval).Sub(now.Add(fl.limits.Window)); w > 0 {
		fl.refused.WithLabelValues(route, scopeClient).Inc()
		return w, scopeClient
	}
	if w := allFull.Add(fl.allEvery).Sub(now.Add(fl.limits.Window)); w > 0 {
		fl.refused.WithLabelValues(route, scopeAll).Inc()
		return w, scopeAll
	}
	fl.allFull = allFull.Add(fl.allEvery)
	if b == nil {
		b = &clientBucket{addr: addr}
		fl.clients[addr] = fl.byLast.PushBack(b)
	} else {
		fl.byLast.MoveToBack(fl.clients[addr])
	}
	b.full, b.last = clientFull.Add(fl.interval), now
	return 0, ""
}

// forget drops the entries whose buckets are full again: those last let
// through at least Window ago, which are at the front of byLast.
func (fl *formLimiter) forget(now time.Time) {
	for e := fl.byLast.Front(); e != nil; e = fl.byLast.Front() {
		b := e.Value.(*clientBucket)
		if now.Sub(b.last) < fl.limits.Window && b.full.After(now) {
			return
		}
		fl.byLast.Remove(e)
		delete(fl.clients, b.addr)
	}
}

// size is how many addresses the limiter holds, for the tests.
func (fl *formLimiter) size() int {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return len(fl.clients)
}
