package article

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// FeedArticles returns up to limit published articles matching f, newest
// first, each with its body, authors and tags: everything a syndication feed
// carries, in three queries whatever the limit.
func (s *Store) FeedArticles(ctx context.Context, f Filter, limit int) ([]Article, error) {
	if limit < 1 || limit > 100 {
		limit = 30
	}
	where, args := f.where(nil)
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryCols+`, a.body_html
		FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE `+where+` ORDER BY a.published_at DESC, a.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("article: feed: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var a Article
		if err := scanSummary(rows, &a, &a.BodyHTML); err != nil {
			return nil, fmt.Errorf("article: feed scan: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("article: feed: %w", err)
	}
	return out, s.loadLinks(ctx, out, true)
}

// SitemapChunks splits the published articles, in SitemapPage order, into
// runs of size and returns the newest change in each run, so a sitemap index
// can give every file its own lastmod without reading every row.
func (s *Store) SitemapChunks(ctx context.Context, size int) ([]time.Time, error) {
	if size < 1 {
		return nil, fmt.Errorf("article: sitemap chunk size %d", size)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT n, MAX(updated_at) FROM (
			SELECT (ROW_NUMBER() OVER (ORDER BY a.published_at DESC, a.id DESC) - 1) / $1 AS n, a.updated_at
			FROM articles a WHERE a.status = 'published') c
		GROUP BY n ORDER BY n`, size)
	if err != nil {
		return nil, fmt.Errorf("article: sitemap chunks: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var n int
		var t anyTime
		if err := rows.Scan(&n, &t); err != nil {
			return nil, fmt.Errorf("article: sitemap chunks scan: %w", err)
		}
		out = append(out, t.Time)
	}
	return out, rows.Err()
}

// Listing is a section, tag or author page that has published articles,
// with the newest change among them.
type Listing struct {
	Kind    string // "section", "tag" or "author": the first segment of its address
	Slug    string
	Updated time.Time
}

// Listings returns every section, tag and author page with at least one
// published article, for the sitemap of pages.
func (s *Store) Listings(ctx context.Context) ([]Listing, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT 'section', s.slug, MAX(a.updated_at) FROM articles a JOIN sections s ON s.id = a.section_id
			WHERE a.status = 'published' GROUP BY s.slug
		UNION ALL
		SELECT 'tag', t.slug, MAX(a.updated_at) FROM article_tags x JOIN tags t ON t.id = x.tag_id
			JOIN articles a ON a.id = x.article_id WHERE a.status = 'published' GROUP BY t.slug
		UNION ALL
		SELECT 'author', au.slug, MAX(a.updated_at) FROM article_authors x JOIN authors au ON au.id = x.author_id
			JOIN articles a ON a.id = x.article_id WHERE a.status = 'published' GROUP BY au.slug
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("article: listings: %w", err)
	}
	defer rows.Close()
	var out []Listing
	for rows.Next() {
		var l Listing
		var t anyTime
		if err := rows.Scan(&l.Kind, &l.Slug, &t); err != nil {
			return nil, fmt.Errorf("article: listings scan: %w", err)
		}
		l.Updated = t.Time
		out = append(out, l)
	}
	return out, rows.Err()
}

// anyTime scans a timestamp from either engine. PostgreSQL returns
// time.Time for MAX(timestamptz); SQLite loses the column's declared type
// in an aggregate and returns the stored text, written in the driver's
// "sqlite" time format (see db.sqliteDSN).
type anyTime struct{ time.Time }

// sqliteTimeLayouts are the forms modernc.org/sqlite writes with
// _time_format=sqlite, with and without fractional seconds.
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05-07:00", time.RFC3339Nano}

func (t *anyTime) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case time.Time:
		t.Time = v.UTC()
		return nil
	case nil:
		t.Time = time.Time{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("article: cannot scan %T as a time", v)
	}
	for _, l := range sqliteTimeLayouts {
		if p, err := time.Parse(l, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("article: unreadable time %q", s)
}

var _ sql.Scanner = (*anyTime)(nil)
