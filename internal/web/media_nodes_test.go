package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/testservers"
)

// TestImageUploadedOnOneNodeServedByAnother: two nodes on one PostgreSQL
// database, their image library in one S3 bucket (versitygw on loopback).
// An image uploaded through node A is shown and served by node B, byte
// for byte; with a directory each, B would answer 404.
func TestImageUploadedOnOneNodeServedByAnother(t *testing.T) {
	d := dbtest.Postgres(t)
	srv := testservers.StartS3(t)
	cfg := media.S3Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	bucket := srv.Bucket(t, "paper")
	node := func(content option) *harness {
		b, err := media.NewS3Blobs(context.Background(), cfg, bucket, "images/")
		if err != nil {
			t.Fatal(err)
		}
		return newHarness(t, d, withBlobs(b), content)
	}
	a := node(withoutContent())
	b := node(withoutContent())
	writer := a.session(t, a.person(t, "writer@example.org", account.Writer))
	res := a.uploadImage(t, writer, url.Values{"alt": {"The picket line at dawn"}}, "picket.jpg", testJPEG(t, 1000, 600))
	if res.status != http.StatusSeeOther {
		t.Fatalf("upload through A: %d %s", res.status, errorSummaryOr(res.body))
	}
	page := a.do(t, req{path: res.header.Get("Location"), token: writer})
	names := regexp.MustCompile(`/media/[0-9a-f]{24}-\d+\.jpg`).FindAllString(page.body, -1)
	if len(names) == 0 {
		t.Fatalf("A's image page names no rendition:\n%s", page.body)
	}
	for _, name := range names {
		fromA, fromB := a.do(t, req{path: name}), b.do(t, req{path: name})
		if fromB.status != http.StatusOK || fromB.body != fromA.body || fromB.header.Get("Content-Type") != "image/jpeg" ||
			fromB.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s from B: %d, %d bytes (A: %d, %d bytes), %q %q", name, fromB.status, len(fromB.body),
				fromA.status, len(fromA.body), fromB.header.Get("Content-Type"), fromB.header.Get("Cache-Control"))
		}
	}
	// B's staff see the image in the library too: the rows are shared.
	editor := b.session(t, b.person(t, "editor@example.org", account.Editor))
	if lib := b.do(t, req{path: "/admin/media", token: editor}); !regexp.MustCompile(`picket\.jpg|The picket line at dawn`).MatchString(lib.body) {
		t.Errorf("B's library does not list the image")
	}
}
