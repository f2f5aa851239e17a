package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/coopress/coopress/internal/fund"
)

// liveMaxDuration ends each event stream after a while; the browser's
// EventSource reconnects on its own, which spreads long-lived connections
// evenly across nodes after a deploy.
const liveMaxDuration = 10 * time.Minute

// fundLiveEvent is the JSON a browser receives after each gift.
type fundLiveEvent struct {
	Raised  string `json:"raised"`
	Needed  string `json:"needed"`
	Days    int    `json:"days"`
	Percent int    `json:"percent"`
	Reached bool   `json:"reached"`
}

// fundLive streams the box's figures as server-sent events, so the box on an
// open page updates within a second of a gift while the page itself stays
// cacheable. Pages work without it, so when the node or the client's
// address has as many streams open as its limits allow (LiveLimits) it
// answers 503 with Retry-After rather than hold one more connection.
//
// A node holds tens of thousands of these, so an HTTP/1 stream is taken
// over from net/http once admitted and handed to the hub (fund_live_hub.go),
// which writes every stream from a few goroutines; other requests (HTTP/2,
// a writer that cannot be taken over) keep a goroutine each (fundLiveServe).
func (s *Server) fundLive(w http.ResponseWriter, r *http.Request) {
	if s.fund == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	release, ok := s.live.enter(clientIP(r))
	if !ok {
		h.Set("Retry-After", liveRetryAfter)
		h.Set("Cache-Control", "no-store")
		http.Error(w, "Too many live updates open; the page's figures still stand. Try again later.", http.StatusServiceUnavailable)
		return
	}
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// nginx and some CDNs buffer responses unless told not to.
	h.Set("X-Accel-Buffering", "no")
	if r.Method == http.MethodGet && r.ProtoMajor == 1 && s.fundLiveHand(w, r, release) {
		return
	}
	defer release()
	s.fundLiveServe(w, r)
}

// fundLiveHand takes the connection over from net/http and gives it to the
// hub, reporting false (with nothing written) when it cannot be taken
// over. From then on the stream is the hub's, release included.
func (s *Server) fundLiveHand(w http.ResponseWriter, r *http.Request, release func()) bool {
	// The headers, with those the middleware set, are written here by
	// hand: net/http would frame the body in chunks, and no longer frames
	// anything once the connection is taken. Without a length or chunks
	// the body runs until the connection closes, as a stream does.
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	_ = w.Header().Write(&head)
	head.WriteString("Connection: close\r\n\r\nretry: 3000\n\n")
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	// The request had no body and a reader sends nothing more, so what
	// net/http buffered is dropped with its buffers.
	hub := s.live.hub
	c := &liveConn{conn: conn, raw: liveRaw(conn), release: release}
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok {
		c.srv = srv
		hub.hook(srv)
	}
	c.mu.Lock()
	first, ok := hub.add(c, s.fund, s.now())
	if !ok {
		c.mu.Unlock()
		_ = conn.Close()
		release()
		return true
	}
	c.writeLocked(append(head.Bytes(), first...), hub.writeTimeout)
	c.mu.Unlock()
	go hub.watch(c)
	return true
}

// fundLiveServe is the stream on a connection net/http keeps: a goroutine,
// a subscription and timers of its own.
func (s *Server) fundLiveServe(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	updates, stop := s.fund.Subscribe()
	defer stop()
	send := func(b fund.Box) error {
		data, err := json.Marshal(fundLiveEvent{Raised: b.RaisedText, Needed: b.StillNeededText, Days: b.DaysRemaining, Percent: b.Percent, Reached: b.Reached})
		if err != nil {
			return err
		}
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(w, "event: fund\ndata: %s\n\n", data); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return
	}
	if s.fund.Loaded() {
		if send(s.fund.Box(s.now())) != nil {
			return
		}
	}
	keepalive := time.NewTicker(liveKeepalive)
	defer keepalive.Stop()
	end := time.NewTimer(liveMaxDuration)
	defer end.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-end.C:
			return
		case b, ok := <-updates:
			if !ok || send(b) != nil {
				return
			}
		case <-keepalive.C:
			_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := w.Write(liveKeepaliveLine); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
