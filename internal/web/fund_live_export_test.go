package web

import "time"

// LiveBroadcast writes msg to every stream s has handed to its hub, as a
// change of the box does, and returns once each has taken it or been
// dropped.
func LiveBroadcast(s *Server, msg []byte) {
	h := s.live.hub
	h.mu.Lock()
	conns := h.snapshotLocked()
	h.mu.Unlock()
	h.fanOut(conns, msg)
}

// LiveOpen counts the streams holding a place in s's LiveLimits: a stream
// gives its place back only once it has ended.
func LiveOpen(s *Server) int {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	return s.live.total
}

// SetLiveTimings shortens the keepalive interval and a stream's life; call
// it before the first stream opens.
func SetLiveTimings(s *Server, keepalive, maxDuration time.Duration) {
	s.live.hub.keepalive, s.live.hub.maxDuration = keepalive, maxDuration
}
