package article

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// ErrForbidden is a workflow step the actor's role does not allow: a writer
// publishing, or editing someone else's draft.
var ErrForbidden = errors.New("article: not allowed for your role")

// Actor is the person making an editorial change, as the workflow needs to
// know them. It is a plain struct, not an account, so that this package
// knows nothing of sign-in: the web layer maps roles to the two rights.
type Actor struct {
	ID   int64
	Name string
	// CanPublish lets the actor publish, schedule and unpublish.
	CanPublish bool
	// CanEditAll lets the actor edit any article in any state, restore
	// revisions and add corrections; without it only one's own drafts and
	// submissions may be edited.
	CanEditAll bool
}

// Story is an article as the newsroom sees it: with who created it and when
// it is due, which readers never need.
type Story struct {
	Article
	// CreatedBy is the account that created it; 0 for articles from before
	// the newsroom (imports, demo content), which only editors may edit.
	CreatedBy   int64
	ScheduledAt time.Time
}

// MayEdit reports whether a may change st's content: editors always,
// writers only their own drafts and submissions.
func (a Actor) MayEdit(st Story) bool {
	if a.CanEditAll {
		return true
	}
	return a.ID != 0 && st.CreatedBy == a.ID && (st.Status == Draft || st.Status == Submitted)
}

// AuditFunc records one change in the caller's audit log through q, the
// transaction that makes the change, so the change and its record are kept
// or lost together. before is nil for a creation.
type AuditFunc func(ctx context.Context, q db.Queryer, action string, articleID int64, before, after any) error

// Inserter enqueues a River job inside a transaction; *jobs.Client and the
// server's job runner are both one.
type Inserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Newsroom is the editorial workflow on top of a Store: saving with
// revisions, moving articles between states, scheduling, corrections.
// Every change checks the actor's rights here, not in the web layer, so no
// other caller can skip them.
type Newsroom struct {
	store *Store
	jobs  Inserter
	audit AuditFunc
}

// NewNewsroom returns the workflow on s. jobs may be nil: scheduling then
// inserts through a short-lived insert-only River client on the same
// database, which the server's workers pick up like any other job. audit
// may be nil when nothing needs recording (tests, imports).
func NewNewsroom(s *Store, jobsIns Inserter, audit AuditFunc) *Newsroom {
	return &Newsroom{store: s, jobs: jobsIns, audit: audit}
}

// Store is the article store the newsroom works on.
func (n *Newsroom) Store() *Store { return n.store }

func (n *Newsroom) record(ctx context.Context, q db.Queryer, action string, id int64, before, after any) error {
	if n.audit == nil {
		return nil
	}
	return n.audit(ctx, q, action, id, before, after)
}

// inserter is the job inserter to use for one call.
func (n *Newsroom) inserter() (Inserter, error) {
	if n.jobs != nil {
		return n.jobs, nil
	}
	// Building an insert-only client is cheap (no workers, no polling) and
	// scheduling is rare, so one per call avoids holding shared state.
	return jobs.NewClient(n.store.db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
}

// auditView is what the audit log keeps of a story: enough to see what
// changed, without copying a long body into every entry (the revisions
// keep the text).
type auditView struct {
	Slug        string     `json:"slug"`
	Headline    string     `json:"headline"`
	Standfirst  string     `json:"standfirst,omitempty"`
	Section     int64      `json:"section_id"`
	Status      Status     `json:"status"`
	BodyChars   int        `json:"body_chars"`
	Version     int        `json:"version"`
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	Image       string     `json:"image,omitempty"`
}

func viewOf(st Story) auditView {
	v := auditView{Slug: st.Slug, Headline: st.Headline, Standfirst: st.Standfirst, Section: st.Section.ID,
		Status: st.Status, BodyChars: len([]rune(st.BodyMD)), Version: st.Version, Image: st.Image.URL}
	if !st.ScheduledAt.IsZero() {
		t := st.ScheduledAt.UTC()
		v.ScheduledAt = &t
	}
	return v
}
