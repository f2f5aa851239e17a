package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/testservers"
)

// cancelOnWrite is stderr that cancels the command's context at its first
// progress line, as Ctrl-C would in the middle of a copy.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte(" of ")) {
		w.cancel()
	}
	return w.buf.Write(p)
}

// TestMediaCopyToABucket moves a library from the data directory into an
// S3 bucket (versitygw on loopback): an interrupted copy leaves whole
// files and a second run finishes it; every file is checked; media check
// then finds every image's files in the bucket, and names one that goes
// missing.
func TestMediaCopyToABucket(t *testing.T) {
	srv := testservers.StartS3(t)
	srv.Bucket(t, "paper")
	t.Setenv("COOPRESS_S3_ENDPOINT", srv.Endpoint())
	t.Setenv("COOPRESS_S3_ACCESS_KEY", srv.AccessKey)
	t.Setenv("COOPRESS_S3_SECRET_KEY", srv.SecretKey)
	dir := t.TempDir()
	d := siteIn(t, dir)
	blobs, err := media.NewDirBlobs(filepath.Join(dir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := media.NewStore(d, blobs, media.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []int{900, 1300} {
		img := image.NewRGBA(image.Rect(0, 0, w, 500))
		for x := range w {
			img.Set(x, i*7, color.RGBA{uint8(x), 0, 0, 255})
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Upload(context.Background(), &buf, "pic.jpg", media.Meta{Alt: "A picture"}, account.Actor{Name: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &cancelOnWrite{cancel: cancel}
	var out bytes.Buffer
	code := run(ctx, []string{"media", "copy", "--data", dir, "--to", "s3://paper/images"}, &out, stderr)
	if code != 1 || !strings.Contains(stderr.buf.String(), "run the same command again to finish") {
		t.Fatalf("interrupted copy: exit %d, stderr %q", code, stderr.buf.String())
	}

	code, stdout, errOut := cli("media", "copy", "--data", dir, "--to", "s3://paper/images")
	if code != 0 || !strings.Contains(stdout, "every one read back and identical") || strings.Contains(stdout, "(0 new") {
		t.Fatalf("copy: exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, want := range []string{"copied", "checked", "(100%)", "0 left"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("progress lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut+stdout, srv.SecretKey) {
		t.Errorf("the secret key was printed")
	}
	code, stdout, _ = cli("media", "copy", "--data", dir, "--to", "s3://paper/images")
	if code != 0 || !strings.Contains(stdout, "(0 new, ") {
		t.Errorf("second copy: exit %d %q, want nothing new", code, stdout)
	}
	code, stdout, errOut = cli("media", "check", "--data", dir, "--media-url", "s3://paper/images")
	if code != 0 || !strings.Contains(stdout, "checked 2 images") {
		t.Fatalf("check: exit %d %q %q", code, stdout, errOut)
	}
	bucket, err := media.NewS3Blobs(context.Background(), media.S3Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}, "paper", "images/")
	if err != nil {
		t.Fatal(err)
	}
	var victim string
	if err := bucket.Walk(context.Background(), func(n string, _ int64) error { victim = n; return nil }); err != nil || victim == "" {
		t.Fatalf("walk the bucket: %v", err)
	}
	if err := bucket.Delete(context.Background(), victim); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cli("media", "check", "--data", dir, "--media-url", "s3://paper/images")
	if code != 1 || !strings.Contains(errOut, victim) {
		t.Errorf("check with %s gone: exit %d %q", victim, code, errOut)
	}
	for _, args := range [][]string{{"--to", ""}, {"--to", "relative/dir"}, {"--to", filepath.Join(dir, "media")}} {
		if code, _, errOut := cli(append([]string{"media", "copy", "--data", dir}, args...)...); code != 1 || errOut == "" {
			t.Errorf("copy %v: exit %d %q", args, code, errOut)
		}
	}
}
