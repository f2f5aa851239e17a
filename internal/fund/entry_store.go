package fund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// entryColumns is read by scanEntry, in this order.
const entryColumns = `e.id, c.month, e.amount_minor, e.currency, e.method, e.donor_name, e.donor_email,
	e.donor_town, e.public, e.public_name, e.message, COALESCE(e.provider_ref, ''), e.received_at,
	e.recorded_at, e.recorded_by, COALESCE(e.reversal_of, 0), e.reason
	FROM ledger_entries e JOIN campaigns c ON c.id = e.campaign_id`

func scanEntry(r scanner) (Entry, error) {
	var e Entry
	var method string
	var public int
	err := r.Scan(&e.ID, &e.Month, &e.Amount.Minor, &e.Amount.Currency, &method, &e.DonorName, &e.DonorEmail,
		&e.DonorTown, &public, &e.PublicName, &e.Message, &e.ProviderRef, &e.ReceivedAt,
		&e.RecordedAt, &e.RecordedBy, &e.ReversalOf, &e.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, db.ErrNotFound
	}
	if err != nil {
		return Entry{}, fmt.Errorf("fund: read entry: %w", err)
	}
	e.Method, e.Public = Method(method), public == 1
	e.ReceivedAt, e.RecordedAt = e.ReceivedAt.UTC(), e.RecordedAt.UTC()
	return e, nil
}

func getEntry(ctx context.Context, q db.Queryer, id int64) (Entry, error) {
	return scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` WHERE e.id = $1`, id))
}

func getEntryByRef(ctx context.Context, q db.Queryer, ref string) (Entry, error) {
	return scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` WHERE e.provider_ref = $1`, ref))
}

// Entry returns one ledger entry, or db.ErrNotFound.
func (s *Service) Entry(ctx context.Context, id int64) (Entry, error) {
	return getEntry(ctx, s.db, id)
}

// EntryByRef returns the entry with a provider reference, or db.ErrNotFound.
func (s *Service) EntryByRef(ctx context.Context, ref string) (Entry, error) {
	return getEntryByRef(ctx, s.db, ref)
}

// Entries lists month's ledger in the order the money arrived.
func (s *Service) Entries(ctx context.Context, month string) ([]Entry, error) {
	return queryEntries(ctx, s.db, `SELECT `+entryColumns+` WHERE c.month = $1 ORDER BY e.received_at, e.id`, month)
}

// entriesBetween lists entries received in [from, to).
func entriesBetween(ctx context.Context, q db.Queryer, from, to time.Time) ([]Entry, error) {
	return queryEntries(ctx, q, `SELECT `+entryColumns+` WHERE e.received_at >= $1 AND e.received_at < $2
		ORDER BY e.received_at, e.id`, db.UTC(from), db.UTC(to))
}

func queryEntries(ctx context.Context, q db.Queryer, query string, args ...any) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("fund: list entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// nullIfEmpty stores an absent provider reference as NULL, which the unique
// index lets repeat.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
