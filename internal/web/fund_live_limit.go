package web

import (
	"sync"

	"github.com/coopress/coopress/internal/account"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for LiveLimits.
const (
	// DefaultLivePerNode bounds open /fund/live streams on one node. Each
	// holds a connection, a small struct and a parked goroutine (a few KB
	// of memory, fund_live_hub.go), so this is some tens of MB at most, and
	// a node meant for more says so with --live-max.
	DefaultLivePerNode = 5000
	// DefaultLivePerClient bounds streams from one client address: a
	// reader with several tabs, or an office or a mobile network behind
	// one address, fits; one script opening thousands does not.
	DefaultLivePerClient = 32
)

// liveRetryAfter is the Retry-After, in seconds, sent with a refused
// stream. EventSource does not retry a 503 itself; the page keeps its
// printed figures, and a script that honours the header tries later.
const liveRetryAfter = "60"

// LiveLimits caps the fund box's event streams, per node and per client
// address; zero values take the defaults.
type LiveLimits struct {
	PerNode, PerClient int
}

// WithDefaults fills zero limits with the defaults.
func (l LiveLimits) WithDefaults() LiveLimits {
	if l.PerNode <= 0 {
		l.PerNode = DefaultLivePerNode
	}
	if l.PerClient <= 0 {
		l.PerClient = DefaultLivePerClient
	}
	return l
}

// liveStreams counts open streams, in all and by client address, and
// holds the hub that writes to them.
type liveStreams struct {
	limits LiveLimits
	open   prometheus.Gauge
	hub    *liveHub

	mu       sync.Mutex
	total    int
	byClient map[string]int
}

func newLiveStreams(l LiveLimits, reg *prometheus.Registry) *liveStreams {
	ls := &liveStreams{limits: l.WithDefaults(), byClient: map[string]int{}, hub: newLiveHub(),
		open: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "coopress_fund_live_streams", Help: "Open /fund/live event streams on this node.",
		})}
	// How long the box's changes take to reach every stream: issue 9's
	// target is a second for all of a node's streams, gift to screen.
	fanouts := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "coopress_fund_live_fanout_seconds",
		Help:    "Time to write one change of the fund box to every /fund/live stream on this node.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	})
	ls.hub.fanouts = fanouts
	reg.MustRegister(ls.open, fanouts)
	return ls
}

// enter admits one more stream from client, or reports false when the
// node or that client is at its cap; release must be called once the
// stream ends.
func (ls *liveStreams) enter(client string) (release func(), ok bool) {
	client = account.AddressBlock(client) // an IPv6 client by its /64
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.total >= ls.limits.PerNode || ls.byClient[client] >= ls.limits.PerClient {
		return nil, false
	}
	ls.total++
	ls.byClient[client]++
	ls.open.Inc()
	return func() {
		ls.mu.Lock()
		defer ls.mu.Unlock()
		ls.total--
		ls.open.Dec()
		// Forget an address with no stream left, so the map holds only
		// the clients connected now.
		if ls.byClient[client]--; ls.byClient[client] <= 0 {
			delete(ls.byClient, client)
		}
	}, true
}
