package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// fixedBox is a FundSource with set figures, standing in for the fund's
// snapshot so these tests see a known box.
type fixedBox struct{ box web.FundBox }

func (f fixedBox) FundBox(time.Time) (web.FundBox, bool) { return f.box, true }
func (f fixedBox) FundVersion() int64                    { return 1 }
func (f fixedBox) SubscribeFund() (<-chan web.FundBox, func()) {
	return make(chan web.FundBox), func() {}
}

// site is a running test site on a fresh database with the demo content.
type site struct {
	srv      *web.Server
	http     *httptest.Server
	articles *article.Store
}

func newSite(t testing.TB, d *db.DB, generated int) *site {
	t.Helper()
	return newSiteWithFund(t, d, generated, fixedBox{web.FundBox{Raised: "£5,047", Target: "£18,010", StillNeeded: "£12,963", DaysRemaining: 25, Percent: 28}})
}

// newSiteWithFund is newSite with the given fund box source.
func newSiteWithFund(t testing.TB, d *db.DB, generated int, fund web.FundSource) *site {
	t.Helper()
	clock := time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	store := article.NewStore(d, now)
	if err := demo.Load(context.Background(), store, generated); err != nil {
		t.Fatal(err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{
		Site: web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test", Location: london,
			ShareOfferURL: "/shares", SocietyName: "the Readers' Society"},
		Articles: store, Now: now,
		Fund:   fund,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go srv.WatchContent(ctx, 50*time.Millisecond)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &site{srv: srv, http: hs, articles: store}
}

// get fetches path (raw, not re-escaped) and returns status, headers, body.
func (s *site) get(t *testing.T, path string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.http.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path
	if i := strings.IndexByte(path, '?'); i >= 0 {
		req.URL.Opaque, req.URL.RawQuery = path[:i], path[i+1:]
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

var seedPath = "/article/" + demo.SeedSlug

// scenario is one request and what its answer must and must not hold.
type scenario struct {
	name    string
	path    string
	status  int
	want    []string
	notWant []string
}

func TestPublicRoutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d, 45)
		noLeak := []string{"goroutine", "panic", "sql:", "SQLSTATE", "sqlite"}
		for _, sc := range []scenario{
			{"front page", "/", 200, []string{"Skip to main content", "Top stories", "Russia ratifies military assistance treaty with North Korea", `rel="next"`, "Fighting fund", "£5,047", "£12,963", "25"}, nil},
			{"front page 2", "/?page=2", 200, []string{`rel="prev"`, "Page 2 of"}, []string{"Top stories"}},
			{"front page beyond the end", "/?page=99", 404, []string{"Front page"}, noLeak},
			{"page not a number", "/?page=abc", 400, []string{"whole number"}, noLeak},
			{"page huge", "/?page=99999999999999999999", 400, nil, noLeak},
			{"article", seedPath, 200, []string{
				"<h1>Russia ratifies military assistance treaty with North Korea</h1>",
				`class="standfirst"`, "Maria Okafor", "Wednesday 6 November 2024, 16:40 GMT",
				"Federation Council", "Owned by our readers", "Buy shares", "Become a supporter", "Donate today",
				`"@type":"NewsArticle"`, `property="og:title"`, `<link rel="canonical" href="http://paper.test` + seedPath + `">`,
				`href="/tag/north-korea"`}, nil},
			{"article unknown", "/article/no-such-story", 404, []string{"We could not find that page", `name="q"`}, noLeak},
			{"article bad slug", "/article/Bad%20Slug!", 404, nil, noLeak},
			{"article huge slug", "/article/" + strings.Repeat("a", 5000), 404, nil, noLeak},
			{"article malformed utf-8", "/article/%ff%fe", 404, nil, noLeak},
			{"section", "/section/world", 200, []string{"<h1>World</h1>", "Russia ratifies"}, nil},
			{"section page 2", "/section/world?page=2", 404, nil, noLeak},
			{"section unknown", "/section/nowhere", 404, nil, noLeak},
			{"tag", "/tag/north-korea", 200, []string{"<h1>North Korea</h1>", "Russia ratifies"}, nil},
			{"author", "/author/maria-okafor", 200, []string{"<h1>Maria Okafor</h1>", "foreign affairs"}, nil},
			{"author unknown", "/author/nobody", 404, nil, noLeak},
			{"search", "/search?q=treaty", 200, []string{"<mark>treaty</mark>", "1 article matches"}, nil},
			{"search prefix", "/search?q=zaporizh", 200, []string{"Russia ratifies"}, nil},
			{"search empty", "/search", 200, []string{`id="search-q"`}, []string{"match"}},
			{"search no hits", "/search?q=zzzqqq", 200, []string{"No articles match"}, nil},
			{"search quote", "/search?q=%22", 200, nil, noLeak},
			{"search NEAR(", "/search?q=NEAR%28", 200, nil, noLeak},
			{"search sql", "/search?q=%27%3B+DROP+TABLE+articles%3B--", 200, nil, noLeak},
			{"search malformed utf-8", "/search?q=%ff%fe", 400, []string{"could not read"}, noLeak},
			{"search huge", "/search?q=" + strings.Repeat("x", 5000), 400, []string{"fewer words"}, noLeak},
			{"search bad page", "/search?q=treaty&page=-1", 400, nil, noLeak},
			{"shares", "/shares", 200, []string{"<h1>Own your paper</h1>", "one vote"}, nil},
			{"supporters", "/supporters", 200, []string{"<h1>Become a supporter</h1>", "standing order"}, nil},
			{"healthz", "/healthz", 200, []string{"ok"}, nil},
			{"unknown path", "/wp-login.php", 404, []string{"Front page"}, noLeak},
			{"static missing", "/static/nope.css", 404, nil, nil},
		} {
			t.Run(sc.name, func(t *testing.T) {
				status, _, body := s.get(t, sc.path)
				if status != sc.status {
					t.Fatalf("GET %s: status %d, want %d\n%.500s", sc.path, status, sc.status, body)
				}
				for _, w := range sc.want {
					if !strings.Contains(body, w) {
						t.Errorf("GET %s: body lacks %q", sc.path, w)
					}
				}
				for _, w := range sc.notWant {
					if strings.Contains(body, w) {
						t.Errorf("GET %s: body must not contain %q", sc.path, w)
					}
				}
			})
		}
	})
}

func TestConditionalGetAndHeaders(t *testing.T) {
	s := newSite(t, dbtest.SQLite(t), 5)
	status, h, _ := s.get(t, seedPath)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	etag, lm := h.Get("ETag"), h.Get("Last-Modified")
	if etag == "" || lm == "" || !strings.Contains(h.Get("Cache-Control"), "max-age") {
		t.Fatalf("missing caching headers: %v", h)
	}
	for _, name := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if h.Get(name) == "" {
			t.Errorf("missing %s", name)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP not strict: %s", csp)
	}
	if status, _, body := s.get(t, seedPath, "If-None-Match", etag); status != 304 || body != "" {
		t.Errorf("If-None-Match: %d %q", status, body)
	}
	if status, _, _ := s.get(t, seedPath, "If-Modified-Since", lm); status != 304 {
		t.Errorf("If-Modified-Since: %d", status)
	}
	if status, _, _ := s.get(t, seedPath, "If-None-Match", `"stale"`); status != 200 {
		t.Errorf("stale ETag: %d", status)
	}
	if status, _, _ := s.get(t, "/", "If-None-Match", etag); status != 200 {
		t.Errorf("front page with another page's ETag: %d", status)
	}
}

func TestEditShowsWithinASecondAndOldSlugRedirects(t *testing.T) {
	s := newSite(t, dbtest.SQLite(t), 3)
	ctx := context.Background()
	_, h, _ := s.get(t, seedPath)
	a, err := s.articles.Published(ctx, demo.SeedSlug)
	if err != nil {
		t.Fatal(err)
	}
	a.Headline = "Treaty with North Korea ratified by Russia's upper house"
	a.Slug = "treaty-with-north-korea-ratified"
	if err := s.articles.Save(ctx, &a); err != nil {
		t.Fatal(err)
	}
	var status int
	var h2 http.Header
	if !testwait.For(2*time.Second, func() bool {
		status, h2, _ = s.get(t, seedPath)
		return status == http.StatusMovedPermanently
	}) {
		t.Fatalf("old slug still answers %d after 2s (etag before %s)", status, h.Get("ETag"))
	}
	if loc := h2.Get("Location"); loc != "/article/treaty-with-north-korea-ratified" {
		t.Fatalf("redirect to %q", loc)
	}
	if status, _, body := s.get(t, "/article/treaty-with-north-korea-ratified"); status != 200 || !strings.Contains(body, "upper house</h1>") {
		t.Fatalf("new slug: %d", status)
	}
	if err := s.articles.MarkGone(ctx, "treaty-with-north-korea-ratified"); err != nil {
		t.Fatal(err)
	}
	var body string
	if !testwait.For(2*time.Second, func() bool {
		status, _, body = s.get(t, "/article/treaty-with-north-korea-ratified")
		return status == http.StatusGone
	}) || !strings.Contains(body, "taken down") {
		t.Fatalf("gone article: %d", status)
	}
}

// TestEveryPostRouteRefusesCrossOrigin: every POST route in the package's
// source refuses a cross-origin form with 403, while the same request from
// the site itself passes the check (so the 403 is the protection's, not the
// route's own refusal).
func TestEveryPostRouteRefusesCrossOrigin(t *testing.T) {
	s := newStaffSite(t, dbtest.SQLite(t), nil)
	posts := postPatterns(t)
	if len(posts) < 10 {
		t.Fatalf("found only %d POST patterns in the source: %v", len(posts), posts)
	}
	for _, pattern := range posts {
		if pattern == "POST /webhooks/stripe" {
			continue // Stripe's server posts with no browser headers: TestWebhookPassesCrossOriginProtection…
		}
		_, path := requestFor(pattern, 1)
		if res := s.do(t, "POST", path, "", url.Values{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); res.status != http.StatusForbidden {
			t.Errorf("cross-site %s: %d, want 403", pattern, res.status)
		}
		if res := s.do(t, "POST", path, "", url.Values{}, "Sec-Fetch-Site", "same-origin"); res.status == http.StatusForbidden {
			t.Errorf("same-origin %s: 403, so the cross-site 403 proves nothing", pattern)
		}
	}
}

// postPatterns lists every "POST /…" route pattern written in the package's
// source, wherever it is registered, so a new form is checked without
// being added here.
func postPatterns(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(POST /[^"]*)"`)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
	}
	return out
}
