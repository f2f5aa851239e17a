package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// WaitingLine is a statement line stored unmatched (or ambiguous) that the
// treasurer has not yet assigned or set aside.
type WaitingLine struct {
	ID          int64
	Day         time.Time
	Description string
	Amount      money.Money
	// Note says why the import left it.
	Note       string
	ImportedAt time.Time
	ImportedBy string
	// fingerprint makes its ledger reference when assigned.
	fingerprint string
}

// Resolution is the treasurer's decision on a waiting line.
type Resolution struct {
	LineID int64
	// Outcome is "assigned" (Order and Entry set) or "not-supporter".
	Outcome    string
	Order      StandingOrder
	Entry      fund.Entry
	Note       string
	ResolvedBy string
}

// LineHook runs inside the transaction of a resolution, so that what it
// writes (the audit log) is kept or lost with it.
type LineHook func(ctx context.Context, tx *sql.Tx, r Resolution) error

// waitingColumns is read by scanWaiting, in this order.
const waitingColumns = `l.id, l.booked_on, l.description, l.amount_minor, l.currency, l.note, l.imported_at,
	l.imported_by, l.fingerprint FROM statement_lines l
	WHERE l.standing_order_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM statement_line_resolutions r WHERE r.line_id = l.id)`

func (s *StandingOrders) scanWaiting(r orderScanner) (WaitingLine, error) {
	var w WaitingLine
	var day string
	err := r.Scan(&w.ID, &day, &w.Description, &w.Amount.Minor, &w.Amount.Currency, &w.Note, &w.ImportedAt,
		&w.ImportedBy, &w.fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return WaitingLine{}, db.ErrNotFound
	}
	if err != nil {
		return WaitingLine{}, fmt.Errorf("supporter: read waiting line: %w", err)
	}
	if w.Day, err = time.ParseInLocation(dayLayout, day, s.loc); err != nil {
		return WaitingLine{}, fmt.Errorf("supporter: waiting line %d: day %q: %w", w.ID, day, err)
	}
	w.ImportedAt = w.ImportedAt.UTC()
	return w, nil
}

// WaitingLines lists the lines waiting for the treasurer, oldest first.
func (s *StandingOrders) WaitingLines(ctx context.Context) ([]WaitingLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+waitingColumns+` ORDER BY l.booked_on, l.id`)
	if err != nil {
		return nil, fmt.Errorf("supporter: list waiting lines: %w", err)
	}
	defer rows.Close()
	var out []WaitingLine
	for rows.Next() {
		w, err := s.scanWaiting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// WaitingLine returns one waiting line, or db.ErrNotFound when there is no
// such line or it is no longer waiting.
func (s *StandingOrders) WaitingLine(ctx context.Context, id int64) (WaitingLine, error) {
	return s.scanWaiting(s.db.QueryRowContext(ctx, `SELECT `+waitingColumns+` AND l.id = $1`, id))
}

// errResolved refuses a decision on a line decided meanwhile.
func errResolved() error {
	return valid.New("line", "This line has been dealt with already, perhaps by someone else a moment ago.")
}

// Assign makes waiting line id a payment of standing order orderID: its
// ledger entry (method standing-order, the supporter's name) and the
// decision are written in one transaction. The amount is the line's, even
// when it differs from the order's: the money is what came.
func (s *StandingOrders) Assign(ctx context.Context, id, orderID int64, by string, hooks ...LineHook) (Resolution, error) {
	if strings.TrimSpace(by) == "" {
		return Resolution{}, valid.New("by", "say who is assigning the line")
	}
	w, err := s.WaitingLine(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Resolution{}, errResolved()
	}
	if err != nil {
		return Resolution{}, err
	}
	o, err := s.StandingOrder(ctx, orderID)
	if errors.Is(err, db.ErrNotFound) {
		return Resolution{}, valid.New("standing_order", "Choose one of the standing-order supporters.")
	}
	if err != nil {
		return Resolution{}, err
	}
	g := s.gift(StatementLine{Day: w.Day, Amount: w.Amount, Fingerprint: w.fingerprint}, o, by)
	res := Resolution{LineID: id, Outcome: "assigned", Order: o, ResolvedBy: by}
	_, err = s.fund.RecordBatch(ctx, []fund.Entry{g}, func(ctx context.Context, tx *sql.Tx, b fund.Batch) error {
		if len(b.Recorded) != 1 {
			return errResolved()
		}
		res.Entry = b.Recorded[0]
		return s.resolve(ctx, tx, res, hooks)
	})
	if err != nil {
		return Resolution{}, err
	}
	return res, nil
}

// Dismiss sets waiting line id aside as not a supporter's payment (a
// one-off gift recorded some other way, a refund from a supplier), with
// the treasurer's note saying what it is.
func (s *StandingOrders) Dismiss(ctx context.Context, id int64, note, by string, hooks ...LineHook) (Resolution, error) {
	note, by = strings.TrimSpace(note), strings.TrimSpace(by)
	switch {
	case by == "":
		return Resolution{}, valid.New("by", "say who is setting the line aside")
	case note == "":
		return Resolution{}, valid.New("note", "Say what this payment is, so the books can be followed later.")
	case utf8.RuneCountInString(note) > 500 || !utf8.ValidString(note):
		return Resolution{}, valid.New("note", "Keep the note under 500 characters of plain text.")
	}
	if _, err := s.WaitingLine(ctx, id); errors.Is(err, db.ErrNotFound) {
		return Resolution{}, errResolved()
	} else if err != nil {
		return Resolution{}, err
	}
	res := Resolution{LineID: id, Outcome: "not-supporter", Note: note, ResolvedBy: by}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error { return s.resolve(ctx, tx, res, hooks) })
	if err != nil {
		return Resolution{}, err
	}
	return res, nil
}

// resolve writes a decision once: the line's key refuses a second.
func (s *StandingOrders) resolve(ctx context.Context, tx *sql.Tx, r Resolution, hooks []LineHook) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO statement_line_resolutions (line_id, outcome, standing_order_id,
		entry_id, note, resolved_at, resolved_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.LineID, r.Outcome, nullRowID(r.Order.ID), nullRowID(r.Entry.ID), r.Note, db.UTC(s.now()), r.ResolvedBy)
	if db.IsUniqueViolation(err) {
		return errResolved()
	}
	if err != nil {
		return fmt.Errorf("supporter: resolve statement line %d: %w", r.LineID, err)
	}
	for _, h := range hooks {
		if err := h(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

// LineStored reports whether a statement line with id was ever stored,
// waiting or not.
func (s *StandingOrders) LineStored(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM statement_lines WHERE id = $1`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("supporter: find statement line %d: %w", id, err)
	}
	return n > 0, nil
}
