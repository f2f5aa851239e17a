package media

import (
	"context"
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"time"
)

// ErrBusy is returned by Upload (and Gate.Enter) when every decoding slot
// is taken and the upload could not get one soon enough: the caller should
// ask for the upload again later (HTTP 503 with Retry-After).
var ErrBusy = errors.New("media: too many images being processed; try again shortly")

// Defaults for a store's own Gate.
const (
	// DefaultDecodeWait is how long an upload waits for a decoding slot
	// before it is refused with ErrBusy: long enough to ride out a burst,
	// short enough that a person is told to retry rather than left
	// staring at a spinner.
	DefaultDecodeWait = 15 * time.Second
	// bytesPerPixel is what one upload allocates per pixel of its
	// original, decode, resizing and encoding together: 26 for a 3000×2000
	// JPEG and 29 for the same PNG (runtime.MemStats.TotalAlloc around
	// Upload). Not all of it is live at once, so sizing by it errs on the
	// safe side.
	bytesPerPixel = 28
)

// Gate bounds how many images are decoded at once and how many uploads
// may wait for a turn. Decoding is what costs memory (up to 28 bytes per
// pixel allocated, about 700 MB for a 25-megapixel image), so the gate, not
// the request count, is what keeps a burst of uploads from exhausting the
// machine. One gate may be shared by several stores.
type Gate struct {
	slots   chan struct{} // a token per decode in progress
	waiting chan struct{} // a token per upload waiting for a slot
	wait    time.Duration
}

// NewGate allows parallel decodes at once, queue more uploads waiting for
// at most wait each; anything beyond that is refused with ErrBusy.
func NewGate(parallel, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(parallel, 1)), waiting: make(chan struct{}, max(queue, 0)), wait: wait}
}

// DefaultParallelFor sizes a gate for images of up to maxPixels: one
// decode per core, and no more than half the Go memory limit (GOMEMLIMIT)
// spent on decoding when one is set; never less than one.
func DefaultParallelFor(maxPixels int64) int {
	n := runtime.GOMAXPROCS(0)
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 && maxPixels > 0 {
		n = min(n, int(limit/2/(maxPixels*bytesPerPixel)))
	}
	return max(n, 1)
}

// Enter takes a decoding slot, waiting while ctx lasts and the gate's wait
// has not run out; leave gives it back. With the queue full, or the wait
// over, it returns ErrBusy; with ctx ended, ctx's error.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	leave = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	default:
	}
	select {
	case g.waiting <- struct{}{}:
		defer func() { <-g.waiting }()
	default:
		return nil, ErrBusy
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	case <-timer.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Waiting is how many uploads are waiting for a decoding slot now: a
// gauge for monitoring, and a condition for tests to wait on.
func (g *Gate) Waiting() int { return len(g.waiting) }

// Room is how many more uploads may wait for a slot before ErrBusy.
func (g *Gate) Room() int { return cap(g.waiting) - len(g.waiting) }

// Gate is the store's decoding gate, for other work that decodes images in
// the same process to share, and for tests to hold.
func (s *Store) Gate() *Gate { return s.opt.Gate }
