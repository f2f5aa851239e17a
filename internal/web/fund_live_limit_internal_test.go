package web

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestLiveStreamsIPv6Prefix: the /fund/live limit per client counts an
// IPv6 client by its /64 too, so one line cannot hold more streams by
// opening each from another of its addresses.
func TestLiveStreamsIPv6Prefix(t *testing.T) {
	ls := newLiveStreams(LiveLimits{PerClient: 2}, prometheus.NewRegistry())
	for _, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2::2"} {
		if _, ok := ls.enter(addr); !ok {
			t.Fatalf("%s refused", addr)
		}
	}
	if _, ok := ls.enter("2001:db8:1:2::3"); ok {
		t.Error("a third stream from one /64 let in, over a limit of 2")
	}
	release, ok := ls.enter("2001:db8:1:3::1")
	if !ok {
		t.Fatal("the next /64 refused")
	}
	release()
}
