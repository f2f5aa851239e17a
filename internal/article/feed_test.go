package article_test

import (
	"context"
	"testing"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestFeedArticlesChunksAndListings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		first := f.publish(t, "First story", "Body *one*", "Energy")
		f.publish(t, "Second story", "Body two", "Energy", "Kursk")
		last := f.publish(t, "Third story", "Body three")

		got, err := f.store.FeedArticles(ctx, article.Filter{}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != last.ID || got[1].Headline != "Second story" {
			t.Fatalf("feed articles: %+v", got)
		}
		if len(got[1].Tags) != 2 || len(got[1].Authors) != 1 || got[1].BodyHTML == "" {
			t.Errorf("second story lacks tags, authors or body: %+v", got[1])
		}

		chunks, err := f.store.SitemapChunks(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		// Newest first: [third, second] then [first].
		if len(chunks) != 2 || !chunks[0].Equal(last.UpdatedAt) || !chunks[1].Equal(first.UpdatedAt) {
			t.Errorf("chunks %v, want [%v %v]", chunks, last.UpdatedAt, first.UpdatedAt)
		}

		ls, err := f.store.Listings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"author/ann-reporter": true, "section/world": true, "tag/energy": true, "tag/kursk": true}
		for _, l := range ls {
			if !want[l.Kind+"/"+l.Slug] || l.Updated.IsZero() {
				t.Errorf("unexpected listing %+v", l)
			}
			delete(want, l.Kind+"/"+l.Slug)
			if l.Kind == "section" && !l.Updated.Equal(last.UpdatedAt) {
				t.Errorf("section updated %v, want %v", l.Updated, last.UpdatedAt)
			}
		}
		if len(want) != 0 {
			t.Errorf("missing listings %v", want)
		}
	})
}
