package society

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"github.com/coopress/coopress/internal/csvcell"
	"github.com/coopress/coopress/internal/money"
	"io"
	"strconv"
)

// Row is one member's line in the register of members (s.30 of the 2014
// Act) as of a date.
type Row struct {
	Number   int64
	Class    Class
	Name     string
	Address  string
	Email    string
	EmailUse EmailUse
	Shares   int64
	Paid     int64 // amount paid on the shares, minor units
	// OtherProperty is loans and deposits the member holds with the
	// society; the society takes none yet, so it is empty.
	OtherProperty string
	AdmittedOn    string
	// CeasedOn is empty while the person is a member.
	CeasedOn string
	// SharesAtCeasing is what a former member held when they left: the
	// shares that left them on the day they ceased; 0 for a member.
	SharesAtCeasing int64
}

// registerQuery replays the ledger to $1: each member admitted by then,
// with their details in force that day and the sum of their entries. A
// member whose holding is zero ceased on their last entry's date, since
// the ledger takes no entry for a member after they cease; the shares
// that left them that day (l) are what they held when they left.
const registerQuery = `WITH h AS (
		SELECT member_id, SUM(shares) AS shares, SUM(amount_minor) AS paid, MAX(entry_on) AS last_on
		FROM share_entries WHERE entry_on <= $1 GROUP BY member_id),
	l AS (
		SELECT e.member_id, -SUM(CASE WHEN e.shares < 0 THEN e.shares ELSE 0 END) AS left_with
		FROM share_entries e JOIN h ON h.member_id = e.member_id AND h.shares = 0 AND e.entry_on = h.last_on
		GROUP BY e.member_id),
	c AS (
		SELECT member_id, name, postal_address, email, email_use,
			ROW_NUMBER() OVER (PARTITION BY member_id ORDER BY effective_on DESC, id DESC) AS rn
		FROM member_contacts WHERE effective_on <= $1)
	SELECT m.number, m.class, m.admitted_on, c.name, c.postal_address, c.email, c.email_use,
		COALESCE(h.shares, 0), COALESCE(h.paid, 0), COALESCE(h.last_on, ''), COALESCE(l.left_with, 0)
	FROM members m JOIN c ON c.member_id = m.id AND c.rn = 1
	LEFT JOIN h ON h.member_id = m.id
	LEFT JOIN l ON l.member_id = m.id
	WHERE m.admitted_on <= $1 ORDER BY m.number`

// EachRow calls fn with each line of the register as of the day asOf
// (YYYY-MM-DD), in membership-number order, former members included; it
// streams, so a register of any size needs little memory.
func (s *Service) EachRow(ctx context.Context, asOf string, fn func(Row) error) error {
	rows, err := s.db.QueryContext(ctx, registerQuery, asOf)
	if err != nil {
		return fmt.Errorf("society: register: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRegisterRow(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanRegisterRow reads one line of registerQuery.
func scanRegisterRow(rows *sql.Rows) (Row, error) {
	var r Row
	var last string
	if err := rows.Scan(&r.Number, &r.Class, &r.AdmittedOn, &r.Name, &r.Address, &r.Email, &r.EmailUse,
		&r.Shares, &r.Paid, &last, &r.SharesAtCeasing); err != nil {
		return r, fmt.Errorf("society: register: %w", err)
	}
	if r.Shares == 0 {
		r.CeasedOn = last
	}
	return r, nil
}

// Register is the whole register as of asOf.
func (s *Service) Register(ctx context.Context, asOf string) ([]Row, error) {
	var out []Row
	err := s.EachRow(ctx, asOf, func(r Row) error { out = append(out, r); return nil })
	return out, err
}

// csvHeader names the register's CSV columns.
var csvHeader = []string{"number", "class", "name", "postal_address", "email", "email_use", "shares",
	"amount_paid", "other_property", "admitted_on", "ceased_on", "shares_at_ceasing"}

// WriteCSV writes the register as of asOf to w as CSV, with a header;
// amounts are in major units with two decimals (1250.00), for
// spreadsheets.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, asOf string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rec := make([]string, len(csvHeader))
	err := s.EachRow(ctx, asOf, func(r Row) error {
		rec[0] = strconv.FormatInt(r.Number, 10)
		// What the secretary typed can begin like a formula.
		rec[1], rec[2], rec[3], rec[4], rec[5] = string(r.Class), csvcell.Safe(r.Name), csvcell.Safe(r.Address), csvcell.Safe(r.Email), string(r.EmailUse)
		rec[6] = strconv.FormatInt(r.Shares, 10)
		rec[7] = money.New(r.Paid, s.rules.Currency).Plain()
		rec[8], rec[9], rec[10] = csvcell.Safe(r.OtherProperty), r.AdmittedOn, r.CeasedOn
		rec[11] = ""
		if r.CeasedOn != "" {
			rec[11] = strconv.FormatInt(r.SharesAtCeasing, 10)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
