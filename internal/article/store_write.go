package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Store reads and writes articles and their sections, tags and authors.
type Store struct {
	db  *db.DB
	r   *Renderer
	now func() time.Time
}

// NewStore returns a Store on d; now is the clock (time.Now in production).
func NewStore(d *db.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, r: NewRenderer(), now: now}
}

// Renderer is the Markdown renderer and sanitiser the store uses.
func (s *Store) Renderer() *Renderer { return s.r }

// UpsertSection creates a section or updates the one with the same slug.
func (s *Store) UpsertSection(ctx context.Context, sec Section) (Section, error) {
	if !ValidSlug(sec.Slug) || strings.TrimSpace(sec.Name) == "" {
		return Section{}, valid.Error{Field: "section", Message: "A section needs a name and a valid slug."}
	}
	err := s.db.Writer().QueryRowContext(ctx, `
		INSERT INTO sections (slug, name, description, position) VALUES ($1, $2, $3, $4)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description, position = excluded.position
		RETURNING id`, sec.Slug, sec.Name, sec.Description, sec.Position).Scan(&sec.ID)
	if err != nil {
		return Section{}, fmt.Errorf("article: upsert section %s: %w", sec.Slug, err)
	}
	return sec, s.bump(ctx, s.db.Writer())
}

// UpsertAuthor creates an author or updates the one with the same slug.
func (s *Store) UpsertAuthor(ctx context.Context, a Author) (Author, error) {
	if !ValidSlug(a.Slug) || strings.TrimSpace(a.Name) == "" {
		return Author{}, valid.Error{Field: "author", Message: "An author needs a name and a valid slug."}
	}
	err := s.db.Writer().QueryRowContext(ctx, `
		INSERT INTO authors (slug, name, bio) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio
		RETURNING id`, a.Slug, a.Name, a.Bio).Scan(&a.ID)
	if err != nil {
		return Author{}, fmt.Errorf("article: upsert author %s: %w", a.Slug, err)
	}
	return a, s.bump(ctx, s.db.Writer())
}

// UpsertTag creates a tag or renames the one with the same slug.
func (s *Store) UpsertTag(ctx context.Context, t Tag) (Tag, error) {
	return upsertTag(ctx, s.db.Writer(), t)
}

func upsertTag(ctx context.Context, q db.Queryer, t Tag) (Tag, error) {
	if t.Slug == "" {
		t.Slug = Slugify(t.Name)
	}
	if !ValidSlug(t.Slug) || strings.TrimSpace(t.Name) == "" {
		return Tag{}, valid.Error{Field: "tags", Message: fmt.Sprintf("The tag %q needs letters or digits.", t.Name)}
	}
	err := q.QueryRowContext(ctx, `
		INSERT INTO tags (slug, name) VALUES ($1, $2)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name
		RETURNING id`, t.Slug, t.Name).Scan(&t.ID)
	if err != nil {
		return Tag{}, fmt.Errorf("article: upsert tag %s: %w", t.Slug, err)
	}
	return t, nil
}

// Save inserts a new article (ID 0) or updates an existing one: it renders
// and sanitises the body, keeps the old slug as a redirect when the slug
// changes, replaces authors and tags, and marks the content as changed so
// every cache drops it. a is updated with its ID, version and times.
func (s *Store) Save(ctx context.Context, a *Article) error {
	return s.SaveAll(ctx, []*Article{a})
}

// SaveAll saves several articles in one transaction: all or none. Imports
// and generated content use it, since one commit per article is the slow
// part of a bulk load.
func (s *Store) SaveAll(ctx context.Context, list []*Article) error {
	for _, a := range list {
		if err := s.prepare(a); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, a := range list {
			if err := s.saveTx(ctx, tx, a); err != nil {
				return err
			}
		}
		return s.bump(ctx, tx)
	})
}

// prepare validates a and renders its body, before any transaction opens.
func (s *Store) prepare(a *Article) error {
	if a.Slug == "" {
		a.Slug = Slugify(a.Headline)
	}
	if err := a.validate(); err != nil {
		return err
	}
	body, err := s.r.HTML(a.BodyMD)
	if err != nil {
		return err
	}
	a.BodyHTML = body
	if a.Status == "" {
		a.Status = Draft
	}
	if a.Status == Published && a.PublishedAt.IsZero() {
		a.PublishedAt = db.UTC(s.now())
	}
	return nil
}

func (s *Store) saveTx(ctx context.Context, tx *sql.Tx, a *Article) error {
	now := db.UTC(s.now())
	var published any
	if !a.PublishedAt.IsZero() {
		published = db.UTC(a.PublishedAt)
	}
	var err error
	if a.ID == 0 {
		a.CreatedAt, a.UpdatedAt, a.Version = now, now, 1
		err = tx.QueryRowContext(ctx, `
			INSERT INTO articles (slug, headline, standfirst, body_md, body_html, body_text, section_id, dateline,
				status, image_url, image_alt, image_caption, image_credit, top_story, published_at, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1)
			RETURNING id`,
			a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, PlainText(a.BodyHTML), a.Section.ID, a.Dateline,
			string(a.Status), a.Image.URL, a.Image.Alt, a.Image.Caption, a.Image.Credit, boolInt(a.TopStory), published, now).Scan(&a.ID)
	} else {
		var oldSlug string
		if err := tx.QueryRowContext(ctx, `SELECT slug FROM articles WHERE id = $1`, a.ID).Scan(&oldSlug); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return db.ErrNotFound
			}
			return fmt.Errorf("article: load %d: %w", a.ID, err)
		}
		a.UpdatedAt = now
		err = tx.QueryRowContext(ctx, `
			UPDATE articles SET slug = $2, headline = $3, standfirst = $4, body_md = $5, body_html = $6, body_text = $7,
				section_id = $8, dateline = $9, status = $10, image_url = $11, image_alt = $12, image_caption = $13,
				image_credit = $14, top_story = $15, published_at = $16, updated_at = $17, version = version + 1
			WHERE id = $1 RETURNING version, created_at`,
			a.ID, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, PlainText(a.BodyHTML), a.Section.ID, a.Dateline,
			string(a.Status), a.Image.URL, a.Image.Alt, a.Image.Caption, a.Image.Credit, boolInt(a.TopStory), published, now).Scan(&a.Version, &a.CreatedAt)
		if err == nil && oldSlug != a.Slug {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO article_redirects (old_slug, article_id) VALUES ($1, $2)
				ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id`, oldSlug, a.ID)
		}
	}
	if err != nil {
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: "slug", Message: "Another article already uses this slug."}
		}
		return fmt.Errorf("article: save %q: %w", a.Slug, err)
	}
	// A slug in use is no longer an old slug of anything.
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_redirects WHERE old_slug = $1`, a.Slug); err != nil {
		return fmt.Errorf("article: clear redirect: %w", err)
	}
	return s.saveLinks(ctx, tx, a)
}

// saveLinks replaces the article's authors and tags.
func (s *Store) saveLinks(ctx context.Context, tx *sql.Tx, a *Article) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_authors WHERE article_id = $1`, a.ID); err != nil {
		return fmt.Errorf("article: clear authors: %w", err)
	}
	for i, au := range a.Authors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)`,
			a.ID, au.ID, i); err != nil {
			return fmt.Errorf("article: link author %d: %w", au.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_tags WHERE article_id = $1`, a.ID); err != nil {
		return fmt.Errorf("article: clear tags: %w", err)
	}
	seen := map[string]bool{}
	for i, t := range a.Tags {
		t, err := upsertTag(ctx, tx, t)
		if err != nil {
			return err
		}
		a.Tags[i] = t
		if seen[t.Slug] {
			continue
		}
		seen[t.Slug] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)`, a.ID, t.ID); err != nil {
			return fmt.Errorf("article: link tag %s: %w", t.Slug, err)
		}
	}
	return nil
}

// MarkGone records that slug was taken down for good, so readers get 410.
func (s *Store) MarkGone(ctx context.Context, slug string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET status = 'unpublished', version = version + 1 WHERE slug = $1`, slug); err != nil {
			return fmt.Errorf("article: unpublish %s: %w", slug, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING`,
			slug, db.UTC(s.now())); err != nil {
			return fmt.Errorf("article: mark %s gone: %w", slug, err)
		}
		return s.bump(ctx, tx)
	})
}

// bump raises the shared content version so every process drops its caches.
func (s *Store) bump(ctx context.Context, q db.Queryer) error {
	if _, err := q.ExecContext(ctx, `UPDATE content_state SET version = version + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("article: bump content version: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
