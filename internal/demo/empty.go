package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/db"
)

// Contents counts what a database holds that demo content must never be
// mixed with: a paper's own articles, gifts and staff.
type Contents struct {
	Articles, LedgerEntries, Accounts int
}

// Empty reports whether there is nothing at all.
func (c Contents) Empty() bool { return c == Contents{} }

// String lists what there is, as "3 articles, 12 ledger entries and 1 account".
func (c Contents) String() string {
	var parts []string
	for _, p := range []struct {
		n          int
		one, other string
	}{{c.Articles, "article", "articles"}, {c.LedgerEntries, "ledger entry", "ledger entries"}, {c.Accounts, "account", "accounts"}} {
		if p.n == 1 {
			parts = append(parts, "1 "+p.one)
		} else if p.n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.other))
		}
	}
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Count reads the Contents of a migrated database. Articles count in any
// status: a draft is the paper's work as much as a published piece.
func Count(ctx context.Context, q db.Queryer) (Contents, error) {
	var c Contents
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM ledger_entries),
		(SELECT COUNT(*) FROM accounts)`).Scan(&c.Articles, &c.LedgerEntries, &c.Accounts)
	if err != nil {
		return Contents{}, fmt.Errorf("demo: count contents: %w", err)
	}
	return c, nil
}

// NotEmptyError refuses demo content for a database that holds a paper's
// own data: made-up articles and gifts among real ones could not be told
// apart, and the fund's totals would be false.
type NotEmptyError struct{ Contents Contents }

// Error says what is there and what to do instead.
func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("--demo loads demo content only into an empty database, and this one has %s; "+
		"start without --demo (and unset COOPRESS_DEMO), or give a new --data directory for a demo", e.Contents)
}

// CheckEmpty returns a *NotEmptyError unless the database has no articles,
// no ledger entries and no accounts.
func CheckEmpty(ctx context.Context, q db.Queryer) error {
	c, err := Count(ctx, q)
	if err != nil {
		return err
	}
	if !c.Empty() {
		return &NotEmptyError{Contents: c}
	}
	return nil
}
