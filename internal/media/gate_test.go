package media

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// A 24-megapixel camera's photograph must still be accepted by the
// default limit; only its header is read for the check.
func TestDefaultPixelLimitFitsACamera(t *testing.T) {
	if _, _, err := sniff(pngHeader(6000, 4000), DefaultMaxPixels); errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("6000×4000 refused: %v", err)
	}
}

// TestUploadWaitsForADecodingSlot holds the store's only decoding slot and
// uploads: with a short wait the upload is refused with ErrBusy, with the
// request's context ended it gives up at once with the context's error,
// with no room in the queue it is refused without waiting, and once the
// slot is given back a waiting upload goes through. Nothing is stored by
// the refused ones.
func TestUploadWaitsForADecodingSlot(t *testing.T) {
	d := dbtest.SQLite(t)
	gate := NewGate(1, 1, 50*time.Millisecond)
	s, err := NewStore(d, mustDir(t, filepath.Join(t.TempDir(), "media")), Options{Gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	upload := func(ctx context.Context, w int) error {
		_, err := s.Upload(ctx, bytes.NewReader(jpegOf(t, w, 100)), "x.jpg", Meta{Alt: "x"}, tester)
		return err
	}
	leave, err := gate.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if err := upload(context.Background(), 200); !errors.Is(err, ErrBusy) {
		t.Errorf("slot held past the wait: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := upload(ctx, 201); !errors.Is(err, context.Canceled) {
		t.Errorf("request gone while waiting: %v, want context.Canceled", err)
	}

	// One upload waits (the queue holds one); a second finds the queue
	// full and is refused at once, though the wait has not run out.
	slow := NewGate(1, 1, time.Hour)
	s.opt.Gate = slow
	leave()
	leave, _ = slow.Enter(context.Background())
	waited := make(chan error, 1)
	go func() { waited <- upload(context.Background(), 202) }()
	if !testwait.For(5*time.Second, func() bool { return len(slow.waiting) == 1 }) {
		t.Fatal("the upload never started waiting")
	}
	if err := upload(context.Background(), 203); !errors.Is(err, ErrBusy) {
		t.Errorf("queue full: %v, want ErrBusy", err)
	}
	if _, total, _ := s.List(context.Background(), 1); total != 0 {
		t.Errorf("refused uploads stored %d images", total)
	}
	leave()
	if err := <-waited; err != nil {
		t.Errorf("the waiting upload, once the slot was free: %v", err)
	}
	if _, total, _ := s.List(context.Background(), 1); total != 1 {
		t.Errorf("%d images stored, want the one that waited", total)
	}
}
