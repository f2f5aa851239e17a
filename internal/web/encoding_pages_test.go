package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/coopress/coopress/internal/dbtest"
)

// decode reads body as encoded by enc with a real decompressor.
func decode(t *testing.T, enc, body string) string {
	t.Helper()
	var r io.Reader
	switch enc {
	case "br":
		r = brotli.NewReader(strings.NewReader(body))
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	default:
		return body
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return string(b)
}

// TestCompressedResponses: the article page and the stylesheet go out in
// brotli or gzip when accepted, decode to exactly the identity body, carry
// Vary and an ETag per encoding, answer HEAD and 304 per encoding, and
// stay identity for a client that accepts none. The seed article crosses
// the wire in at most 3 KB of HTML and the stylesheet in 2.5 KB.
func TestCompressedResponses(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withFixedFund())
	page := h.get(t, seedPath)
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(page.body)
	if css == nil {
		t.Fatal("no stylesheet link on the article")
	}
	for _, tc := range []struct {
		path     string
		maxBytes int
	}{{seedPath, 3 << 10}, {css[1], 2560}} {
		plain := h.do(t, req{path: tc.path, header: map[string]string{"Accept-Encoding": "identity"}})
		if plain.status != 200 || plain.header.Get("Content-Encoding") != "" || plain.header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("%s identity: %d %q %q", tc.path, plain.status, plain.header.Get("Content-Encoding"), plain.header.Get("Vary"))
		}
		tags := map[string]string{"": plain.header.Get("Etag")}
		for _, enc := range []string{"br", "gzip"} {
			accept := map[string]string{"br": "gzip, deflate, br, zstd", "gzip": "gzip, deflate"}[enc]
			res := h.do(t, req{path: tc.path, header: map[string]string{"Accept-Encoding": accept}})
			if res.status != 200 || res.header.Get("Content-Encoding") != enc || res.header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("%s %s: %d %q %q", tc.path, enc, res.status, res.header.Get("Content-Encoding"), res.header.Get("Vary"))
			}
			if got := decode(t, enc, res.body); got != plain.body {
				t.Errorf("%s %s decodes to %d bytes, not the %d of the identity body", tc.path, enc, len(got), len(plain.body))
			}
			if res.header.Get("Content-Length") != itoa(int64(len(res.body))) {
				t.Errorf("%s %s: Content-Length %s for %d bytes", tc.path, enc, res.header.Get("Content-Length"), len(res.body))
			}
			if enc == "br" && len(res.body) > tc.maxBytes {
				t.Errorf("%s in brotli is %d bytes, over the %d target", tc.path, len(res.body), tc.maxBytes)
			}
			t.Logf("%s: %d bytes as is, %d in %s", tc.path, len(plain.body), len(res.body), enc)
			tag := res.header.Get("Etag")
			for other, ot := range tags {
				if ot == tag {
					t.Errorf("%s: the %s ETag %s is the same as the %q one", tc.path, enc, tag, other)
				}
			}
			tags[enc] = tag
			head := h.do(t, req{method: http.MethodHead, path: tc.path, header: map[string]string{"Accept-Encoding": accept}})
			if head.status != 200 || head.body != "" || head.header.Get("Content-Encoding") != enc || head.header.Get("Content-Length") != res.header.Get("Content-Length") {
				t.Errorf("%s HEAD %s: %d, %d bytes, %q, length %s", tc.path, enc, head.status, len(head.body), head.header.Get("Content-Encoding"), head.header.Get("Content-Length"))
			}
			if res := h.do(t, req{path: tc.path, header: map[string]string{"Accept-Encoding": accept, "If-None-Match": tag}}); res.status != http.StatusNotModified {
				t.Errorf("%s %s with its own ETag: %d, want 304", tc.path, enc, res.status)
			}
			if res := h.do(t, req{path: tc.path, header: map[string]string{"Accept-Encoding": accept, "If-None-Match": tags[""]}}); res.status != 200 {
				t.Errorf("%s %s with the identity ETag: %d, want 200 (another representation)", tc.path, enc, res.status)
			}
		}
		if bytes.Equal([]byte(tags["br"]), []byte(tags["gzip"])) {
			t.Errorf("%s: brotli and gzip share an ETag", tc.path)
		}
	}
}

// TestStreamedResponsesCompressed: what no cache keeps (feeds, the
// sitemap, search) is compressed as it is written, decodes to the
// identity body, and a conditional request with the compressed copy's
// ETag still gets 304 from a handler that answers those itself. Small
// bodies, event streams and images go as they are.
func TestStreamedResponsesCompressed(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withFixedFund(), withArticles(30))
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/sitemaps/articles-1.xml", "/sitemaps/pages.xml", "/search?q=treaty", "/section/world"} {
		plain := h.do(t, req{path: path, header: map[string]string{"Accept-Encoding": "identity"}})
		if plain.status != 200 || plain.header.Get("Content-Encoding") != "" {
			t.Fatalf("%s identity: %d %q", path, plain.status, plain.header.Get("Content-Encoding"))
		}
		for _, enc := range []string{"br", "gzip"} {
			res := h.do(t, req{path: path, header: map[string]string{"Accept-Encoding": enc}})
			if res.status != 200 || res.header.Get("Content-Encoding") != enc || !strings.Contains(res.header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s %s: %d %q vary %q", path, enc, res.status, res.header.Get("Content-Encoding"), res.header.Get("Vary"))
				continue
			}
			if got := decode(t, enc, res.body); got != plain.body {
				t.Errorf("%s %s decodes to %d bytes, not the %d of the identity body", path, enc, len(got), len(plain.body))
			}
			if tag := res.header.Get("Etag"); tag != "" {
				if tag == plain.header.Get("Etag") {
					t.Errorf("%s %s: same ETag %s as identity", path, enc, tag)
				}
				again := h.do(t, req{path: path, header: map[string]string{"Accept-Encoding": enc, "If-None-Match": tag}})
				if again.status != http.StatusNotModified || again.header.Get("Etag") != tag {
					t.Errorf("%s %s with its own ETag %s: %d %q, want 304 with the same tag", path, enc, tag, again.status, again.header.Get("Etag"))
				}
			}
		}
	}
	for _, path := range []string{"/healthz", "/robots.txt", "/sitemap.xml"} {
		res := h.do(t, req{path: path, header: map[string]string{"Accept-Encoding": "br"}})
		if res.status != 200 || res.header.Get("Content-Encoding") != "" || res.header.Get("Content-Length") != itoa(int64(len(res.body))) {
			t.Errorf("%s (%d bytes): %d %q length %q, want it as it is", path, len(res.body), res.status, res.header.Get("Content-Encoding"), res.header.Get("Content-Length"))
		}
	}
}
