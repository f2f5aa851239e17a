package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// ledgerRefPrefix begins the ledger's provider reference of a standing
// order payment. The colon keeps it out of a payment provider's namespace
// (payref reads only letters, digits, "_" and "-"), and the prefix apart
// from the fund import's "csv:" keys.
const ledgerRefPrefix = fund.StandingOrderRefPrefix

// LedgerRef is the ledger's reference for the payment on the statement
// line with fingerprint fp: one line, one entry, however often the
// statement is imported.
func LedgerRef(fp string) string { return ledgerRefPrefix + fp }

// ErrStatementChanged is the Cause of the refusal of an import that met
// lines another import stored meanwhile: nothing was saved, and a new
// preview shows what is left.
var ErrStatementChanged = errors.New("supporter: statement imported meanwhile")

// ErrStatementInvalid is the Cause of the refusal to import a statement
// whose preview has problems.
var ErrStatementInvalid = errors.New("supporter: statement has problems")

// ImportResult is what Confirm saved.
type ImportResult struct {
	// Recorded are the matched lines with the ledger entries they became.
	Recorded []RecordedLine
	// Waiting counts the lines stored for the treasurer; Skipped those an
	// earlier import had stored.
	Waiting, Skipped int
	Total            money.Money
}

// RecordedLine is a statement line that became a ledger entry.
type RecordedLine struct {
	LineID int64
	Line   int
	Order  StandingOrder
	Entry  fund.Entry
}

// ImportHook runs inside Confirm's transaction after everything is
// written, so what it writes (the audit log) is kept or lost with it.
type ImportHook func(ctx context.Context, tx *sql.Tx, r ImportResult) error

// Confirm imports a statement in one transaction: every matched line
// becomes a fund ledger entry (method standing-order, the supporter's
// name, reference LedgerRef), every unmatched or ambiguous line is stored
// to wait for the treasurer, and lines stored before are left out. It
// matches afresh rather than trusting an earlier preview, and saves
// nothing when any line has a problem (ErrStatementInvalid) or another
// import stored one of its lines meanwhile (ErrStatementChanged).
func (s *StandingOrders) Confirm(ctx context.Context, st Statement, by string, hook ImportHook) (ImportResult, error) {
	if strings.TrimSpace(by) == "" {
		return ImportResult{}, valid.New("by", "say who is importing the statement")
	}
	p, err := s.Preview(ctx, st)
	if err != nil {
		return ImportResult{}, err
	}
	if !p.OK() {
		return ImportResult{}, valid.Error{Field: StatementField, Cause: ErrStatementInvalid,
			Message: fmt.Sprintf("%d %s of the statement %s problems. Nothing has been recorded.", p.Invalid,
				stmtPlural(p.Invalid, "line", "lines"), stmtPlural(p.Invalid, "has", "have"))}
	}
	var gifts []fund.Entry
	byRef := map[string]PreviewLine{}
	for _, pl := range p.Lines {
		if pl.Outcome == Matched {
			g := s.gift(pl.StatementLine, pl.Order, by)
			gifts, byRef[g.ProviderRef] = append(gifts, g), pl
		}
	}
	var res ImportResult
	_, err = s.fund.RecordBatch(ctx, gifts, func(ctx context.Context, tx *sql.Tx, b fund.Batch) error {
		res = ImportResult{Skipped: p.Imported, Total: p.MatchedTotal}
		if len(b.Skipped) > 0 {
			return changedMeanwhile()
		}
		now := db.UTC(s.now())
		for _, e := range b.Recorded {
			pl := byRef[e.ProviderRef]
			id, err := s.storeLine(ctx, tx, st.Key, pl, pl.Order.ID, e.ID, now, by)
			if err != nil {
				return err
			}
			res.Recorded = append(res.Recorded, RecordedLine{LineID: id, Line: pl.Line, Order: pl.Order, Entry: e})
		}
		for _, pl := range p.Lines {
			if pl.Outcome != Unmatched && pl.Outcome != Ambiguous {
				continue
			}
			if _, err := s.storeLine(ctx, tx, st.Key, pl, 0, 0, now, by); err != nil {
				return err
			}
			res.Waiting++
		}
		if hook != nil {
			return hook(ctx, tx, res)
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// gift is the ledger entry for a statement line paid by order.
func (s *StandingOrders) gift(l StatementLine, o StandingOrder, by string) fund.Entry {
	e := fund.Entry{Amount: l.Amount, Method: fund.StandingOrder, DonorName: o.Name,
		ProviderRef: LedgerRef(l.Fingerprint), ReceivedAt: l.Day, RecordedBy: by}
	o.Thanks.thank(&e, s.columnThanks)
	return e
}

// storeLine writes one statement line; an order and entry of 0 leave it
// waiting, with the preview's reason as its note.
func (s *StandingOrders) storeLine(ctx context.Context, tx *sql.Tx, key string, pl PreviewLine, order, entry int64, now time.Time, by string) (int64, error) {
	var id int64
	note := ""
	if order == 0 {
		note = pl.Reason
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO statement_lines (fingerprint, statement_key, line_no, booked_on,
		description, amount_minor, currency, standing_order_id, entry_id, note, imported_at, imported_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
		pl.Fingerprint, key, pl.Line, pl.Day.Format(dayLayout), pl.Description, pl.Amount.Minor, pl.Amount.Currency,
		nullRowID(order), nullRowID(entry), note, now, by).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, changedMeanwhile()
	}
	if err != nil {
		return 0, fmt.Errorf("supporter: store statement line %d: %w", pl.Line, err)
	}
	return id, nil
}

func changedMeanwhile() error {
	return valid.Error{Field: StatementField, Cause: ErrStatementChanged,
		Message: "Some of these lines were imported by someone else a moment ago. Nothing has been recorded: upload the statement again to see what is left."}
}

// importedLines maps the fingerprints of lines already stored to their ids.
func (s *StandingOrders) importedLines(ctx context.Context, lines []StatementLine) (map[string]int64, error) {
	out := map[string]int64{}
	var fps []any
	for _, l := range lines {
		if l.Fingerprint != "" {
			fps = append(fps, l.Fingerprint)
		}
	}
	// In batches, well under either engine's limit on parameters.
	for len(fps) > 0 {
		batch := fps[:min(len(fps), 500)]
		fps = fps[len(batch):]
		marks := make([]string, len(batch))
		for i := range batch {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id, fingerprint FROM statement_lines WHERE fingerprint IN (`+
			strings.Join(marks, ", ")+`)`, batch...)
		if err != nil {
			return nil, fmt.Errorf("supporter: find imported lines: %w", err)
		}
		for rows.Next() {
			var id int64
			var fp string
			if err := rows.Scan(&id, &fp); err != nil {
				rows.Close()
				return nil, fmt.Errorf("supporter: find imported lines: %w", err)
			}
			out[fp] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nullRowID stores 0 as NULL.
func nullRowID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// stmtPlural picks the word for n.
func stmtPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
