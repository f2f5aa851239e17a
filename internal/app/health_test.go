package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// migratedDir makes a migrated SQLite database in a new directory.
func migratedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := &Config{DataDir: dir}
	d, err := OpenDB(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	return dir
}

func TestReadiness(t *testing.T) {
	ctx := context.Background()
	good := migratedDir(t)
	damaged := migratedDir(t)
	dbtest.CorruptTable(t, damaged, "articles")
	for _, tc := range []struct {
		name, dir string
		minFree   uint64
		want      string // in the error; empty for ready
	}{
		{"good", good, minFreeDisk, ""},
		{"damaged table", damaged, minFreeDisk, "not a readable SQLite database"},
		// A disk with less free space than the minimum, made by raising
		// the minimum above any disk's size.
		{"full disk", good, math.MaxUint64, "MB free in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// db.Open, not serve's openChecked: this is a file that went
			// bad while the node was running.
			d, err := db.Open(ctx, "", tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			r := newReadiness(d, &Config{DataDir: tc.dir})
			r.minFree = tc.minFree
			err = r.Ready(ctx)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("not ready: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Ready = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestServeRefusesADamagedDatabase(t *testing.T) {
	dir := migratedDir(t)
	dbtest.CorruptTable(t, dir, "articles")
	cfg := Config{DataDir: dir, Addr: "127.0.0.1:0"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	select {
	case addr := <-ready:
		cancel()
		<-done
		t.Fatalf("serve started on %s with a damaged database", addr)
	case err := <-done:
		if !errors.Is(err, db.ErrCorrupt) || !strings.Contains(err.Error(), "coopress restore") {
			t.Fatalf("serve: %v; want ErrCorrupt and a message naming coopress restore", err)
		}
		t.Logf("serve refused: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve neither started nor refused")
	}
}
