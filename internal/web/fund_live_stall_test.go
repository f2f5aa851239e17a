//go:build unix

package web_test

import (
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestFundLiveStalledReaderDropped: a reader that stops reading, with a
// small receive buffer, is dropped once the server's buffers for it fill,
// and never holds up the streams that do read.
func TestFundLiveStalledReaderDropped(t *testing.T) {
	const readers = 10
	h := newHarness(t, dbtest.SQLite(t), withFixedFund())
	addr := strings.TrimPrefix(h.http.URL, "http://")
	small := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	stalled, _ := rawLive(t, addr, small.Dial)
	got := make(chan string, readers)
	for range readers {
		_, br := rawLive(t, addr, net.Dial)
		go dataLines(br, got)
	}
	if !testwait.For(5*time.Second, func() bool { return web.LiveOpen(h.srv) == readers+1 }) {
		t.Fatalf("%d streams open, want %d", web.LiveOpen(h.srv), readers+1)
	}
	for range readers { // the first events
		<-got
	}
	// Events of 4 KB fill the stalled reader's buffers in some tens of
	// them; each must still reach every reader at once.
	pad := strings.Repeat("x", 4096)
	var slowest time.Duration
	for seq := 1; web.LiveOpen(h.srv) > readers; seq++ {
		if seq > 5000 {
			t.Fatal("the stalled reader was never dropped")
		}
		start := time.Now()
		web.LiveBroadcast(h.srv, fmt.Appendf(nil, "event: test\ndata: %d %s\n\n", seq, pad))
		for i := range readers {
			select {
			case ev := <-got:
				if !strings.HasPrefix(ev, fmt.Sprint(seq, " ")) {
					t.Fatalf("event %d: reader got %.20q", seq, ev)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("event %d reached %d of %d readers within 5 s", seq, i, readers)
			}
		}
		slowest = max(slowest, time.Since(start))
	}
	// The bound: far below any wait on the stalled reader.
	if slowest > 2*time.Second {
		t.Errorf("an event took %s to reach every reader", slowest)
	}
	// The server closed the stalled connection: what was buffered drains
	// and then it ends.
	_ = stalled.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, stalled); err != nil && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("stalled stream after being dropped: %v", err)
	}
}
