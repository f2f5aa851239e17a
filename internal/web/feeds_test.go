package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

const feedTestBase = "http://paper.test"

// feedTestNow is the server's clock in these tests.
var feedTestNow = time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)

// feedTestHostile is a body that tries every way into a feed reader.
const feedTestHostile = "Kursk *clashes*.\n\n<script>alert(1)</script><img src=\"x.png\" onerror=\"alert(2)\">" +
	"<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">map</a>"

// feedContent is three articles: "old" (World, 72 hours ago), "treaty"
// (World, 2 hours ago, hostile body, two tags) and "energy" (Britain, 1
// hour ago, two authors). Culture is an empty section.
func feedContent(t testing.TB, store *article.Store, clock *testClock) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	world, err := store.UpsertSection(ctx, article.Section{Slug: "world", Name: "World", Position: 1})
	must(err)
	britain, err := store.UpsertSection(ctx, article.Section{Slug: "britain", Name: "Britain", Position: 2})
	must(err)
	_, err = store.UpsertSection(ctx, article.Section{Slug: "culture", Name: "Culture", Position: 3})
	must(err)
	ann, err := store.UpsertAuthor(ctx, article.Author{Slug: "ann-reporter", Name: "Ann Reporter"})
	must(err)
	bob, err := store.UpsertAuthor(ctx, article.Author{Slug: "bob-writer", Name: "Bob Writer"})
	must(err)
	publish := func(sec article.Section, slug, body string, ago time.Duration, authors []article.Author, tags ...string) {
		clock.Set(feedTestNow.Add(-ago))
		a := &article.Article{Slug: slug, Headline: "Headline " + slug, Standfirst: "Standfirst <" + slug + ">",
			BodyMD: body, Section: sec, Authors: authors, Status: article.Published, PublishedAt: clock.Now()}
		for _, tg := range tags {
			a.Tags = append(a.Tags, article.Tag{Name: tg})
		}
		must(store.Save(ctx, a))
	}
	publish(world, "old", "An old story.", 72*time.Hour, []article.Author{ann})
	publish(world, "treaty", feedTestHostile, 2*time.Hour, []article.Author{ann}, "North Korea", "Treaty")
	publish(britain, "energy", "Prices rise.", time.Hour, []article.Author{ann, bob}, "Energy")
	clock.Set(feedTestNow)
}

// feedTestItem is one entry of any of the three formats, as parsed back.
type feedTestItem struct {
	Title, URL, Content string
	Authors, Categories []string
	Published           time.Time
}

// feedTestParse decodes an RSS, Atom or JSON feed into items.
func feedTestParse(t *testing.T, format string, body []byte) []feedTestItem {
	t.Helper()
	var out []feedTestItem
	switch format {
	case "rss":
		var doc struct {
			Items []struct {
				Title      string   `xml:"title"`
				Link       string   `xml:"link"`
				Content    string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Creators   []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Categories []string `xml:"category"`
				PubDate    string   `xml:"pubDate"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("rss: %v\n%s", err, body)
		}
		for _, it := range doc.Items {
			pub, err := time.Parse(time.RFC1123Z, it.PubDate)
			if err != nil {
				t.Errorf("rss pubDate: %v", err)
			}
			out = append(out, feedTestItem{it.Title, it.Link, it.Content, it.Creators, it.Categories, pub})
		}
	case "atom":
		var doc struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			Entries []struct {
				Title string `xml:"title"`
				Link  struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Published string `xml:"published"`
				Authors   []struct {
					Name string `xml:"name"`
				} `xml:"author"`
				Categories []struct {
					Label string `xml:"label,attr"`
				} `xml:"category"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("atom: %v\n%s", err, body)
		}
		for _, e := range doc.Entries {
			it := feedTestItem{Title: e.Title, URL: e.Link.Href, Content: e.Content}
			it.Published, _ = time.Parse(time.RFC3339, e.Published)
			for _, a := range e.Authors {
				it.Authors = append(it.Authors, a.Name)
			}
			for _, c := range e.Categories {
				it.Categories = append(it.Categories, c.Label)
			}
			out = append(out, it)
		}
	case "json":
		var doc struct {
			Version string `json:"version"`
			Items   *[]struct {
				URL, Title    string
				ContentHTML   string `json:"content_html"`
				DatePublished string `json:"date_published"`
				Authors       []struct{ Name string }
				Tags          []string
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("json: %v\n%s", err, body)
		}
		if doc.Version != "https://jsonfeed.org/version/1.1" || doc.Items == nil {
			t.Fatalf("json feed without version 1.1 or items: %s", body)
		}
		for _, e := range *doc.Items {
			it := feedTestItem{Title: e.Title, URL: e.URL, Content: e.ContentHTML, Categories: e.Tags}
			it.Published, _ = time.Parse(time.RFC3339, e.DatePublished)
			for _, a := range e.Authors {
				it.Authors = append(it.Authors, a.Name)
			}
			out = append(out, it)
		}
	}
	return out
}

func TestFeeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withContent(feedContent))
		types := map[string]string{"rss": "application/rss+xml; charset=utf-8",
			"atom": "application/atom+xml; charset=utf-8", "json": "application/feed+json; charset=utf-8"}
		for format, ctype := range types {
			for _, tc := range []struct {
				path  string
				slugs []string
			}{
				{"/feed." + format, []string{"energy", "treaty", "old"}},
				{"/section/world/feed." + format, []string{"treaty", "old"}},
				{"/section/culture/feed." + format, nil},
			} {
				t.Run(tc.path, func(t *testing.T) {
					w := h.get(t, tc.path)
					if w.status != http.StatusOK || w.header.Get("Content-Type") != ctype {
						t.Fatalf("status %d, type %q", w.status, w.header.Get("Content-Type"))
					}
					raw := strings.ToLower(w.body)
					items := feedTestParse(t, format, []byte(w.body))
					var slugs []string
					for _, it := range items {
						slug, ok := strings.CutPrefix(it.URL, feedTestBase+"/article/")
						if !ok {
							t.Errorf("link %q is not absolute", it.URL)
						}
						slugs = append(slugs, slug)
						if it.Title != "Headline "+slug || it.Published.IsZero() || len(it.Authors) == 0 {
							t.Errorf("item %+v", it)
						}
						// Decoded content is the HTML a reader would render.
						content := strings.ToLower(it.Content)
						for _, bad := range []string{"<script", "onerror", "onclick", "javascript:", "alert("} {
							if strings.Contains(content, bad) || strings.Contains(raw, bad) {
								t.Errorf("feed carries %q: %s", bad, it.Content)
							}
						}
						switch slug {
						case "treaty":
							if !strings.Contains(it.Content, "<em>clashes</em>") ||
								!slices.Equal(it.Categories, []string{"World", "North Korea", "Treaty"}) {
								t.Errorf("treaty: content %q categories %v", it.Content, it.Categories)
							}
							if !it.Published.Equal(feedTestNow.Add(-2 * time.Hour)) {
								t.Errorf("treaty published %v", it.Published)
							}
						case "energy":
							if !slices.Equal(it.Authors, []string{"Ann Reporter", "Bob Writer"}) {
								t.Errorf("energy authors %v", it.Authors)
							}
						}
					}
					if !slices.Equal(slugs, tc.slugs) {
						t.Errorf("items %v, want %v", slugs, tc.slugs)
					}
				})
			}
		}
	})
}

func TestFeedConditionalGetAndNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withContent(feedContent))
		for _, path := range []string{"/feed.atom", "/section/britain/feed.json", "/sitemap.xml", "/sitemaps/articles-1.xml", "/robots.txt"} {
			w := h.get(t, path)
			etag, mod := w.header.Get("ETag"), w.header.Get("Last-Modified")
			if w.status != http.StatusOK || etag == "" || w.header.Get("Cache-Control") == "" {
				t.Fatalf("%s: status %d, headers %v", path, w.status, w.header)
			}
			if w := h.do(t, req{path: path, header: map[string]string{"If-None-Match": etag}}); w.status != http.StatusNotModified || len(w.body) != 0 {
				t.Errorf("%s with If-None-Match: %d", path, w.status)
			}
			if w := h.do(t, req{path: path, header: map[string]string{"If-None-Match": `"other"`}}); w.status != http.StatusOK {
				t.Errorf("%s with a stale ETag: %d", path, w.status)
			}
			if mod != "" {
				if w := h.do(t, req{path: path, header: map[string]string{"If-Modified-Since": mod}}); w.status != http.StatusNotModified {
					t.Errorf("%s with If-Modified-Since: %d", path, w.status)
				}
			}
		}
		for _, path := range []string{"/section/nowhere/feed.rss", "/section/Bad_Slug/feed.atom", "/section/world/feed.xml"} {
			if w := h.get(t, path); w.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, w.status)
			}
		}
	})
}

// feedTestLocs parses a sitemap index or urlset and returns its <loc>s, and
// for a news sitemap the titles, publication names and languages.
func feedTestLocs(t *testing.T, body []byte) (locs, news []string) {
	t.Helper()
	var doc struct {
		Entries []struct {
			Loc  string `xml:"loc"`
			News struct {
				Name  string `xml:"publication>name"`
				Lang  string `xml:"publication>language"`
				Date  string `xml:"publication_date"`
				Title string `xml:"title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("sitemap: %v\n%s", err, body)
	}
	for _, e := range doc.Entries {
		locs = append(locs, e.Loc)
		if e.News.Title != "" {
			news = append(news, e.News.Title+"|"+e.News.Name+"|"+e.News.Lang+"|"+e.News.Date)
		}
	}
	return locs, news
}

func TestSitemapsRobotsAndOpenSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withContent(feedContent))
		w := h.get(t, "/sitemap.xml")
		index, _ := feedTestLocs(t, []byte(w.body))
		if want := []string{feedTestBase + "/sitemaps/pages.xml", feedTestBase + "/sitemaps/articles-1.xml"}; !slices.Equal(index, want) {
			t.Fatalf("index %v, want %v", index, want)
		}
		got := map[string][]string{}
		for _, loc := range index {
			w := h.get(t, strings.TrimPrefix(loc, feedTestBase))
			if w.status != http.StatusOK || w.header.Get("Content-Type") != "application/xml; charset=utf-8" {
				t.Fatalf("%s: %d %q", loc, w.status, w.header.Get("Content-Type"))
			}
			got[loc], _ = feedTestLocs(t, []byte(w.body))
		}
		art := func(slugs ...string) (out []string) {
			for _, s := range slugs {
				out = append(out, feedTestBase+"/article/"+s)
			}
			return out
		}
		if a := got[index[1]]; !slices.Equal(a, art("energy", "treaty", "old")) {
			t.Errorf("article sitemap %v", a)
		}
		for _, p := range []string{"/", "/section/world", "/section/britain", "/tag/north-korea", "/author/bob-writer"} {
			if !slices.Contains(got[index[0]], feedTestBase+p) {
				t.Errorf("pages sitemap lacks %s: %v", p, got[index[0]])
			}
		}
		if slices.Contains(got[index[0]], feedTestBase+"/section/culture") {
			t.Errorf("pages sitemap lists the empty section")
		}

		// The news sitemap holds the last 48 hours only: not "old".
		locs, news := feedTestLocs(t, []byte(h.get(t, "/news-sitemap.xml").body))
		if !slices.Equal(locs, art("energy", "treaty")) || len(news) != 2 ||
			news[1] != "Headline treaty|The Daily Co-op|en|2024-11-06T16:00:00Z" {
			t.Errorf("news sitemap %v %v", locs, news)
		}

		for _, name := range []string{"articles-0.xml", "articles-2.xml", "articles-01.xml", "articles-+1.xml", "articles--1.xml",
			"articles-1.txt", "articles-.xml", "articles-99999999999999999999.xml", "pages.XML", "junk", "articles-1.xml.gz"} {
			if w := h.get(t, "/sitemaps/"+name); w.status != http.StatusNotFound {
				t.Errorf("/sitemaps/%s: %d, want 404", name, w.status)
			}
		}

		robots := h.get(t, "/robots.txt")
		want := "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /search\n\n" +
			"Sitemap: " + feedTestBase + "/sitemap.xml\nSitemap: " + feedTestBase + "/news-sitemap.xml\n"
		if robots.body != want || !strings.HasPrefix(robots.header.Get("Content-Type"), "text/plain") {
			t.Errorf("robots.txt:\n%s", robots.body)
		}

		var osd struct {
			XMLName   xml.Name `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
			ShortName string   `xml:"ShortName"`
			URL       struct {
				Template string `xml:"template,attr"`
			} `xml:"Url"`
		}
		w = h.get(t, "/opensearch.xml")
		if err := xml.Unmarshal([]byte(w.body), &osd); err != nil || osd.URL.Template != feedTestBase+"/search?q={searchTerms}" ||
			osd.ShortName != "The Daily Co-op" || w.header.Get("Content-Type") != "application/opensearchdescription+xml; charset=utf-8" {
			t.Errorf("opensearch (%v): %s", err, w.body)
		}
	})
}
