package article_test

import (
	"context"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"slices"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestWorkflowRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newNewsroomFixture(t, d, nil)
		st := f.draft(t, f.writer, "Dockers strike at Felixstowe")
		if st.Status != article.Draft || st.CreatedBy != f.writer.ID || st.Slug != "dockers-strike-at-felixstowe" {
			t.Fatalf("new draft: %+v", st)
		}

		// Another writer can neither edit nor submit it.
		theirs := *st
		theirs.Headline = "Hijacked"
		if err := f.room.Save(ctx, f.other, &theirs); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("other writer saving: %v, want ErrForbidden", err)
		}
		if _, err := f.room.Submit(ctx, f.other, st.ID); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("other writer submitting: %v", err)
		}
		// Its writer edits and submits it, and cannot publish or schedule.
		st.Standfirst = "Port closed for a second day"
		if err := f.room.Save(ctx, f.writer, st); err != nil {
			t.Fatal(err)
		}
		if _, err := f.room.Submit(ctx, f.writer, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.room.Publish(ctx, f.writer, st.ID); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer publishing: %v", err)
		}
		f.advance(time.Hour)
		if _, err := f.room.Schedule(ctx, f.writer, st.ID, f.clock.Add(time.Hour)); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer scheduling: %v", err)
		}
		if _, err := f.room.Submit(ctx, f.writer, st.ID); !isField(err, "status") {
			t.Fatalf("submitting twice: %v", err)
		}
		// The editor publishes; the writer may no longer edit it.
		pub, err := f.room.Publish(ctx, f.editor, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Status != article.Published || !pub.PublishedAt.Equal(f.clock) {
			t.Fatalf("published: %s at %v", pub.Status, pub.PublishedAt)
		}
		if _, err := f.store.Published(ctx, st.Slug); err != nil {
			t.Fatalf("readers cannot see it: %v", err)
		}
		mine, _ := f.store.ByID(ctx, st.ID)
		mine.Headline = "Changed after publication"
		if err := f.room.Save(ctx, f.writer, &mine); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer editing a published article: %v", err)
		}
		// An editor's edit keeps it published.
		mine.Headline = "Dockers strike at Felixstowe for a second day"
		if err := f.room.Save(ctx, f.editor, &mine); err != nil || mine.Status != article.Published {
			t.Fatalf("editor edit: %v %s", err, mine.Status)
		}
		if _, err := f.room.Unpublish(ctx, f.writer, st.ID); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer unpublishing: %v", err)
		}
		if _, err := f.room.Unpublish(ctx, f.editor, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Published(ctx, mine.Slug); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unpublished article still public: %v", err)
		}
		back, err := f.room.ToDraft(ctx, f.editor, st.ID)
		if err != nil || back.Status != article.Draft {
			t.Fatalf("back to draft: %v %s", err, back.Status)
		}
		// Republished, it keeps its first publication time.
		f.advance(time.Hour)
		again, err := f.room.Publish(ctx, f.editor, st.ID)
		if err != nil || !again.PublishedAt.Equal(pub.PublishedAt) {
			t.Fatalf("republish: %v, published at %v, want %v", err, again.PublishedAt, pub.PublishedAt)
		}
		want := []string{"article.create", "article.update", "article.submit", "article.publish", "article.update",
			"article.unpublish", "article.to_draft", "article.publish"}
		if !slices.Equal(f.audited, want) {
			t.Errorf("audited %v\nwant %v", f.audited, want)
		}
		if _, err := f.store.ByID(ctx, 99999); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("missing id: %v", err)
		}
	})
}

func TestSaveValidationAndSlugs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newNewsroomFixture(t, d, nil)
		a := f.draft(t, f.editor, "Same headline")
		b := &article.Story{Article: article.Article{Headline: "Same headline", Section: f.world}}
		if err := f.room.Save(ctx, f.editor, b); !isField(err, "slug") {
			t.Fatalf("duplicate slug: %v", err)
		}
		b.Slug = "same-headline-2"
		if err := f.room.Save(ctx, f.editor, b); err != nil {
			t.Fatal(err)
		}
		for name, st := range map[string]article.Story{
			"empty headline": {Article: article.Article{Section: f.world}},
			"bad slug":       {Article: article.Article{Headline: "x", Slug: "Not A Slug", Section: f.world}},
			"no section":     {Article: article.Article{Headline: "x"}},
		} {
			if err := f.room.Save(ctx, f.editor, &st); err == nil {
				t.Errorf("%s: saved", name)
			}
		}
		// A published article's old slug redirects after a change.
		if _, err := f.room.Publish(ctx, f.editor, a.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ := f.store.ByID(ctx, a.ID)
		cur.Slug = "a-better-slug"
		if err := f.room.Save(ctx, f.editor, &cur); err != nil {
			t.Fatal(err)
		}
		if to, err := f.store.Redirect(ctx, "same-headline"); err != nil || to != "a-better-slug" {
			t.Fatalf("redirect: %q %v", to, err)
		}
	})
}

func isField(err error, field string) bool {
	var v valid.Error
	return errors.As(err, &v) && v.Field == field
}
