package article_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
)

// newsroomFixture is a store with a section, an author, a writer, a second
// writer and an editor, on a settable clock.
type newsroomFixture struct {
	*fixture
	room                  *article.Newsroom
	writer, other, editor article.Actor
	mu                    sync.Mutex
	audited               []string
}

func newNewsroomFixture(t *testing.T, d *db.DB, jobs article.Inserter) *newsroomFixture {
	t.Helper()
	f := &newsroomFixture{fixture: newFixture(t, d)}
	accounts := account.New(d, account.Options{Hash: account.HashParams{Memory: 1024, Time: 1, Threads: 1}})
	mk := func(email string, editor bool) article.Actor {
		role := account.Writer
		if editor {
			role = account.Editor
		}
		a, err := accounts.CreateAccount(context.Background(), account.Actor{Name: "test"},
			account.NewAccount{Email: email, Name: email, Roles: []account.Role{role}})
		if err != nil {
			t.Fatal(err)
		}
		return article.Actor{ID: a.ID, Name: a.Name, CanPublish: editor, CanEditAll: editor}
	}
	f.writer, f.other, f.editor = mk("writer@example.org", false), mk("other@example.org", false), mk("editor@example.org", true)
	f.room = article.NewNewsroom(f.store, jobs, func(_ context.Context, _ db.Queryer, action string, _ int64, _, _ any) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.audited = append(f.audited, action)
		return nil
	})
	return f
}

// draft saves a new draft by who.
func (f *newsroomFixture) draft(t *testing.T, who article.Actor, headline string) *article.Story {
	t.Helper()
	st := &article.Story{Article: article.Article{Headline: headline, BodyMD: "First line\nSecond line\n",
		Section: f.world, Authors: []article.Author{f.author}}}
	if err := f.room.Save(context.Background(), who, st); err != nil {
		t.Fatalf("save draft %q: %v", headline, err)
	}
	return st
}

func (f *newsroomFixture) advance(d time.Duration) { f.clock = f.clock.Add(d) }
