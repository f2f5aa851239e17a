package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coopress/coopress/internal/dbtest"
)

// BenchmarkArticlePage measures serving a cached article page, fund box
// included, through the whole handler chain (no network).
func BenchmarkArticlePage(b *testing.B) {
	s := newSite(b, dbtest.SQLite(b), 30)
	req := httptest.NewRequest("GET", seedPath, nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := &discardWriter{h: http.Header{}}
			s.srv.ServeHTTP(w, req)
			if w.code != http.StatusOK || w.n == 0 {
				b.Fatalf("status %d", w.code)
			}
		}
	})
}

// BenchmarkFrontPage measures serving the cached front page.
func BenchmarkFrontPage(b *testing.B) {
	s := newSite(b, dbtest.SQLite(b), 30)
	req := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := &discardWriter{h: http.Header{}}
			s.srv.ServeHTTP(w, req)
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
