package article

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Save stores a new story (ID 0) as a draft created by actor, or the
// content of an existing one: headline, standfirst, slug, body, section,
// tags, authors, dateline and image. Its state (status, publication and
// schedule times, top story) is never taken from st: only the workflow
// methods move it. Every save keeps a revision and is audited.
//
// A writer may save only their own drafts and submissions (ErrForbidden
// otherwise); an editor may save anything, and a published article stays
// published with the new text.
func (n *Newsroom) Save(ctx context.Context, actor Actor, st *Story) error {
	action := "article.update"
	if st.ID == 0 {
		action = "article.create"
	}
	return n.save(ctx, actor, st, action)
}

func (n *Newsroom) save(ctx context.Context, actor Actor, st *Story, action string) error {
	s := n.store
	dropNUL(st)
	if err := s.prepare(&st.Article); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before any
		if st.ID != 0 {
			cur, err := s.byID(ctx, tx, st.ID)
			if err != nil {
				return err
			}
			if !actor.MayEdit(cur) {
				return ErrForbidden
			}
			st.Status, st.PublishedAt, st.TopStory = cur.Status, cur.PublishedAt, cur.TopStory
			st.CreatedBy, st.ScheduledAt = cur.CreatedBy, cur.ScheduledAt
			before = viewOf(cur)
		} else {
			st.Status, st.PublishedAt, st.ScheduledAt, st.CreatedBy = Draft, time.Time{}, time.Time{}, actor.ID
		}
		if err := s.saveTx(ctx, tx, &st.Article); err != nil {
			return err
		}
		if before == nil && actor.ID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE articles SET created_by = $2 WHERE id = $1`, st.ID, actor.ID); err != nil {
				return fmt.Errorf("article: set creator: %w", err)
			}
		}
		if err := insertRevision(ctx, tx, st, actor, st.UpdatedAt); err != nil {
			return err
		}
		if err := n.record(ctx, tx, action, st.ID, before, viewOf(*st)); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
}

// insertRevision keeps the text of st as saved by actor.
func insertRevision(ctx context.Context, tx *sql.Tx, st *Story, actor Actor, at time.Time) error {
	var by any
	if actor.ID != 0 {
		by = actor.ID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO article_revisions
		(article_id, version, slug, headline, standfirst, body_md, section_id, saved_by, saved_by_name, saved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		st.ID, st.Version, st.Slug, st.Headline, st.Standfirst, st.BodyMD, st.Section.ID, by, actor.Name, db.UTC(at))
	if err != nil {
		return fmt.Errorf("article: revision of %d: %w", st.ID, err)
	}
	return nil
}

// dropNUL removes NUL characters from every text field: PostgreSQL refuses
// them in TEXT, no keyboard types them, and a pasted one must not turn a
// save into a server error.
func dropNUL(st *Story) {
	for _, f := range []*string{&st.Headline, &st.Standfirst, &st.BodyMD, &st.Slug, &st.Dateline,
		&st.Image.Alt, &st.Image.Caption, &st.Image.Credit} {
		*f = strings.ReplaceAll(*f, "\x00", "")
	}
	for i := range st.Tags {
		st.Tags[i].Name = strings.ReplaceAll(st.Tags[i].Name, "\x00", "")
	}
}
