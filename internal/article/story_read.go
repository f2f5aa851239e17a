package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strconv"

	"github.com/coopress/coopress/internal/db"
)

// storyCols are a list entry's columns plus the newsroom's own.
const storyCols = summaryCols + `, a.created_by, a.scheduled_at`

func scanStory(sc interface{ Scan(...any) error }, st *Story, extra ...any) error {
	var by sql.NullInt64
	var at sql.NullTime
	if err := scanSummary(sc, &st.Article, append([]any{&by, &at}, extra...)...); err != nil {
		return err
	}
	st.CreatedBy = by.Int64
	st.ScheduledAt = at.Time
	return nil
}

// ByID returns the article with this id in whatever state, with its body,
// authors and tags, or db.ErrNotFound.
func (s *Store) ByID(ctx context.Context, id int64) (Story, error) {
	return s.byID(ctx, s.db, id)
}

func (s *Store) byID(ctx context.Context, q db.Queryer, id int64) (Story, error) {
	var st Story
	row := q.QueryRowContext(ctx, `SELECT `+storyCols+`, a.body_md, a.body_html
		FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1`, id)
	if err := scanStory(row, &st, &st.BodyMD, &st.BodyHTML); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Story{}, db.ErrNotFound
		}
		return Story{}, fmt.Errorf("article: load %d: %w", id, err)
	}
	list := []Article{st.Article}
	if err := s.loadLinksWith(ctx, q, list); err != nil {
		return Story{}, err
	}
	st.Article = list[0]
	return st, nil
}

// loadLinksWith fills authors and tags through q. Inside a transaction on
// SQLite the reader pool would not see uncommitted rows, so q matters.
func (s *Store) loadLinksWith(ctx context.Context, q db.Queryer, list []Article) error {
	a := &list[0]
	rows, err := q.QueryContext(ctx, `SELECT au.id, au.slug, au.name, au.bio FROM article_authors aa
		JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1 ORDER BY aa.position`, a.ID)
	if err != nil {
		return fmt.Errorf("article: load authors: %w", err)
	}
	a.Authors = nil
	for rows.Next() {
		var au Author
		if err := rows.Scan(&au.ID, &au.Slug, &au.Name, &au.Bio); err != nil {
			rows.Close()
			return fmt.Errorf("article: scan author: %w", err)
		}
		a.Authors = append(a.Authors, au)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	trows, err := q.QueryContext(ctx, `SELECT t.id, t.slug, t.name FROM article_tags at
		JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 ORDER BY t.name`, a.ID)
	if err != nil {
		return fmt.Errorf("article: load tags: %w", err)
	}
	defer trows.Close()
	a.Tags = nil
	for trows.Next() {
		var t Tag
		if err := trows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return fmt.Errorf("article: scan tag: %w", err)
		}
		a.Tags = append(a.Tags, t)
	}
	return trows.Err()
}

// AdminFilter narrows the staff list of articles; zero fields do not
// filter.
type AdminFilter struct {
	Status    Status
	CreatedBy int64
}

// AdminList returns one page of articles in any state, most recently
// changed first, for the staff list.
func (s *Store) AdminList(ctx context.Context, f AdminFilter, page, perPage int) ([]Story, int, error) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 200 {
		perPage = 50
	}
	where, args := "1 = 1", []any{}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where += " AND a.status = $" + strconv.Itoa(len(args))
	}
	if f.CreatedBy != 0 {
		args = append(args, f.CreatedBy)
		where += " AND a.created_by = $" + strconv.Itoa(len(args))
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("article: admin count: %w", err)
	}
	n := len(args)
	args = append(args, perPage, (page-1)*perPage)
	list, err := s.stories(ctx, `SELECT `+storyCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE `+where+` ORDER BY a.updated_at DESC, a.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), args...)
	return list, total, err
}

// stories runs a query over storyCols and loads each story's authors.
func (s *Store) stories(ctx context.Context, query string, args ...any) ([]Story, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("article: stories: %w", err)
	}
	defer rows.Close()
	var out []Story
	for rows.Next() {
		var st Story
		if err := scanStory(rows, &st); err != nil {
			return nil, fmt.Errorf("article: stories scan: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	arts := make([]Article, len(out))
	for i := range out {
		arts[i] = out[i].Article
	}
	if err := s.loadLinks(ctx, arts, false); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Article = arts[i]
	}
	return out, nil
}

// Desk is the editor's dashboard: what waits for review, what is
// scheduled, and what went out lately.
type Desk struct {
	Waiting   []Story // submitted, oldest first: first come, first reviewed
	Scheduled []Story // soonest first
	Recent    []Story // newest first
	Drafts    []Story // still being written, most recently changed first
}

// ListForDesk fills the dashboard; each list holds at most limit stories.
func (s *Store) ListForDesk(ctx context.Context, limit int) (Desk, error) {
	if limit < 1 {
		limit = 20
	}
	var d Desk
	var err error
	from := `SELECT ` + storyCols + ` FROM articles a JOIN sections s ON s.id = a.section_id `
	if d.Waiting, err = s.stories(ctx, from+`WHERE a.status = 'submitted' ORDER BY a.updated_at, a.id LIMIT $1`, limit); err != nil {
		return Desk{}, err
	}
	if d.Scheduled, err = s.stories(ctx, from+`WHERE a.status = 'scheduled' ORDER BY a.scheduled_at, a.id LIMIT $1`, limit); err != nil {
		return Desk{}, err
	}
	if d.Recent, err = s.stories(ctx, from+`WHERE a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT $1`, limit); err != nil {
		return Desk{}, err
	}
	if d.Drafts, err = s.stories(ctx, from+`WHERE a.status = 'draft' ORDER BY a.updated_at DESC, a.id DESC LIMIT $1`, limit); err != nil {
		return Desk{}, err
	}
	return d, nil
}

// Authors returns every author by name, for the byline picker.
func (s *Store) Authors(ctx context.Context) ([]Author, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, slug, name, bio FROM authors ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("article: authors: %w", err)
	}
	defer rows.Close()
	var out []Author
	for rows.Next() {
		var a Author
		if err := rows.Scan(&a.ID, &a.Slug, &a.Name, &a.Bio); err != nil {
			return nil, fmt.Errorf("article: scan author: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AuthorForAccount returns the byline linked to a staff account, or
// db.ErrNotFound.
func (s *Store) AuthorForAccount(ctx context.Context, accountID int64) (Author, error) {
	var a Author
	err := s.db.QueryRowContext(ctx, `SELECT id, slug, name, bio FROM authors WHERE account_id = $1`, accountID).
		Scan(&a.ID, &a.Slug, &a.Name, &a.Bio)
	return a, notFound(err, "author of account", strconv.FormatInt(accountID, 10))
}

// LinkAuthor ties an author's byline to a staff account (0 to untie).
func (s *Store) LinkAuthor(ctx context.Context, authorID, accountID int64) error {
	var acc any
	if accountID != 0 {
		acc = accountID
	}
	res, err := s.db.ExecContext(ctx, `UPDATE authors SET account_id = $2 WHERE id = $1`, authorID, acc)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: "author", Message: "That account already has a byline."}
		}
		return fmt.Errorf("article: link author %d: %w", authorID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}
