package web_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/coopress/coopress/internal/dbtest"
)

// BenchmarkArticlePage measures serving a cached article page, fund box
// included, through the whole handler chain (no network).
func BenchmarkArticlePage(b *testing.B) {
	h := newHarness(b, dbtest.SQLite(b), withArticles(30), withFixedFund(), withWatch())
	req := httptest.NewRequest("GET", seedPath, nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := &discardWriter{h: http.Header{}}
			h.srv.ServeHTTP(w, req)
			if w.code != http.StatusOK || w.n == 0 {
				b.Fatalf("status %d", w.code)
			}
		}
	})
}

// BenchmarkFrontPage measures serving the cached front page.
func BenchmarkFrontPage(b *testing.B) {
	h := newHarness(b, dbtest.SQLite(b), withArticles(30), withFixedFund(), withWatch())
	req := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := &discardWriter{h: http.Header{}}
			h.srv.ServeHTTP(w, req)
		}
	})
}

// discardWriter counts what a handler writes and keeps nothing, so the
// benchmarks measure the server rather than a recorder's buffer.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(c int)   { w.code = c }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// changingBox is a fund whose figures change before every request, so
// every page render also renders the box: the worst case, a gift a request.
type changingBox struct {
	fixedBox
	v atomic.Int64
}

// Version is new on every call, so no rendered box is ever reused.
func (c *changingBox) Version() int64 { return c.v.Add(1) }

// BenchmarkArticlePageBoxChangesEveryRequest is BenchmarkArticlePage with the
// box rendered afresh for each request; the difference between the two is
// what the box adds to a page.
func BenchmarkArticlePageBoxChangesEveryRequest(b *testing.B) {
	h := newHarness(b, dbtest.SQLite(b), withArticles(30), withFundSource(&changingBox{fixedBox: fixedFund()}), withWatch())
	req := httptest.NewRequest("GET", seedPath, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := &discardWriter{h: http.Header{}}
		h.srv.ServeHTTP(w, req)
	}
}
