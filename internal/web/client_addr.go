package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address rate limits and the audit log record: the
// peer's, or the client's as a trusted proxy reported it (resolveClient
// has already put it in RemoteAddr).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// resolveClient replaces the request's RemoteAddr with the client's
// address when the peer is a trusted proxy. The forwarding headers are
// read from the right: each trusted proxy appends the address it heard
// from, so the first address from the right that is not a trusted proxy is
// the client; anything left of it is whatever the client chose to send.
// From any other peer the headers are the client's own claim and ignored,
// so that nobody can pick the address their failures count against.
func (s *Server) resolveClient(r *http.Request) {
	if len(s.trustedProxies) == 0 {
		return
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !s.trusted(peer.Addr()) {
		return
	}
	hops := forwardedFor(r.Header)
	client := peer.Addr()
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // an unknown or garbled hop: the last good one is all we know
		}
		client = a
		if !s.trusted(a) {
			break
		}
	}
	if client != peer.Addr() {
		r.RemoteAddr = netip.AddrPortFrom(client, 0).String()
	}
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the hops a request passed, client first: the for=
// parameters of RFC 7239's Forwarded header when there is one, else the
// entries of X-Forwarded-For. Repeated header lines count as one list.
func forwardedFor(h http.Header) []string {
	var hops []string
	if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		for _, elem := range strings.Split(strings.Join(fwd, ","), ",") {
			found := ""
			for _, pair := range strings.Split(elem, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					found = strings.Trim(v, `"`)
				}
			}
			hops = append(hops, found) // an element without for= is an unknown hop
		}
		return hops
	}
	for _, v := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	return hops
}

// parseHop reads one hop: an IPv4 or IPv6 address, possibly bracketed and
// with a port (Forwarded writes "[2001:db8::1]:4711"). "unknown" and
// obfuscated names ("_hidden") are not addresses.
func parseHop(hop string) (netip.Addr, bool) {
	hop = strings.TrimSpace(hop)
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(hop, "["), "]"))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
