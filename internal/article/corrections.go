package article

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
)

// CorrectionKind says whether a note fixes an error or adds news.
type CorrectionKind string

// The two kinds of dated note under a published article.
const (
	KindCorrection CorrectionKind = "correction"
	KindUpdate     CorrectionKind = "update"
)

// MaxCorrectionLen bounds a note: it is a sentence or two, not an article.
const MaxCorrectionLen = 2000

// Correction is one dated note shown under a published article. Text is
// plain text; pages escape it.
type Correction struct {
	ID        int64
	ArticleID int64
	Kind      CorrectionKind
	Text      string
	At        time.Time
	ByID      int64
	ByName    string
}

// AddCorrection appends a dated correction or update to a published
// article. Notes are never edited or removed: a wrong one is put right by
// another. Only editors may add them.
func (n *Newsroom) AddCorrection(ctx context.Context, actor Actor, articleID int64, kind CorrectionKind, text string) (Correction, error) {
	if !actor.CanEditAll {
		return Correction{}, ErrForbidden
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\x00", ""))
	switch {
	case kind != KindCorrection && kind != KindUpdate:
		return Correction{}, valid.Error{Field: "kind", Message: "Choose correction or update."}
	case !utf8.ValidString(text):
		return Correction{}, valid.Error{Field: "text", Message: "The note contains characters we could not read."}
	case text == "":
		return Correction{}, valid.Error{Field: "text", Message: "Write what was corrected or updated."}
	case utf8.RuneCountInString(text) > MaxCorrectionLen:
		return Correction{}, valid.Error{Field: "text", Message: fmt.Sprintf("Keep the note under %d characters.", MaxCorrectionLen)}
	}
	s := n.store
	c := Correction{ArticleID: articleID, Kind: kind, Text: text, At: db.UTC(s.now()), ByID: actor.ID, ByName: actor.Name}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.byID(ctx, tx, articleID)
		if err != nil {
			return err
		}
		if cur.Status != Published {
			return valid.Error{Field: "text", Message: "Corrections and updates go on published articles only."}
		}
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO article_corrections (article_id, kind, text, at, by_id, by_name)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, articleID, string(kind), text, c.At, by, actor.Name).Scan(&c.ID); err != nil {
			return fmt.Errorf("article: add correction to %d: %w", articleID, err)
		}
		// The page changed: a new version and modification time let
		// caches and conditional requests see it.
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET updated_at = $2, version = version + 1 WHERE id = $1`,
			articleID, c.At); err != nil {
			return fmt.Errorf("article: touch %d: %w", articleID, err)
		}
		if err := n.record(ctx, tx, "article."+string(kind), articleID, nil, c); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	if err != nil {
		return Correction{}, err
	}
	return c, nil
}

// Corrections returns an article's notes, oldest first, as they read on the
// page.
func (s *Store) Corrections(ctx context.Context, articleID int64) ([]Correction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, article_id, kind, text, at, by_id, by_name
		FROM article_corrections WHERE article_id = $1 ORDER BY at, id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("article: corrections of %d: %w", articleID, err)
	}
	return scanCorrections(rows)
}

// CorrectionsOf returns the notes of every article in ids, oldest first per
// article, keyed by article id, in one query however many there are: a
// feed of thirty articles must not cost thirty round trips.
func (s *Store) CorrectionsOf(ctx context.Context, ids []int64) (map[int64][]Correction, error) {
	out := make(map[int64][]Correction)
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, article_id, kind, text, at, by_id, by_name
		FROM article_corrections WHERE article_id IN (`+strings.Join(ph, ",")+`) ORDER BY article_id, at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("article: corrections of %d articles: %w", len(ids), err)
	}
	list, err := scanCorrections(rows)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		out[c.ArticleID] = append(out[c.ArticleID], c)
	}
	return out, nil
}

// scanCorrections reads and closes rows of the columns both queries select.
func scanCorrections(rows *sql.Rows) ([]Correction, error) {
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		var kind string
		var by sql.NullInt64
		if err := rows.Scan(&c.ID, &c.ArticleID, &kind, &c.Text, &c.At, &by, &c.ByName); err != nil {
			return nil, fmt.Errorf("article: scan correction: %w", err)
		}
		c.Kind, c.ByID = CorrectionKind(kind), by.Int64
		out = append(out, c)
	}
	return out, rows.Err()
}
