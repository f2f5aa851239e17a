package article_test

import (
	"context"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"slices"
	"testing"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestSaveAuthor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newNewsroomFixture(t, d, nil)
		ctx := context.Background()
		var audited []string
		audit := func(_ context.Context, _ db.Queryer, action string, _ int64, _, _ any) error {
			audited = append(audited, action)
			return nil
		}
		p, err := f.store.SaveAuthor(ctx, article.AuthorProfile{Author: article.Author{Name: " Bea Columnist ", Bio: "Writes on work."},
			AccountID: f.writer.ID}, audit)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Slug != "bea-columnist" || p.Name != "Bea Columnist" {
			t.Fatalf("created %+v", p)
		}
		if au, err := f.store.AuthorForAccount(ctx, f.writer.ID); err != nil || au.ID != p.ID {
			t.Fatalf("byline of the linked writer: %+v %v", au, err)
		}
		fieldOf := func(err error) string {
			var v valid.Error
			if !errors.As(err, &v) {
				t.Fatalf("want a valid.Error, got %v", err)
			}
			return v.Field
		}
		// Ann's slug, and the writer's account, are taken.
		_, err = f.store.SaveAuthor(ctx, article.AuthorProfile{Author: article.Author{Name: "Ann Again", Slug: f.author.Slug}}, audit)
		if got := fieldOf(err); got != "slug" {
			t.Errorf("duplicate slug refused on %q", got)
		}
		_, err = f.store.SaveAuthor(ctx, article.AuthorProfile{Author: f.author, AccountID: f.writer.ID}, audit)
		if got := fieldOf(err); got != "account" {
			t.Errorf("second byline for one account refused on %q", got)
		}
		for _, bad := range []article.AuthorProfile{
			{Author: article.Author{Name: ""}},
			{Author: article.Author{Name: "X", Slug: "Not A Slug"}},
		} {
			if _, err := f.store.SaveAuthor(ctx, bad, audit); err == nil {
				t.Errorf("saved %+v", bad)
			}
		}
		if _, err := f.store.SaveAuthor(ctx, article.AuthorProfile{Author: article.Author{ID: 99999, Name: "Nobody"}}, audit); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("update of a missing author: %v", err)
		}
		// Move the byline to another writer, then untie it.
		p.AccountID = f.other.ID
		if _, err := f.store.SaveAuthor(ctx, p, audit); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.AuthorForAccount(ctx, f.writer.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("first writer still has the byline: %v", err)
		}
		p.AccountID = 0
		if _, err := f.store.SaveAuthor(ctx, p, audit); err != nil {
			t.Fatal(err)
		}
		got, err := f.store.AuthorProfile(ctx, p.ID)
		if err != nil || got.AccountID != 0 || got.Bio != "Writes on work." {
			t.Errorf("after unlink: %+v %v", got, err)
		}
		want := []string{"author.create", "author.link", "author.update", "author.link", "author.update", "author.unlink"}
		if !slices.Equal(audited, want) {
			t.Errorf("audited %v, want %v", audited, want)
		}
	})
}
