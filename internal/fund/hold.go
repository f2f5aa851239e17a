package fund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// HoldKind says why money waits for the treasurer instead of being credited.
type HoldKind string

// The kinds of hold.
const (
	// KindConflict is a gift offered under a reference the ledger already
	// holds with a different amount, currency or method: two payments
	// claiming one reference, or a mistake. Crediting it would double
	// count; acknowledging it silently would lose one of them.
	KindConflict HoldKind = "conflict"
	// KindHeld is a provider's payment outside what the fund credits
	// unattended (too large, too old, a checkout coopress did not start).
	KindHeld HoldKind = "held"
)

// Hold is money the fund did not credit on its own, kept with the reason
// until the treasurer resolves it. Holds are append-only; a resolution is
// written beside one, never over it.
type Hold struct {
	ID     int64
	Kind   HoldKind
	Reason string
	// Key identifies what was held, so that a redelivery or a retry of the
	// same attempt holds it once.
	Key string
	// Attempted is the gift as it would have been recorded.
	Attempted Entry
	// Stored is the entry a conflict clashes with; zero for KindHeld.
	Stored Entry
	HeldAt time.Time
	// Resolved is set once the treasurer has decided, with the note.
	Resolved   bool
	ResolvedBy string
	Note       string
	ResolvedAt time.Time
}

// ProviderRecorder is the RecordedBy of the entries a payment provider's
// webhook records. Only it may use references in a provider's namespace
// (pi_… and the like): a person's gift under one could make the real
// payment look recorded already.
const ProviderRecorder = "stripe webhook"

// Hold keeps h for the treasurer: its Kind, Reason, Key and Attempted are
// stored (Attempted's times default to now). Holding the same Key again
// does nothing and returns the hold already kept.
func (s *Service) Hold(ctx context.Context, h Hold) (Hold, error) {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		h, err = s.holdTx(ctx, tx, h)
		return err
	})
	return h, err
}

// holdTx writes h in tx, or finds the hold already kept under its key.
func (s *Service) holdTx(ctx context.Context, tx *sql.Tx, h Hold) (Hold, error) {
	if h.Key == "" || h.Reason == "" || (h.Kind != KindConflict && h.Kind != KindHeld) {
		return h, fmt.Errorf("fund: a hold needs a kind, a key and a reason")
	}
	now := db.UTC(s.now())
	a := h.Attempted
	if a.ReceivedAt.IsZero() {
		a.ReceivedAt = now
	}
	var stored any
	if h.Stored.ID != 0 {
		stored = h.Stored.ID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO fund_holds (hold_key, kind, reason, entry_id, provider_ref,
		amount_minor, currency, method, donor_name, donor_email, donor_town, public, public_name, message,
		received_at, recorded_by, held_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (hold_key) DO NOTHING RETURNING id`,
		h.Key, string(h.Kind), h.Reason, stored, a.ProviderRef, a.Amount.Minor, a.Amount.Currency, string(a.Method),
		a.DonorName, a.DonorEmail, a.DonorTown, boolInt(a.Public), a.PublicName, a.Message,
		db.UTC(a.ReceivedAt), a.RecordedBy, now).Scan(&h.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return getHold(ctx, tx, `h.hold_key = $1`, h.Key)
	}
	if err != nil {
		return h, fmt.Errorf("fund: hold %s: %w", h.Key, err)
	}
	h.HeldAt = now
	return h, nil
}

// holdConflict keeps a conflicting duplicate for the treasurer. The key is
// the reference and the attempt's amount, currency and method, so the
// same clash offered again (a redelivered webhook, a retried job, the same
// cheque typed twice) is held once.
func (s *Service) holdConflict(ctx context.Context, tx *sql.Tx, c *ConflictError) error {
	a := c.Attempted
	h := Hold{Kind: KindConflict, Attempted: a, Stored: c.Stored,
		Key: fmt.Sprintf("conflict:%s:%d:%s:%s", a.ProviderRef, a.Amount.Minor, a.Amount.Currency, a.Method),
		Reason: fmt.Sprintf("reference %s is already entry %d, %s by %s; this gift is %s by %s",
			a.ProviderRef, c.Stored.ID, c.Stored.Amount.Format(), c.Stored.Method, a.Amount.Format(), a.Method)}
	_, err := s.holdTx(ctx, tx, h)
	return err
}

// holdColumns is read by scanHold, in this order.
const holdColumns = `h.id, h.hold_key, h.kind, h.reason, COALESCE(h.entry_id, 0), h.provider_ref, h.amount_minor,
	h.currency, h.method, h.donor_name, h.donor_email, h.donor_town, h.public, h.public_name, h.message,
	h.received_at, h.recorded_by, h.held_at,
	COALESCE(r.resolved_by, ''), COALESCE(r.note, ''), r.resolved_at
	FROM fund_holds h LEFT JOIN fund_hold_resolutions r ON r.hold_id = h.id`

func scanHold(r scanner) (Hold, error) {
	var h Hold
	var kind, method string
	var public int
	var resolvedAt sql.NullTime
	a := &h.Attempted
	err := r.Scan(&h.ID, &h.Key, &kind, &h.Reason, &h.Stored.ID, &a.ProviderRef, &a.Amount.Minor,
		&a.Amount.Currency, &method, &a.DonorName, &a.DonorEmail, &a.DonorTown, &public, &a.PublicName, &a.Message,
		&a.ReceivedAt, &a.RecordedBy, &h.HeldAt, &h.ResolvedBy, &h.Note, &resolvedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Hold{}, db.ErrNotFound
	}
	if err != nil {
		return Hold{}, fmt.Errorf("fund: read hold: %w", err)
	}
	h.Kind, a.Method, a.Public = HoldKind(kind), Method(method), public == 1
	a.ReceivedAt, h.HeldAt = a.ReceivedAt.UTC(), h.HeldAt.UTC()
	if resolvedAt.Valid {
		h.Resolved, h.ResolvedAt = true, resolvedAt.Time.UTC()
	}
	return h, nil
}

func getHold(ctx context.Context, q db.Queryer, where string, arg any) (Hold, error) {
	h, err := scanHold(q.QueryRowContext(ctx, `SELECT `+holdColumns+` WHERE `+where, arg))
	if err != nil {
		return h, err
	}
	if h.Stored.ID != 0 {
		if h.Stored, err = getEntry(ctx, q, h.Stored.ID); err != nil {
			return h, err
		}
	}
	return h, nil
}

// OpenHolds lists the holds the treasurer has not resolved, oldest first,
// each conflict with the entry it clashes with.
func (s *Service) OpenHolds(ctx context.Context) ([]Hold, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+holdColumns+` WHERE r.hold_id IS NULL ORDER BY h.id`)
	if err != nil {
		return nil, fmt.Errorf("fund: list holds: %w", err)
	}
	var out []Hold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if id := out[i].Stored.ID; id != 0 {
			if out[i].Stored, err = getEntry(ctx, s.db, id); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// OpenHoldCount counts the holds not yet resolved, for metrics.
func (s *Service) OpenHoldCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_holds h
		WHERE NOT EXISTS (SELECT 1 FROM fund_hold_resolutions r WHERE r.hold_id = h.id)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("fund: count holds: %w", err)
	}
	return n, nil
}

// ResolveHold records the treasurer's decision on hold id: the note says
// what was done about the money (credited by hand, refunded, a typing
// mistake corrected). Nothing is credited here. Each hook runs in the same
// transaction, so a record of it (the audit log) is kept or lost with it.
func (s *Service) ResolveHold(ctx context.Context, id int64, note, by string, hooks ...func(ctx context.Context, tx *sql.Tx, h Hold) error) (Hold, error) {
	note, by = strings.TrimSpace(note), strings.TrimSpace(by)
	if note == "" {
		return Hold{}, valid.New("note", "Say what was done about this money.")
	}
	if by == "" {
		return Hold{}, invalid("by", "say who is resolving the hold")
	}
	var h Hold
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if h, err = getHold(ctx, tx, `h.id = $1`, id); err != nil {
			return err
		}
		if h.Resolved {
			return valid.New("note", fmt.Sprintf("This was resolved already, by %s: %s", h.ResolvedBy, h.Note))
		}
		now := db.UTC(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_hold_resolutions (hold_id, resolved_by, note, resolved_at)
			VALUES ($1, $2, $3, $4)`, id, by, note, now); err != nil {
			return fmt.Errorf("fund: resolve hold %d: %w", id, err)
		}
		h.Resolved, h.ResolvedBy, h.Note, h.ResolvedAt = true, by, note, now
		for _, hook := range hooks {
			if err := hook(ctx, tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	return h, err
}
