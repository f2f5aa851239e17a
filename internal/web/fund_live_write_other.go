//go:build !unix

package web

import (
	"net"
	"syscall"
)

// liveRaw reports no socket to write without waiting: elsewhere than Unix
// streams are written with a deadline (liveWriteTimeout).
func liveRaw(net.Conn) syscall.RawConn { return nil }

// writeNow is never called where liveRaw returns nil.
func writeNow(syscall.RawConn, []byte) bool { return false }
