package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// summaryCols are the columns of a list entry: everything but the body.
const summaryCols = `a.id, a.slug, a.headline, a.standfirst, a.dateline, a.status, a.image_url, a.image_alt,
	a.image_caption, a.image_credit, a.top_story, a.published_at, a.created_at, a.updated_at, a.version,
	s.id, s.slug, s.name`

func scanSummary(sc interface{ Scan(...any) error }, a *Article, extra ...any) error {
	var top int
	var pub sql.NullTime
	var status string
	dest := []any{&a.ID, &a.Slug, &a.Headline, &a.Standfirst, &a.Dateline, &status, &a.Image.URL, &a.Image.Alt,
		&a.Image.Caption, &a.Image.Credit, &top, &pub, &a.CreatedAt, &a.UpdatedAt, &a.Version,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	a.Status, a.TopStory = Status(status), top != 0
	if pub.Valid {
		a.PublishedAt = pub.Time
	}
	return nil
}

// Published returns the published article with this slug, with its body,
// authors and tags, or db.ErrNotFound.
func (s *Store) Published(ctx context.Context, slug string) (Article, error) {
	var a Article
	row := s.db.QueryRowContext(ctx, `SELECT `+summaryCols+`, a.body_md, a.body_html
		FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.slug = $1 AND a.status = 'published'`, slug)
	if err := scanSummary(row, &a, &a.BodyMD, &a.BodyHTML); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Article{}, db.ErrNotFound
		}
		return Article{}, fmt.Errorf("article: load %q: %w", slug, err)
	}
	list := []Article{a}
	if err := s.loadLinks(ctx, list, true); err != nil {
		return Article{}, err
	}
	return list[0], nil
}

// Redirect returns the current slug of the article that once had oldSlug,
// or db.ErrNotFound.
func (s *Store) Redirect(ctx context.Context, oldSlug string) (string, error) {
	var slug string
	err := s.db.QueryRowContext(ctx, `SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id
		WHERE r.old_slug = $1 AND a.status = 'published'`, oldSlug).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", db.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("article: redirect %q: %w", oldSlug, err)
	}
	return slug, nil
}

// IsGone reports whether slug was taken down for good.
func (s *Store) IsGone(ctx context.Context, slug string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM gone_slugs WHERE slug = $1`, slug).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("article: gone %q: %w", slug, err)
	}
	return n > 0, nil
}

// Filter narrows a list of published articles; zero fields do not filter.
type Filter struct {
	SectionID int64
	TagID     int64
	AuthorID  int64
	TopOnly   bool
	Since     time.Time
}

func (f Filter) where(args []any) (string, []any) {
	var w strings.Builder
	w.WriteString(`a.status = 'published'`)
	add := func(cond string, v any) {
		args = append(args, v)
		w.WriteString(" AND " + strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.SectionID != 0 {
		add(`a.section_id = $?`, f.SectionID)
	}
	if f.TagID != 0 {
		add(`a.id IN (SELECT article_id FROM article_tags WHERE tag_id = $?)`, f.TagID)
	}
	if f.AuthorID != 0 {
		add(`a.id IN (SELECT article_id FROM article_authors WHERE author_id = $?)`, f.AuthorID)
	}
	if f.TopOnly {
		w.WriteString(` AND a.top_story = 1`)
	}
	if !f.Since.IsZero() {
		add(`a.published_at >= $?`, db.UTC(f.Since))
	}
	return w.String(), args
}

// List returns one page of published articles, newest first, with authors.
func (s *Store) List(ctx context.Context, f Filter, page, perPage int) (Page, error) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 20
	}
	where, args := f.where(nil)
	p := Page{Number: page, PerPage: perPage}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&p.Total); err != nil {
		return Page{}, fmt.Errorf("article: count: %w", err)
	}
	var err error
	if p.Articles, err = s.list(ctx, where, args, perPage, (page-1)*perPage); err != nil {
		return Page{}, err
	}
	return p, nil
}

// Latest returns the n newest published articles matching f, with authors,
// without counting them all: the front page's blocks need no page count.
func (s *Store) Latest(ctx context.Context, f Filter, n int) ([]Article, error) {
	where, args := f.where(nil)
	return s.list(ctx, where, args, n, 0)
}

// list reads one page of summaries. The page's ids are found first from the
// index alone, then only those rows are read: an OFFSET deep into 100,000
// articles then skips index entries, not whole rows and their joins.
func (s *Store) list(ctx context.Context, where string, args []any, limit, offset int) ([]Article, error) {
	n := len(args)
	args = append(args, limit, offset)
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.id IN (SELECT a.id FROM articles a WHERE `+where+`
			ORDER BY a.published_at DESC, a.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2)+`)
		ORDER BY a.published_at DESC, a.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("article: list: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var a Article
		if err := scanSummary(rows, &a); err != nil {
			return nil, fmt.Errorf("article: list scan: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("article: list: %w", err)
	}
	return out, s.loadLinks(ctx, out, false)
}

// loadLinks fills the authors (and tags, when withTags) of every article in
// list with one query each, not one per article.
func (s *Store) loadLinks(ctx context.Context, list []Article, withTags bool) error {
	if len(list) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(list))
	ph := make([]string, len(list))
	args := make([]any, len(list))
	for i, a := range list {
		idx[a.ID] = i
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = a.ID
	}
	in := strings.Join(ph, ",")
	rows, err := s.db.QueryContext(ctx, `SELECT aa.article_id, au.id, au.slug, au.name, au.bio FROM article_authors aa
		JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN (`+in+`) ORDER BY aa.position`, args...)
	if err != nil {
		return fmt.Errorf("article: load authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var au Author
		if err := rows.Scan(&id, &au.ID, &au.Slug, &au.Name, &au.Bio); err != nil {
			return fmt.Errorf("article: scan author: %w", err)
		}
		list[idx[id]].Authors = append(list[idx[id]].Authors, au)
	}
	if err := rows.Err(); err != nil || !withTags {
		return err
	}
	trows, err := s.db.QueryContext(ctx, `SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at
		JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN (`+in+`) ORDER BY t.name`, args...)
	if err != nil {
		return fmt.Errorf("article: load tags: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id int64
		var t Tag
		if err := trows.Scan(&id, &t.ID, &t.Slug, &t.Name); err != nil {
			return fmt.Errorf("article: scan tag: %w", err)
		}
		list[idx[id]].Tags = append(list[idx[id]].Tags, t)
	}
	return trows.Err()
}

// Sections returns every section in display order.
func (s *Store) Sections(ctx context.Context) ([]Section, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, slug, name, description, position FROM sections ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("article: sections: %w", err)
	}
	defer rows.Close()
	var out []Section
	for rows.Next() {
		var sec Section
		if err := rows.Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position); err != nil {
			return nil, fmt.Errorf("article: scan section: %w", err)
		}
		out = append(out, sec)
	}
	return out, rows.Err()
}

// SectionBySlug returns the section or db.ErrNotFound.
func (s *Store) SectionBySlug(ctx context.Context, slug string) (Section, error) {
	var sec Section
	err := s.db.QueryRowContext(ctx, `SELECT id, slug, name, description, position FROM sections WHERE slug = $1`, slug).
		Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position)
	return sec, notFound(err, "section", slug)
}

// TagBySlug returns the tag or db.ErrNotFound.
func (s *Store) TagBySlug(ctx context.Context, slug string) (Tag, error) {
	var t Tag
	err := s.db.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = $1`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	return t, notFound(err, "tag", slug)
}

// AuthorBySlug returns the author or db.ErrNotFound.
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (Author, error) {
	var a Author
	err := s.db.QueryRowContext(ctx, `SELECT id, slug, name, bio FROM authors WHERE slug = $1`, slug).Scan(&a.ID, &a.Slug, &a.Name, &a.Bio)
	return a, notFound(err, "author", slug)
}

func notFound(err error, what, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return db.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("article: %s %q: %w", what, key, err)
	}
	return nil
}

// ContentVersion is a number that goes up whenever published content
// changes, in this process or any other sharing the database.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM content_state WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("article: content version: %w", err)
	}
	return v, nil
}

// SitemapEntry is one published article's address and last change.
type SitemapEntry struct {
	Slug        string
	Headline    string
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// SitemapPage returns published articles newest first, limit at a time,
// for sitemap files.
func (s *Store) SitemapPage(ctx context.Context, f Filter, limit, offset int) ([]SitemapEntry, error) {
	where, args := f.where(nil)
	n := len(args)
	args = append(args, limit, offset)
	rows, err := s.db.QueryContext(ctx, `SELECT a.slug, a.headline, a.published_at, a.updated_at FROM articles a WHERE `+where+
		` ORDER BY a.published_at DESC, a.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), args...)
	if err != nil {
		return nil, fmt.Errorf("article: sitemap: %w", err)
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var e SitemapEntry
		if err := rows.Scan(&e.Slug, &e.Headline, &e.PublishedAt, &e.UpdatedAt); err != nil {
			return nil, fmt.Errorf("article: sitemap scan: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountPublished returns how many articles match f.
func (s *Store) CountPublished(ctx context.Context, f Filter) (int, error) {
	where, args := f.where(nil)
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("article: count: %w", err)
	}
	return n, nil
}
