package web

import (
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
	defer release()
	rc := http.NewResponseController(w)
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// nginx and some CDNs buffer responses unless told not to.
	h.Set("X-Accel-Buffering", "no")
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
	keepalive := time.NewTicker(25 * time.Second)
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
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
