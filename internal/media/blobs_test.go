package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testservers"
)

// blobStores are the stores every contract test runs on: a directory,
// and a bucket of a real S3-compatible server (versitygw on loopback)
// under two prefixes, to show that a prefix keeps its objects apart.
func blobStores(t *testing.T) map[string]func(t *testing.T) Blobs {
	return map[string]func(t *testing.T) Blobs{
		"dir": func(t *testing.T) Blobs { return mustDir(t, filepath.Join(t.TempDir(), "media")) },
		"s3": func(t *testing.T) Blobs {
			srv := testservers.StartS3(t)
			cfg := S3Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
			b, err := NewS3Blobs(context.Background(), cfg, srv.Bucket(t, "paper"), "images/")
			if err != nil {
				t.Fatal(err)
			}
			other, err := NewS3Blobs(context.Background(), cfg, "paper", "other/")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := other.Put(context.Background(), "ab/not-ours.jpg", []byte("x")); err != nil {
				t.Fatal(err)
			}
			return b
		},
	}
}

// TestBlobsContract: what the image library relies on, on both stores.
func TestBlobsContract(t *testing.T) {
	for name, open := range blobStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			b := open(t)
			data := bytes.Repeat([]byte("rendition "), 1000)
			if wrote, err := b.Put(ctx, "3f/3f2a-960.jpg", data); err != nil || !wrote {
				t.Fatalf("first put: %v %v", wrote, err)
			}
			if wrote, err := b.Put(ctx, "3f/3f2a-960.jpg", []byte("other bytes")); err != nil || wrote {
				t.Fatalf("second put of the same name: wrote %v, %v; want left alone", wrote, err)
			}
			obj, err := b.Open(ctx, "3f/3f2a-960.jpg")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(obj)
			if err != nil || !bytes.Equal(got, data) || obj.Size() != int64(len(data)) || obj.ModTime().IsZero() {
				t.Errorf("read back %d bytes (%v), size %d, modified %v", len(got), err, obj.Size(), obj.ModTime())
			}
			if _, err := obj.Seek(-10, io.SeekEnd); err != nil {
				t.Errorf("seek: %v", err)
			} else if tail, _ := io.ReadAll(obj); string(tail) != "rendition " {
				t.Errorf("after seeking to 10 bytes from the end: %q", tail)
			}
			obj.Close()
			if _, err := b.Open(ctx, "3f/missing-960.jpg"); !errors.Is(err, ErrNotFound) {
				t.Errorf("open missing: %v, want ErrNotFound", err)
			}
			if _, err := b.Put(ctx, "aa/aa11.orig", []byte("original")); err != nil {
				t.Fatal(err)
			}
			var names []string
			if err := b.Walk(ctx, func(n string, size int64) error { names = append(names, n); return nil }); err != nil {
				t.Fatal(err)
			}
			slices.Sort(names)
			if strings.Join(names, " ") != "3f/3f2a-960.jpg aa/aa11.orig" {
				t.Errorf("walk: %v", names)
			}
			if err := b.Delete(ctx, "aa/aa11.orig"); err != nil {
				t.Fatal(err)
			}
			if err := b.Delete(ctx, "aa/aa11.orig"); err != nil {
				t.Errorf("deleting a missing object: %v", err)
			}
			if _, err := b.Open(ctx, "aa/aa11.orig"); !errors.Is(err, ErrNotFound) {
				t.Errorf("open after delete: %v", err)
			}
		})
	}
}

// TestUploadToABucket: an upload writes the original and every rendition
// to the bucket, and the store serves them from there.
func TestUploadToABucket(t *testing.T) {
	srv := testservers.StartS3(t)
	ctx := context.Background()
	b, err := NewS3Blobs(ctx, S3Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}, srv.Bucket(t, "paper"), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(dbtest.SQLite(t), b, Options{PublicURL: "https://images.paper.example"})
	if err != nil {
		t.Fatal(err)
	}
	im, err := s.Upload(ctx, bytes.NewReader(jpegOf(t, 1600, 900)), "view.jpg", Meta{Alt: "A view"}, tester)
	if err != nil {
		t.Fatal(err)
	}
	files := storedFiles(t, s)
	if len(files) != len(im.Renditions)+1 || !slices.Contains(files, originalName(im.Key)) {
		t.Errorf("objects in the bucket: %v, want the original and %d renditions", files, len(im.Renditions))
	}
	for _, r := range im.Renditions {
		checkRendition(t, s, r)
		if want := "https://images.paper.example/" + im.Key[:2] + "/" + r.Name; r.URL() != want {
			t.Errorf("public URL %q, want %q", r.URL(), want)
		}
		if got, err := s.BySrc(ctx, r.URL()); err != nil || got.ID != im.ID {
			t.Errorf("BySrc(%s): %v", r.URL(), err)
		}
	}
}

// TestS3Refusals: a bucket that is not there and wrong keys stop the
// store at start, with messages that name the place and no secret.
func TestS3Refusals(t *testing.T) {
	srv := testservers.StartS3(t)
	ctx := context.Background()
	good := S3Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	srv.Bucket(t, "paper")
	for _, tc := range []struct {
		name   string
		cfg    S3Config
		bucket string
		want   string
	}{
		{"missing bucket", good, "nope", "the bucket does not exist"},
		{"wrong secret", S3Config{Endpoint: good.Endpoint, AccessKey: good.AccessKey, SecretKey: "wrong-secret-value"}, "paper", "reach s3://paper/"},
		{"no keys", S3Config{Endpoint: good.Endpoint}, "paper", "COOPRESS_S3_ACCESS_KEY"},
		{"bad endpoint", S3Config{Endpoint: "ftp://x", AccessKey: "a", SecretKey: "b"}, "paper", "want http(s)://host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewS3Blobs(ctx, tc.cfg, tc.bucket, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(err.Error(), good.SecretKey) {
				t.Errorf("err = %v, want one saying %q and no secret", err, tc.want)
			}
		})
	}
}

// TestParseLocation: the forms --media-url takes, and refusals.
func TestParseLocation(t *testing.T) {
	for raw, want := range map[string]Location{
		"":                        {Dir: "/data/media"},
		"/srv/images":             {Dir: "/srv/images"},
		"s3://paper":              {Bucket: "paper"},
		"s3://paper/":             {Bucket: "paper"},
		"s3://paper/images":       {Bucket: "paper", Prefix: "images/"},
		"s3://paper/site/images/": {Bucket: "paper", Prefix: "site/images/"},
	} {
		if got, err := ParseLocation(raw, "/data"); err != nil || got != want {
			t.Errorf("ParseLocation(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, bad := range []string{"relative/dir", "s3://", "https://bucket/x", "s3://key:secret@paper/x", "s3://paper/x?y=1", "gs://paper"} {
		if _, err := ParseLocation(bad, "/data"); err == nil {
			t.Errorf("ParseLocation(%q) accepted", bad)
		}
	}
}
