package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// liveSite is a site with the fixed fund box and the given limits on
// /fund/live, and its address.
func liveSite(t *testing.T, limits web.LiveLimits) string {
	t.Helper()
	h := newHarness(t, dbtest.SQLite(t), withFixedFund(), withDeps(func(d *web.Deps) { d.LiveLimits = limits }))
	return h.http.URL
}

// openLive opens a stream and reads its first event, so the server has
// admitted it; close ends it. A refused stream returns its response.
func openLive(t *testing.T, base string) (resp *http.Response, close func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/fund/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	close = func() { cancel(); resp.Body.Close() }
	if resp.StatusCode != http.StatusOK {
		return resp, close
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "data: ") {
	}
	if !strings.Contains(sc.Text(), "£5,047") {
		t.Fatalf("no first event on an admitted stream: %q", sc.Text())
	}
	return resp, close
}

// TestFundLiveLimits opens streams up to a cap, per node and per client
// address: the next one gets 503 with Retry-After, and closing one frees
// its place.
func TestFundLiveLimits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits web.LiveLimits
		cap    int
	}{
		{"per client address", web.LiveLimits{PerNode: 100, PerClient: 3}, 3},
		{"per node", web.LiveLimits{PerNode: 2, PerClient: 100}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := liveSite(t, tc.limits)
			var closers []func()
			defer func() {
				for _, c := range closers {
					c()
				}
			}()
			for range tc.cap {
				resp, close := openLive(t, base)
				closers = append(closers, close)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("stream %d of %d refused: %d", len(closers), tc.cap, resp.StatusCode)
				}
			}
			resp, close := openLive(t, base)
			close()
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("stream %d: %d, Retry-After %q; want 503 with Retry-After", tc.cap+1, resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			// The server notices a closed stream when its request ends;
			// until then the place may still be taken.
			closers[0]()
			var again func()
			admitted := testwait.For(5*time.Second, func() bool {
				resp, close := openLive(t, base)
				if resp.StatusCode == http.StatusOK {
					again = close
					return true
				}
				close()
				return false
			})
			if !admitted {
				t.Fatal("closing a stream did not free its place")
			}
			closers[0] = again
		})
	}
}
