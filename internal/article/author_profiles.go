package article

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
)

// Limits on an author profile's fields: a byline and a short paragraph.
const (
	MaxAuthorNameLen = 200
	MaxAuthorBioLen  = 2000
)

// AuthorProfile is an author as editors manage them: the byline and
// profile, and the staff account it belongs to (0 for none), whose new
// articles then carry that byline.
type AuthorProfile struct {
	Author
	AccountID int64
}

// authorAudit is what the audit log keeps of a profile.
type authorAudit struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	BioChars  int    `json:"bio_chars"`
	AccountID int64  `json:"account_id,omitempty"`
}

func auditOfAuthor(p AuthorProfile) authorAudit {
	return authorAudit{Slug: p.Slug, Name: p.Name, BioChars: utf8.RuneCountInString(p.Bio), AccountID: p.AccountID}
}

const profileCols = `id, slug, name, bio, account_id`

func scanProfile(row interface{ Scan(...any) error }, p *AuthorProfile) error {
	var acc sql.NullInt64
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Bio, &acc); err != nil {
		return err
	}
	p.AccountID = acc.Int64
	return nil
}

// AuthorProfiles returns every author by name with the account each
// belongs to.
func (s *Store) AuthorProfiles(ctx context.Context) ([]AuthorProfile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+profileCols+` FROM authors ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("article: author profiles: %w", err)
	}
	defer rows.Close()
	var out []AuthorProfile
	for rows.Next() {
		var p AuthorProfile
		if err := scanProfile(rows, &p); err != nil {
			return nil, fmt.Errorf("article: scan author profile: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AuthorProfile returns one author's profile, or db.ErrNotFound.
func (s *Store) AuthorProfile(ctx context.Context, id int64) (AuthorProfile, error) {
	return s.authorProfile(ctx, s.db, id)
}

func (s *Store) authorProfile(ctx context.Context, q db.Queryer, id int64) (AuthorProfile, error) {
	var p AuthorProfile
	err := scanProfile(q.QueryRowContext(ctx, `SELECT `+profileCols+` FROM authors WHERE id = $1`, id), &p)
	return p, notFound(err, "author", strconv.FormatInt(id, 10))
}

// validate tidies p and reports the first bad field. An empty slug is made
// from the name.
func (p *AuthorProfile) validate() error {
	p.Name = strings.TrimSpace(p.Name)
	p.Bio = strings.TrimSpace(strings.ReplaceAll(p.Bio, "\r\n", "\n"))
	p.Slug = strings.TrimSpace(p.Slug)
	if p.Slug == "" {
		p.Slug = Slugify(p.Name)
	}
	switch {
	case !utf8.ValidString(p.Name) || !utf8.ValidString(p.Bio):
		return valid.Error{Field: "name", Message: "The profile contains characters we could not read."}
	case p.Name == "":
		return valid.Error{Field: "name", Message: "Give the author's name as it appears in the byline."}
	case utf8.RuneCountInString(p.Name) > MaxAuthorNameLen:
		return valid.Error{Field: "name", Message: fmt.Sprintf("Keep the name under %d characters.", MaxAuthorNameLen)}
	case !ValidSlug(p.Slug):
		return valid.Error{Field: "slug", Message: "Use lower-case letters, digits and single hyphens."}
	case utf8.RuneCountInString(p.Bio) > MaxAuthorBioLen:
		return valid.Error{Field: "bio", Message: fmt.Sprintf("Keep the biography under %d characters.", MaxAuthorBioLen)}
	case p.AccountID < 0:
		return valid.Error{Field: "account", Message: "Choose an account from the list."}
	}
	return nil
}

// SaveAuthor creates an author (ID 0) or updates one: byline, slug,
// biography and the account it belongs to. A slug or account already taken
// by another author is a valid.Error on that field. Which accounts may
// hold a byline is the caller's rule; this package knows no roles. The
// change and audit's record of it (author.create or author.update, and
// author.link or author.unlink when the account changes) are kept or lost
// together; audit may be nil.
func (s *Store) SaveAuthor(ctx context.Context, p AuthorProfile, audit AuditFunc) (AuthorProfile, error) {
	if err := p.validate(); err != nil {
		return AuthorProfile{}, err
	}
	var acc any
	if p.AccountID != 0 {
		acc = p.AccountID
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before *AuthorProfile
		if p.ID != 0 {
			cur, err := s.authorProfile(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			before = &cur
		}
		// Checked first so the message lands beside the right field; the
		// unique indexes still decide a race.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE slug = $1 AND id <> $2`, p.Slug, p.ID).Scan(&n); err != nil {
			return fmt.Errorf("article: check author slug: %w", err)
		}
		if n > 0 {
			return valid.Error{Field: "slug", Message: "Another author already has this slug."}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE account_id = $1 AND id <> $2`, acc, p.ID).Scan(&n); err != nil {
			return fmt.Errorf("article: check author account: %w", err)
		}
		if n > 0 {
			return valid.Error{Field: "account", Message: "That account already has another byline."}
		}
		var err error
		if before == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO authors (slug, name, bio, account_id) VALUES ($1, $2, $3, $4) RETURNING id`,
				p.Slug, p.Name, p.Bio, acc).Scan(&p.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE authors SET slug = $2, name = $3, bio = $4, account_id = $5 WHERE id = $1`,
				p.ID, p.Slug, p.Name, p.Bio, acc)
		}
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: "slug", Message: "Another author already has this slug or account."}
		}
		if err != nil {
			return fmt.Errorf("article: save author %s: %w", p.Slug, err)
		}
		if err := s.auditAuthor(ctx, tx, audit, before, p); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	if err != nil {
		return AuthorProfile{}, err
	}
	return p, nil
}

// auditAuthor records a profile's save and, separately, a change of
// account, so the log can be searched for who tied a byline to whom.
func (s *Store) auditAuthor(ctx context.Context, q db.Queryer, audit AuditFunc, before *AuthorProfile, after AuthorProfile) error {
	if audit == nil {
		return nil
	}
	var was any
	prevAcc := int64(0)
	action := "author.create"
	if before != nil {
		was, prevAcc, action = auditOfAuthor(*before), before.AccountID, "author.update"
	}
	if err := audit(ctx, q, action, after.ID, was, auditOfAuthor(after)); err != nil {
		return err
	}
	switch {
	case after.AccountID == prevAcc:
		return nil
	case after.AccountID == 0:
		return audit(ctx, q, "author.unlink", after.ID, map[string]int64{"account_id": prevAcc}, nil)
	default:
		var from any
		if prevAcc != 0 {
			from = map[string]int64{"account_id": prevAcc}
		}
		return audit(ctx, q, "author.link", after.ID, from, map[string]int64{"account_id": after.AccountID})
	}
}
