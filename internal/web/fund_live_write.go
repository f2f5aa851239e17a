//go:build unix

package web

import (
	"errors"
	"net"
	"syscall"
)

// liveRaw returns the socket under conn, for writeNow, or nil when conn
// is not a plain socket.
func liveRaw(conn net.Conn) syscall.RawConn {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// writeNow writes all of b to the socket if its buffer has room, and
// otherwise reports false at once instead of waiting for the reader. A
// stream's events are a hundred bytes or so, so a full buffer means the
// reader has not read for a long time: waiting for it, even with a short
// deadline, would cost a writer and a timer per write and hold up the
// streams behind it. A write cut short leaves half an event on the
// stream, so false means the stream must be closed.
func writeNow(raw syscall.RawConn, b []byte) bool {
	ok := false
	err := raw.Write(func(fd uintptr) bool {
		for len(b) > 0 {
			n, err := syscall.Write(int(fd), b)
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if err != nil || n <= 0 {
				return true // EAGAIN (full) or a broken connection
			}
			b = b[n:]
		}
		ok = true
		return true
	})
	return err == nil && ok
}
