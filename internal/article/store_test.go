package article_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

type fixture struct {
	store  *article.Store
	world  article.Section
	author article.Author
	clock  time.Time
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{clock: time.Date(2024, 11, 6, 12, 0, 0, 0, time.UTC)}
	f.store = article.NewStore(d, func() time.Time { return f.clock })
	ctx := context.Background()
	var err error
	if f.world, err = f.store.UpsertSection(ctx, article.Section{Slug: "world", Name: "World"}); err != nil {
		t.Fatal(err)
	}
	if f.author, err = f.store.UpsertAuthor(ctx, article.Author{Slug: "ann-reporter", Name: "Ann Reporter"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) publish(t *testing.T, headline, body string, tags ...string) *article.Article {
	t.Helper()
	a := &article.Article{Headline: headline, Standfirst: "Standfirst of " + headline, BodyMD: body,
		Section: f.world, Authors: []article.Author{f.author}, Status: article.Published}
	for _, tg := range tags {
		a.Tags = append(a.Tags, article.Tag{Name: tg})
	}
	if err := f.store.Save(context.Background(), a); err != nil {
		t.Fatalf("save %q: %v", headline, err)
	}
	f.clock = f.clock.Add(time.Minute)
	return a
}

func TestSaveLoadAndSanitise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.publish(t, "Russia ratifies treaty with North Korea", "Body **bold**\n\n<script>alert(1)</script><a href=\"javascript:alert(1)\" onclick=\"x()\">link</a>", "Russia", "North Korea")
		if a.Slug != "russia-ratifies-treaty-with-north-korea" {
			t.Fatalf("slug %q", a.Slug)
		}
		got, err := f.store.Published(ctx, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.BodyHTML, "<strong>bold</strong>") {
			t.Errorf("markdown not rendered: %s", got.BodyHTML)
		}
		for _, bad := range []string{"<script", "javascript:", "onclick"} {
			if strings.Contains(got.BodyHTML, bad) {
				t.Errorf("body kept %q: %s", bad, got.BodyHTML)
			}
		}
		if len(got.Tags) != 2 || len(got.Authors) != 1 || got.Authors[0].Name != "Ann Reporter" {
			t.Errorf("links: tags %v authors %v", got.Tags, got.Authors)
		}
		if got.PublishedAt.IsZero() || got.Section.Slug != "world" {
			t.Errorf("published %v section %v", got.PublishedAt, got.Section)
		}
	})
}

func TestSlugChangeRedirectsAndDuplicateSlugRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.publish(t, "First headline", "x")
		old := a.Slug
		a.Slug = "better-headline"
		if err := f.store.Save(ctx, a); err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 {
			t.Errorf("version %d, want 2", a.Version)
		}
		if to, err := f.store.Redirect(ctx, old); err != nil || to != "better-headline" {
			t.Fatalf("redirect %q → %q, %v", old, to, err)
		}
		if _, err := f.store.Published(ctx, old); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("old slug still found: %v", err)
		}
		b := &article.Article{Headline: "Other", Slug: "better-headline", Section: f.world}
		var ve valid.Error
		if err := f.store.Save(ctx, b); !errors.As(err, &ve) || ve.Field != "slug" {
			t.Fatalf("duplicate slug: %v", err)
		}
	})
}

func TestListFiltersAndPaginates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for i := 0; i < 25; i++ {
			tag := "even"
			if i%2 == 1 {
				tag = "odd"
			}
			f.publish(t, "Story number "+string(rune('A'+i)), "body", tag)
		}
		draft := &article.Article{Headline: "Secret draft", Section: f.world}
		if err := f.store.Save(ctx, draft); err != nil {
			t.Fatal(err)
		}
		p, err := f.store.List(ctx, article.Filter{}, 2, 10)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 25 || len(p.Articles) != 10 || p.Pages() != 3 || !p.HasNext() || !p.HasPrev() {
			t.Fatalf("page: total %d len %d pages %d", p.Total, len(p.Articles), p.Pages())
		}
		if p.Articles[0].Headline != "Story number O" {
			t.Errorf("newest-first order broken: %q", p.Articles[0].Headline)
		}
		odd, err := f.store.TagBySlug(ctx, "odd")
		if err != nil {
			t.Fatal(err)
		}
		tp, err := f.store.List(ctx, article.Filter{TagID: odd.ID}, 1, 50)
		if err != nil || tp.Total != 12 {
			t.Fatalf("tag list: %d, %v", tp.Total, err)
		}
		ap, err := f.store.List(ctx, article.Filter{AuthorID: f.author.ID}, 1, 50)
		if err != nil || ap.Total != 25 || len(ap.Articles[0].Authors) != 1 {
			t.Fatalf("author list: %d, %v", ap.Total, err)
		}
	})
}

func TestSearchHighlightsAndSurvivesHostileQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.publish(t, "Treaty ratified", "The Federation Council ratified the treaty with <b>North Korea</b> today.")
		f.publish(t, "Kursk fighting", "Ukrainian artillery engaged North Korean soldiers in Kursk.")
		f.publish(t, "Weather", "Rain in Leeds.")
		res, err := f.store.Search(ctx, "treaty", 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || !strings.Contains(string(res.Hits[0].Headline), "<mark>Treaty</mark>") {
			t.Fatalf("search treaty: total %d hits %+v", res.Total, res.Hits)
		}
		if !strings.Contains(string(res.Hits[0].Snippet), "<mark>") {
			t.Errorf("snippet not highlighted: %s", res.Hits[0].Snippet)
		}
		if res, err := f.store.Search(ctx, "kursk", 1, 10); err != nil || res.Total != 1 {
			t.Fatalf("search kursk: %d %v", res.Total, err)
		}
		for _, q := range []string{`"`, `NEAR(`, `treaty OR`, `headline:x`, `*`, `'; DROP TABLE articles; --`, "\xff\xfe", strings.Repeat("a ", 5000), `^`, `AND`, `-`} {
			if _, err := f.store.Search(ctx, q, 1, 10); err != nil {
				t.Errorf("query %q: %v", q[:min(len(q), 20)], err)
			}
		}
	})
}

// A word found in more articles than are ranked still answers quickly with
// the best of the newest, and says that there are more.
func TestSearchCapsCommonWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) { searchCapsCommonWords(t, d) })
}

func searchCapsCommonWords(t *testing.T, d *db.DB) {
	f := newFixture(t, d)
	list := make([]*article.Article, 0, article.MaxHits+50)
	for i := 0; i < article.MaxHits+50; i++ {
		list = append(list, &article.Article{Headline: fmt.Sprintf("Rent rise %d", i), Slug: fmt.Sprintf("rent-rise-%d", i),
			BodyMD: "Tenants face a rent rise.", Section: f.world, Status: article.Published,
			PublishedAt: f.clock.Add(time.Duration(i) * time.Minute)})
	}
	if err := f.store.SaveAll(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.Search(context.Background(), "rent", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Capped || res.Total != article.MaxHits || len(res.Hits) != 10 {
		t.Fatalf("capped %v total %d hits %d", res.Capped, res.Total, len(res.Hits))
	}
	if !strings.Contains(string(res.Hits[0].Headline), "<mark>") {
		t.Errorf("not highlighted: %s", res.Hits[0].Headline)
	}
}
