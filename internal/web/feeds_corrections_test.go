package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// feedTestModified reads each entry's modification time, by link, from an
// Atom or JSON feed (RSS items have none).
func feedTestModified(t *testing.T, format string, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch format {
	case "atom":
		var doc struct {
			Entries []struct {
				Link struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Updated string `xml:"updated"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.Entries {
			out[e.Link.Href] = e.Updated
		}
	case "json":
		var doc struct {
			Items []struct {
				URL          string `json:"url"`
				DateModified string `json:"date_modified"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		for _, it := range doc.Items {
			out[it.URL] = it.DateModified
		}
	}
	return out
}

// TestFeedCorrections: a published article's corrections and updates
// follow its body in all three formats, dated, with hostile text inert,
// and the entry's modification time is the latest note's.
func TestFeedCorrections(t *testing.T) {
	const hostile = `Fixed the date <script>alert(1)</script><img src=x onerror="alert(2)"> & "quotes"`
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withContent(feedContent))
		ctx := context.Background()
		at := feedTestNow.Add(-90 * time.Minute)
		store := article.NewStore(d, func() time.Time { return at })
		treaty, err := store.Published(ctx, "treaty")
		if err != nil {
			t.Fatal(err)
		}
		nr := article.NewNewsroom(store, nil, nil)
		ed := article.Actor{ID: 0, Name: "Ed", CanPublish: true, CanEditAll: true}
		if _, err := nr.AddCorrection(ctx, ed, treaty.ID, article.KindCorrection, hostile); err != nil {
			t.Fatal(err)
		}
		at = feedTestNow.Add(-30 * time.Minute)
		if _, err := nr.AddCorrection(ctx, ed, treaty.ID, article.KindUpdate, "Talks resumed."); err != nil {
			t.Fatal(err)
		}
		url := feedTestBase + "/article/treaty"
		for _, format := range []string{"rss", "atom", "json"} {
			t.Run(format, func(t *testing.T) {
				w := h.get(t, "/feed."+format)
				if w.status != 200 {
					t.Fatalf("status %d", w.status)
				}
				var content string
				for _, it := range feedTestParse(t, format, []byte(w.body)) {
					switch it.URL {
					case url:
						content = it.Content
					default:
						if strings.Contains(it.Content, "Corrections and updates") {
							t.Errorf("%s carries notes it does not have: %s", it.URL, it.Content)
						}
					}
				}
				for _, want := range []string{
					"<li>Correction, 6 November 2024: Fixed the date &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &amp; &#34;quotes&#34;</li>",
					"<li>Update, 6 November 2024: Talks resumed.</li>",
				} {
					if !strings.Contains(content, want) {
						t.Errorf("content lacks %q:\n%s", want, content)
					}
				}
				if i, j := strings.Index(content, "<em>clashes</em>"), strings.Index(content, "Corrections and updates"); i < 0 || j < i {
					t.Errorf("notes do not follow the body:\n%s", content)
				}
				if bad := executable(content, nil); len(bad) > 0 {
					t.Errorf("feed content can run script: %v\n%s", bad, content)
				}
				if format == "rss" {
					return
				}
				want := feedTestNow.Add(-30 * time.Minute).Format(time.RFC3339)
				if got := feedTestModified(t, format, []byte(w.body))[url]; got != want {
					t.Errorf("treaty modified %q, want %q (the latest note)", got, want)
				}
			})
		}
	})
}
