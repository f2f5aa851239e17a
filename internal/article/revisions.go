package article

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Revision is the text of an article as one save left it.
type Revision struct {
	ID          int64
	ArticleID   int64
	Version     int
	Slug        string
	Headline    string
	Standfirst  string
	BodyMD      string
	SectionID   int64
	SavedBy     int64
	SavedByName string
	SavedAt     time.Time
}

const revisionCols = `id, article_id, version, slug, headline, standfirst, body_md, section_id, saved_by, saved_by_name, saved_at`

func scanRevision(sc interface{ Scan(...any) error }, r *Revision) error {
	var by sql.NullInt64
	err := sc.Scan(&r.ID, &r.ArticleID, &r.Version, &r.Slug, &r.Headline, &r.Standfirst, &r.BodyMD, &r.SectionID,
		&by, &r.SavedByName, &r.SavedAt)
	r.SavedBy = by.Int64
	return err
}

// Revisions returns every revision of an article, newest first.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]Revision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+revisionCols+` FROM article_revisions
		WHERE article_id = $1 ORDER BY version DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("article: revisions of %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		if err := scanRevision(rows, &r); err != nil {
			return nil, fmt.Errorf("article: scan revision: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision returns one revision of an article, or db.ErrNotFound.
func (s *Store) Revision(ctx context.Context, articleID, revisionID int64) (Revision, error) {
	var r Revision
	err := scanRevision(s.db.QueryRowContext(ctx, `SELECT `+revisionCols+` FROM article_revisions
		WHERE article_id = $1 AND id = $2`, articleID, revisionID), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return Revision{}, db.ErrNotFound
	}
	if err != nil {
		return Revision{}, fmt.Errorf("article: revision %d: %w", revisionID, err)
	}
	return r, nil
}

// Restore saves the text of an old revision as the article's new version:
// history is never rewritten, so the restore is itself a revision. Only
// editors may restore. A slug that another article took since fails as a
// valid.Error on "slug".
func (n *Newsroom) Restore(ctx context.Context, actor Actor, articleID, revisionID int64) (Story, error) {
	if !actor.CanEditAll {
		return Story{}, ErrForbidden
	}
	rev, err := n.store.Revision(ctx, articleID, revisionID)
	if err != nil {
		return Story{}, err
	}
	st, err := n.store.ByID(ctx, articleID)
	if err != nil {
		return Story{}, err
	}
	st.Slug, st.Headline, st.Standfirst, st.BodyMD = rev.Slug, rev.Headline, rev.Standfirst, rev.BodyMD
	st.Section = Section{ID: rev.SectionID}
	if err := n.save(ctx, actor, &st, "article.restore"); err != nil {
		return Story{}, err
	}
	return st, nil
}
