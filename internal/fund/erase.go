package fund

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
)

// donorEntries selects a donor's gifts, by their address in any case, and
// the reversals of those gifts, which may carry the donor's details too.
// It is a union rather than an OR so that each half uses its index
// (lower(donor_email), reversal_of) instead of scanning the ledger.
const donorEntries = `e.id IN (SELECT id FROM ledger_entries WHERE lower(donor_email) = $1
	UNION SELECT id FROM ledger_entries WHERE reversal_of IN (SELECT id FROM ledger_entries WHERE lower(donor_email) = $1))`

// PersonalRecords lists, for a person's download of their data, every
// ledger entry given under email and every reversal of one, and the gifts
// held for the treasurer under it.
func (s *Service) PersonalRecords(ctx context.Context, q db.Queryer, email string) ([]account.Record, error) {
	email = strings.ToLower(email)
	entries, err := queryEntries(ctx, q, `SELECT `+entryColumns+` WHERE `+donorEntries+` ORDER BY e.received_at, e.id`, email)
	if err != nil {
		return nil, err
	}
	var out []account.Record
	for _, e := range entries {
		kind := "gift"
		if e.ReversalOf != 0 {
			kind = "gift reversal"
		}
		fields := []account.Field{
			{Name: "amount", Value: e.Amount.FormatFull()},
			{Name: "amount_minor", Value: strconv.FormatInt(e.Amount.Minor, 10)},
			{Name: "currency", Value: e.Amount.Currency},
			{Name: "method", Value: string(e.Method)},
			{Name: "donor_name", Value: e.DonorName},
			{Name: "donor_email", Value: e.DonorEmail},
			{Name: "donor_town", Value: e.DonorTown},
			{Name: "public_thanks", Value: strconv.FormatBool(e.Public)},
			{Name: "public_name", Value: e.PublicName},
			{Name: "message", Value: e.Message},
		}
		if e.ReversalOf != 0 {
			fields = append(fields, account.Field{Name: "reverses", Value: strconv.FormatInt(e.ReversalOf, 10)},
				account.Field{Name: "reason", Value: e.Reason})
		}
		out = append(out, account.Record{Kind: kind, ID: strconv.FormatInt(e.ID, 10), At: e.ReceivedAt, Fields: fields})
	}
	held, err := heldFor(ctx, q, email)
	if err != nil {
		return nil, err
	}
	return append(out, held...), nil
}

// heldFor lists the gifts under email that wait, or waited, in fund_holds.
func heldFor(ctx context.Context, q db.Queryer, email string) ([]account.Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, amount_minor, currency, method, donor_name, donor_email, donor_town,
		public_name, message, received_at FROM fund_holds WHERE lower(donor_email) = $1 ORDER BY id`, email)
	if err != nil {
		return nil, fmt.Errorf("fund: holds for a donor: %w", err)
	}
	defer rows.Close()
	var out []account.Record
	for rows.Next() {
		var r account.Record
		var id, minor int64
		var currency, method, name, addr, town, public, message string
		if err := rows.Scan(&id, &minor, &currency, &method, &name, &addr, &town, &public, &message, &r.At); err != nil {
			return nil, fmt.Errorf("fund: holds for a donor: %w", err)
		}
		r.Kind, r.ID, r.At = "gift held for the treasurer", strconv.FormatInt(id, 10), r.At.UTC()
		r.Fields = []account.Field{{Name: "amount_minor", Value: strconv.FormatInt(minor, 10)}, {Name: "currency", Value: currency},
			{Name: "method", Value: method}, {Name: "donor_name", Value: name}, {Name: "donor_email", Value: addr},
			{Name: "donor_town", Value: town}, {Name: "public_name", Value: public}, {Name: "message", Value: message}}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErasePersonal blanks, in tx, the donor's personal fields (name, address,
// town, public name, message, and the opt-in to printed thanks) on every
// ledger entry and hold under email and on the reversals of those gifts.
// Amounts, currencies, methods, dates, references, reasons and reversals
// stay as they were, so every total and `fund check` are unchanged; the
// ledger's trigger refuses any other change (migration 00019). The fund
// version moves on, so that every node's column forgets the thanks.
func (s *Service) ErasePersonal(ctx context.Context, tx *sql.Tx, email, _ string) error {
	email = strings.ToLower(email)
	res, err := tx.ExecContext(ctx, `UPDATE ledger_entries AS e SET donor_name = '', donor_email = '', donor_town = '',
		public = 0, public_name = '', message = '' WHERE `+donorEntries, email)
	if err != nil {
		return fmt.Errorf("fund: erase a donor: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("fund: erase a donor: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE fund_holds SET donor_name = '', donor_email = '', donor_town = '',
		public = 0, public_name = '', message = '' WHERE lower(donor_email) = $1`, email); err != nil {
		return fmt.Errorf("fund: erase a donor's holds: %w", err)
	}
	if n > 0 {
		if _, err := bumpVersion(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// GivenBy lists every ledger entry given under email, and every reversal
// of one, oldest first: a reader's own payments on their account page.
func (s *Service) GivenBy(ctx context.Context, email string) ([]Entry, error) {
	return queryEntries(ctx, s.db, `SELECT `+entryColumns+` WHERE `+donorEntries+` ORDER BY e.received_at, e.id`,
		strings.ToLower(strings.TrimSpace(email)))
}
