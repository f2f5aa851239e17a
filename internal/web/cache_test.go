package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/demo"
)

// TestPageRenderedBeforeAChangeIsNotCached forces the race between a
// reader's render and an editor's change: the render reads the article,
// the change lands and the cache is cleared, then the render finishes.
// That page must not be stored, or it would be served as current until the
// next change. The cache's beforePut seam holds the render between reading
// and storing; channels, not sleeps, order the steps.
func TestPageRenderedBeforeAChangeIsNotCached(t *testing.T) {
	for _, c := range []struct {
		name   string
		notice func(ctx context.Context, s *Server)
	}{
		{"change seen by the content version poll", func(ctx context.Context, s *Server) { s.RefreshContent(ctx) }},
		// An edit in this process re-reads the version as it clears, so
		// the new page never goes out under the old page's ETag.
		{"change made in this process", func(ctx context.Context, s *Server) { s.Invalidate(ctx) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			store := article.NewStore(dbtest.SQLite(t), time.Now)
			if err := demo.Load(ctx, store, 1); err != nil {
				t.Fatal(err)
			}
			s, err := New(Deps{Site: Site{Name: "The Daily Co-op", BaseURL: "http://paper.test", Location: time.UTC},
				Articles: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			s.RefreshContent(ctx)
			path, key := "/article/"+demo.SeedSlug, "article:"+demo.SeedSlug
			get := func() *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				return rec
			}

			rendered, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			s.pages.beforePut = func(k string) {
				if k == key {
					once.Do(func() { close(rendered); <-release })
				}
			}
			first := make(chan *httptest.ResponseRecorder)
			go func() { first <- get() }()
			<-rendered // the reader's page is rendered, not yet stored

			a, err := store.Published(ctx, demo.SeedSlug)
			if err != nil {
				t.Fatal(err)
			}
			a.Headline = "Changed while a reader's page was rendering"
			if err := store.Save(ctx, &a); err != nil {
				t.Fatal(err)
			}
			c.notice(ctx, s)
			close(release)
			stale := <-first
			if stale.Code != 200 || strings.Contains(stale.Body.String(), a.Headline) {
				t.Fatalf("the overlapping render: %d, new headline %v; want 200 with the old one",
					stale.Code, strings.Contains(stale.Body.String(), a.Headline))
			}

			fresh := get()
			if fresh.Code != 200 || !strings.Contains(fresh.Body.String(), a.Headline) {
				t.Fatalf("after the change: %d, new headline %v; the page rendered before it was cached",
					fresh.Code, strings.Contains(fresh.Body.String(), a.Headline))
			}
			if stale.Header().Get("ETag") == fresh.Header().Get("ETag") {
				t.Errorf("the stale page carried the new content's ETag %s", fresh.Header().Get("ETag"))
			}
			// A browser holding the old copy asks again: it must get the
			// new page, not 304.
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("If-None-Match", stale.Header().Get("ETag"))
			s.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), a.Headline) {
				t.Errorf("conditional GET with the old ETag: %d; want 200 with the new headline", rec.Code)
			}
			if p, _ := s.lookupPage(key); p == nil {
				t.Error("the page rendered after the change was not cached")
			}
		})
	}
}
