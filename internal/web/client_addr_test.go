package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddressBehindProxies: the forwarding headers are believed from
// the trusted proxies only, read from the right, and never from anyone else.
func TestClientAddressBehindProxies(t *testing.T) {
	s := &Server{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("2001:db8:1::/48")}}
	for _, tc := range []struct {
		name, peer, xff, fwd, want string
	}{
		{"direct, no header", "198.51.100.7:5000", "", "", "198.51.100.7"},
		{"untrusted peer's header is its own claim", "198.51.100.7:5000", "192.0.2.1", "", "198.51.100.7"},
		{"untrusted peer's Forwarded too", "198.51.100.7:5000", "", "for=192.0.2.1", "198.51.100.7"},
		{"load balancer names the client", "10.1.2.3:80", "192.0.2.1", "", "192.0.2.1"},
		{"each client behind it is its own", "10.1.2.3:80", "192.0.2.2", "", "192.0.2.2"},
		{"a spoofed entry left of the real one is ignored", "10.1.2.3:80", "203.0.113.9, 192.0.2.1", "", "192.0.2.1"},
		{"two trusted proxies in a row", "10.1.2.3:80", "192.0.2.1, 10.9.9.9", "", "192.0.2.1"},
		{"trusted peer without header", "10.1.2.3:80", "", "", "10.1.2.3"},
		{"garbage hop stops the walk", "10.1.2.3:80", "192.0.2.1, not-an-ip", "", "10.1.2.3"},
		{"Forwarded wins over X-Forwarded-For", "10.1.2.3:80", "203.0.113.9", `for=192.0.2.1;proto=https, for="[2001:db8:1::5]:443"`, "192.0.2.1"},
		{"Forwarded IPv6 with port", "10.1.2.3:80", "", `for="[2001:db8:2::5]:4711"`, "2001:db8:2::5"},
		{"Forwarded unknown", "10.1.2.3:80", "", `for=unknown`, "10.1.2.3"},
		{"IPv6 proxy", "[2001:db8:1::1]:80", "192.0.2.1", "", "192.0.2.1"},
		{"mapped IPv4 peer", "[::ffff:10.1.2.3]:80", "192.0.2.1", "", "192.0.2.1"},
		{"all hops trusted: the leftmost", "10.1.2.3:80", "10.0.0.9", "", "10.0.0.9"},
	} {
		r := httptest.NewRequest("GET", "/signin", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if tc.fwd != "" {
			r.Header.Set("Forwarded", tc.fwd)
		}
		s.resolveClient(r)
		if got := clientIP(r); got != tc.want {
			t.Errorf("%s: peer %s X-Forwarded-For %q Forwarded %q: client %s, want %s", tc.name, tc.peer, tc.xff, tc.fwd, got, tc.want)
		}
	}
	// With no trusted proxies nothing is believed, loopback included.
	none := &Server{}
	r := httptest.NewRequest("GET", "/signin", nil)
	r.RemoteAddr = "127.0.0.1:80"
	r.Header.Set("X-Forwarded-For", "192.0.2.1")
	none.resolveClient(r)
	if got := clientIP(r); got != "127.0.0.1" {
		t.Errorf("no trusted proxies: client %s", got)
	}
}
