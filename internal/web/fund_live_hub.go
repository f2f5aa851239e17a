package web

import (
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coopress/coopress/internal/fund"
)

// Defaults for liveHub's timings.
const (
	// liveKeepalive is how often an idle stream gets a comment line, so
	// that proxies do not close it and a vanished reader is found.
	liveKeepalive = 25 * time.Second
	// liveWriteTimeout bounds one write to a stream that is not a plain
	// socket (fund_live_write.go): an event is about a hundred bytes, so
	// a write blocks only once the kernel's buffers for that reader (tens
	// of KB at least) are full: the reader has stopped, and is dropped
	// rather than waited for. Plain sockets are written without waiting
	// at all.
	liveWriteTimeout = time.Second
	// liveWriters is how many streams are written at once in a fan-out.
	// A write to a plain socket never waits, so more writers than cores
	// gain nothing there; elsewhere a stalled reader holds one writer for
	// at most liveWriteTimeout while the others carry on.
	liveWriters = 32
)

// liveKeepaliveLine is an SSE comment: EventSource ignores it.
var liveKeepaliveLine = []byte(": keepalive\n\n")

// liveHub holds every /fund/live stream whose connection has been taken
// over from net/http (fund_live.go) and writes each change of the box to
// all of them. A stream costs a connection, a small struct, a timer and one
// parked goroutine that notices the reader leaving; there is one
// subscription to the fund, one keepalive ticker and one JSON encoding per
// change for the whole node. net/http's per-connection buffers and its
// goroutine (whose stack the old per-stream loop grew) are released when
// the handler returns.
type liveHub struct {
	// Timings, the constants above; tests shorten them.
	keepalive, writeTimeout, maxDuration time.Duration
	writers                              int

	mu    sync.Mutex
	conns []*liveConn
	// running is true while a subscription and the loop in run are live;
	// they start with the first stream and stop at a keepalive tick that
	// finds none.
	running bool
	// last is the latest event and msg its bytes, encoded once and shared
	// by every stream.
	last fundLiveEvent
	msg  []byte
	// fanouts times each change's fan-out (nil: not timed).
	fanouts prometheus.Observer
	// Servers whose Shutdown will close their streams, and those already
	// shut down, which get no new stream.
	hooked, shut map[*http.Server]bool
}

func newLiveHub() *liveHub {
	return &liveHub{keepalive: liveKeepalive, writeTimeout: liveWriteTimeout, maxDuration: liveMaxDuration,
		writers: liveWriters, hooked: map[*http.Server]bool{}, shut: map[*http.Server]bool{}}
}

// liveConn is one stream on a taken-over connection.
type liveConn struct {
	conn net.Conn
	// raw is the socket under conn, written without waiting; nil when
	// conn is not one (liveRaw).
	raw     syscall.RawConn
	srv     *http.Server // nil when the request came without one
	release func()       // frees the stream's place in LiveLimits
	// mu orders writes, so a stream's first event never arrives after an
	// update written by a fan-out that began meanwhile.
	mu     sync.Mutex
	idx    int // position in liveHub.conns, under liveHub.mu; -1 once out
	end    *time.Timer
	closed atomic.Bool
}

// write sends b, or closes a stream that cannot take it at once (within
// the write timeout where it cannot be written without waiting): a stalled
// reader is dropped, not waited for.
func (c *liveConn) write(b []byte, timeout time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeLocked(b, timeout)
}

func (c *liveConn) writeLocked(b []byte, timeout time.Duration) {
	if c.closed.Load() {
		return
	}
	if c.raw != nil {
		if !writeNow(c.raw, b) {
			c.close()
		}
		return
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := c.conn.Write(b); err != nil {
		c.close()
	}
}

// close ends the stream; watch then takes it out of the hub.
func (c *liveConn) close() {
	if c.closed.CompareAndSwap(false, true) {
		_ = c.conn.Close()
	}
}

// add puts c in the hub and returns the event it must be sent first (nil
// while the fund has no figures), or false when c's server is shutting
// down. The caller holds c.mu until that event is written.
func (h *liveHub) add(c *liveConn, src FundSource, now time.Time) (first []byte, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.srv != nil && h.shut[c.srv] {
		return nil, false
	}
	if !h.running {
		// Subscribed before the first box is read, so no change falls
		// between the two.
		updates, stop := src.Subscribe()
		h.running = true
		go h.run(updates, stop)
	}
	c.idx = len(h.conns)
	h.conns = append(h.conns, c)
	c.end = time.AfterFunc(h.maxDuration, c.close)
	if src.Loaded() {
		// Computed now rather than taken from the last change, so a stream
		// opened on a later day counts the days remaining afresh.
		return h.eventLocked(src.Box(now)), true
	}
	return nil, true
}

// eventLocked returns the SSE bytes for b, encoding them only when the
// figures differ from the last ones.
func (h *liveHub) eventLocked(b fund.Box) []byte {
	ev := fundLiveEvent{Raised: b.RaisedText, Needed: b.StillNeededText, Days: b.DaysRemaining, Percent: b.Percent, Reached: b.Reached}
	if h.msg != nil && ev == h.last {
		return h.msg
	}
	data, err := json.Marshal(ev)
	if err != nil {
		panic(err) // strings, ints and a bool always encode
	}
	h.last = ev
	h.msg = append(append([]byte("event: fund\ndata: "), data...), "\n\n"...)
	return h.msg
}

// watch waits for the reader to leave (or for close), then takes the
// stream out. A reader has nothing to send on a stream, so any byte from it
// ends the stream too. The goroutine is parked in the network poller, with
// a small stack, for the stream's life.
func (h *liveHub) watch(c *liveConn) {
	var b [1]byte
	_, _ = c.conn.Read(b[:])
	c.close()
	c.end.Stop()
	h.mu.Lock()
	if i := c.idx; i >= 0 {
		last := h.conns[len(h.conns)-1]
		h.conns[i], last.idx = last, i
		h.conns[len(h.conns)-1] = nil
		h.conns = h.conns[:len(h.conns)-1]
		c.idx = -1
	}
	h.mu.Unlock()
	c.release()
}

// run fans each new box out to every stream, and keepalives between them,
// until a keepalive finds no stream left. While a fan-out runs, further
// changes wait in the subscription, which keeps only the latest: a slow
// fan-out never sends figures that are already out of date.
func (h *liveHub) run(updates <-chan fund.Box, stop func()) {
	tick := time.NewTicker(h.keepalive)
	defer tick.Stop()
	for {
		select {
		case b, ok := <-updates:
			if !ok {
				return
			}
			h.mu.Lock()
			msg := h.eventLocked(b)
			conns := h.snapshotLocked()
			h.mu.Unlock()
			start := time.Now()
			h.fanOut(conns, msg)
			if h.fanouts != nil {
				h.fanouts.Observe(time.Since(start).Seconds())
			}
		case <-tick.C:
			h.mu.Lock()
			if len(h.conns) == 0 {
				h.running = false
				h.mu.Unlock()
				stop()
				return
			}
			conns := h.snapshotLocked()
			h.mu.Unlock()
			h.fanOut(conns, liveKeepaliveLine)
		}
	}
}

// snapshotLocked copies the stream list, so a fan-out runs without the
// lock while streams come and go.
func (h *liveHub) snapshotLocked() []*liveConn {
	return append([]*liveConn(nil), h.conns...)
}

// fanOut writes msg to every stream, h.writers at a time, and returns when
// each has taken it or been dropped.
func (h *liveHub) fanOut(conns []*liveConn, msg []byte) {
	var next atomic.Int64
	var wg sync.WaitGroup
	// Each writer takes the next stream in turn, one at a time, so that a
	// stalled reader holds up no stream queued behind it.
	for range min(h.writers, len(conns)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(conns); i = int(next.Add(1)) - 1 {
				conns[i].write(msg, h.writeTimeout)
			}
		})
	}
	wg.Wait()
}

// hook makes srv's Shutdown close srv's streams: net/http forgets a
// connection once it is taken over, so it would neither wait for nor close
// them, and the browsers would keep a stream to a node that has gone.
func (h *liveHub) hook(srv *http.Server) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hooked[srv] {
		return
	}
	h.hooked[srv] = true
	srv.RegisterOnShutdown(func() { h.shutdown(srv) })
}

// shutdown closes every stream of srv and refuses it new ones.
func (h *liveHub) shutdown(srv *http.Server) {
	h.mu.Lock()
	h.shut[srv] = true
	var mine []*liveConn
	for _, c := range h.conns {
		if c.srv == srv {
			mine = append(mine, c)
		}
	}
	h.mu.Unlock()
	for _, c := range mine {
		c.close()
	}
}
