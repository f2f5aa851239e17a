package article

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
)

// The workflow:
//
//	draft → submitted → published now, or scheduled → published by a job
//	published or scheduled → unpublished → (back to) draft
//
// Writers move their own drafts to submitted and back; everything else is
// for people who CanPublish.

func stateError(msg string) error { return valid.Error{Field: "status", Message: msg} }

// Submit sends a draft for review. Its writer or an editor may do it.
func (n *Newsroom) Submit(ctx context.Context, actor Actor, id int64) (Story, error) {
	return n.transition(ctx, actor, id, "article.submit", func(cur *Story) error {
		if !actor.MayEdit(*cur) {
			return ErrForbidden
		}
		if cur.Status != Draft {
			return stateError("Only a draft can be submitted for review.")
		}
		cur.Status = Submitted
		return nil
	})
}

// ToDraft takes an article back to draft: its writer may withdraw a
// submission; an editor may also return a scheduled or unpublished one.
func (n *Newsroom) ToDraft(ctx context.Context, actor Actor, id int64) (Story, error) {
	return n.transition(ctx, actor, id, "article.to_draft", func(cur *Story) error {
		switch cur.Status {
		case Submitted:
			if !actor.MayEdit(*cur) {
				return ErrForbidden
			}
		case Scheduled, Unpublished:
			if !actor.CanPublish {
				return ErrForbidden
			}
		default:
			return stateError("Only a submitted, scheduled or unpublished article can go back to draft.")
		}
		cur.Status, cur.ScheduledAt = Draft, time.Time{}
		return nil
	})
}

// Publish puts the article in front of readers now. An article published
// before keeps its first publication time.
func (n *Newsroom) Publish(ctx context.Context, actor Actor, id int64) (Story, error) {
	now := db.UTC(n.store.now())
	return n.transition(ctx, actor, id, "article.publish", func(cur *Story) error {
		if !actor.CanPublish {
			return ErrForbidden
		}
		if cur.Status == Published {
			return stateError("The article is already published.")
		}
		if cur.PublishedAt.IsZero() {
			cur.PublishedAt = now
		}
		cur.Status, cur.ScheduledAt = Published, time.Time{}
		return nil
	})
}

// Schedule sets the article to be published at at, by a durable job
// inserted in the same transaction. Scheduling again moves the time; the
// job queued for the old time then finds nothing to do.
func (n *Newsroom) Schedule(ctx context.Context, actor Actor, id int64, at time.Time) (Story, error) {
	at = db.UTC(at).Truncate(time.Second)
	if !at.After(n.store.now()) {
		return Story{}, valid.Error{Field: "publish_at", Message: "Choose a time in the future."}
	}
	ins, err := n.inserter()
	if err != nil {
		return Story{}, err
	}
	return n.transitionTx(ctx, actor, id, "article.schedule", func(cur *Story) error {
		if !actor.CanPublish {
			return ErrForbidden
		}
		if cur.Status == Published {
			return stateError("The article is already published; unpublish it first to schedule it.")
		}
		cur.Status, cur.ScheduledAt = Scheduled, at
		return nil
	}, func(tx *sql.Tx, st Story) error {
		_, err := ins.InsertTx(ctx, tx, PublishArgs{ArticleID: st.ID, Version: st.Version, At: at},
			&river.InsertOpts{ScheduledAt: at})
		if err != nil {
			return fmt.Errorf("article: queue publication of %d: %w", st.ID, err)
		}
		return nil
	})
}

// Unpublish takes a published article down, or cancels a scheduled one.
// Its slug stays reserved and its page answers 404 until it is back.
func (n *Newsroom) Unpublish(ctx context.Context, actor Actor, id int64) (Story, error) {
	return n.transition(ctx, actor, id, "article.unpublish", func(cur *Story) error {
		if !actor.CanPublish {
			return ErrForbidden
		}
		if cur.Status != Published && cur.Status != Scheduled {
			return stateError("Only a published or scheduled article can be unpublished.")
		}
		cur.Status, cur.ScheduledAt = Unpublished, time.Time{}
		return nil
	})
}

func (n *Newsroom) transition(ctx context.Context, actor Actor, id int64, action string, change func(*Story) error) (Story, error) {
	return n.transitionTx(ctx, actor, id, action, change, nil)
}

// transitionTx loads the article under the transaction, lets change check
// and move it, stores the new state, runs then (to queue jobs) and audits.
func (n *Newsroom) transitionTx(ctx context.Context, actor Actor, id int64, action string,
	change func(*Story) error, then func(*sql.Tx, Story) error) (Story, error) {
	s := n.store
	var out Story
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.byID(ctx, tx, id)
		if err != nil {
			return err
		}
		before := viewOf(cur)
		if err := change(&cur); err != nil {
			return err
		}
		if err := s.storeState(ctx, tx, &cur); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, cur); err != nil {
				return err
			}
		}
		if err := n.record(ctx, tx, action, id, before, viewOf(cur)); err != nil {
			return err
		}
		out = cur
		return s.bump(ctx, tx)
	})
	return out, err
}

// storeState writes st's status and times and raises its version.
func (s *Store) storeState(ctx context.Context, tx *sql.Tx, st *Story) error {
	var pub, sched any
	if !st.PublishedAt.IsZero() {
		pub = db.UTC(st.PublishedAt)
	}
	if !st.ScheduledAt.IsZero() {
		sched = db.UTC(st.ScheduledAt)
	}
	st.UpdatedAt = db.UTC(s.now())
	err := tx.QueryRowContext(ctx, `UPDATE articles SET status = $2, published_at = $3, scheduled_at = $4,
		updated_at = $5, version = version + 1 WHERE id = $1 RETURNING version`,
		st.ID, string(st.Status), pub, sched, st.UpdatedAt).Scan(&st.Version)
	if err != nil {
		return fmt.Errorf("article: set state of %d: %w", st.ID, err)
	}
	return nil
}
