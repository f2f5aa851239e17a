package account

import (
	"context"
	"errors"
	"time"
)

// ErrBusy is returned when too many password hashes are being computed
// at once: the caller should answer 503 with Retry-After at once rather
// than queue the request and its 64 MiB.
var ErrBusy = errors.New("account: too many password checks at once; try again shortly")

// HashSlots is how many argon2id computations may run at once given a
// memory budget for them (bytes), the cost of one (p.Memory KiB) and the
// cores: more than one per core only lengthens each, and more than the
// budget allows risks the process. At least one.
func HashSlots(budget int64, p HashParams, cores int) int {
	n := int(budget / (int64(p.Memory) * 1024))
	return max(1, min(n, cores))
}

// hashLimiter bounds concurrent hashing. slots holds a token per running
// hash; queue admits a few more to wait up to wait for a slot, so a
// short crowd of honest sign-ins is served, while a flood is refused at
// once. Waiting requests hold no hashing memory.
type hashLimiter struct {
	slots chan struct{}
	queue chan struct{}
	wait  time.Duration
}

func newHashLimiter(slots int, wait time.Duration) *hashLimiter {
	return &hashLimiter{slots: make(chan struct{}, slots), queue: make(chan struct{}, 2*slots), wait: wait}
}

// do runs fn when a slot is free, or returns ErrBusy.
func (l *hashLimiter) do(ctx context.Context, fn func()) error {
	select {
	case l.slots <- struct{}{}:
	default:
		select {
		case l.queue <- struct{}{}:
		default:
			return ErrBusy
		}
		t := time.NewTimer(l.wait)
		select {
		case l.slots <- struct{}{}:
			<-l.queue
			t.Stop()
		case <-t.C:
			<-l.queue
			return ErrBusy
		case <-ctx.Done():
			<-l.queue
			t.Stop()
			return ctx.Err()
		}
	}
	defer func() { <-l.slots }()
	fn()
	return nil
}

// Busy reports whether a password check started now would be refused
// with ErrBusy: every slot is taken and the queue is full. It lets a
// caller refuse a flood before doing any other work for it; the limit
// itself is kept by the check.
func (s *Service) Busy() bool {
	return len(s.hashes.slots) == cap(s.hashes.slots) && len(s.hashes.queue) == cap(s.hashes.queue)
}

// hash is hashPassword within the limit.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	var h string
	var err error
	if lerr := s.hashes.do(ctx, func() { h, err = hashPassword(pw, s.opt.Hash) }); lerr != nil {
		return "", lerr
	}
	return h, err
}

// verify is verifyPassword within the limit.
func (s *Service) verify(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	var err error
	if lerr := s.hashes.do(ctx, func() { ok, err = verifyPassword(pw, hash) }); lerr != nil {
		return false, lerr
	}
	return ok, err
}
