package society

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// ImportResult is what an import did.
type ImportResult struct {
	// Recorded counts members admitted, Former those of them recorded as
	// having left; Skipped the lines already in the register.
	Recorded, Former, Skipped int
}

// importBatch is how many members one INSERT carries. modernc's SQLite
// binds parameters in time that grows with their square, so a statement
// stays at a few hundred (contacts: 7 a row beside 2 shared). Measured on
// 100,000 members (BenchmarkImport, SQLite): recording took 7.1 s in
// batches of 25, 5.0 s of 50, 4.6 s of 100 and 8.7 s of 200.
const importBatch = 100

// CheckImport checks parsed rows against the register, recording
// nothing: a line whose number is in the register already for the same
// person admitted the same day is marked Recorded, to be skipped; a number
// the register gives someone else, a person already a member under
// another number (unless the line is of a former membership), or a former
// member's line for someone the register shows still holding shares, is a
// problem on the line.
func (s *Service) CheckImport(ctx context.Context, rows []ImportRow) error {
	return s.checkImport(ctx, s.db, rows)
}

// registered is a member as the import compares them.
type registered struct {
	admittedOn, key string
	current         bool
}

func (s *Service) checkImport(ctx context.Context, q db.Queryer, rows []ImportRow) error {
	byNumber := map[int64]registered{}
	currentKey := map[string]int64{}
	res, err := q.QueryContext(ctx, `SELECT m.number, m.admitted_on,
		(SELECT c.person_key FROM member_contacts c WHERE c.member_id = m.id ORDER BY c.effective_on DESC, c.id DESC LIMIT 1),
		(SELECT COALESCE(SUM(e.shares), 0) FROM share_entries e WHERE e.member_id = m.id)
		FROM members m`)
	if err != nil {
		return fmt.Errorf("society: import check: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var n, held int64
		var r registered
		if err := res.Scan(&n, &r.admittedOn, &r.key, &held); err != nil {
			return fmt.Errorf("society: import check: %w", err)
		}
		r.current = held > 0
		byNumber[n] = r
		if r.current {
			currentKey[r.key] = n
		}
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("society: import check: %w", err)
	}
	for i := range rows {
		row := &rows[i]
		row.Recorded = false
		if !row.OK() {
			continue
		}
		a := row.Admission
		key := personKey(a.Contact.Name, a.Contact.Address)
		if r, ok := byNumber[a.Number]; ok {
			switch {
			case r.key == key && r.admittedOn == a.On && row.CeasedOn != "" && r.current:
				row.problem("ceased_on", fmt.Sprintf("Member %d is in the register still holding shares; record their leaving "+
					"as a withdrawal (or the transmission or cancellation it was), not by an import.", a.Number))
			case r.key == key && r.admittedOn == a.On:
				row.Recorded = true
			case r.key == key:
				row.problem("admitted_on", fmt.Sprintf("Member %d is in the register already, admitted on %s, not %s; correct the day or leave the line out.",
					a.Number, r.admittedOn, a.On))
			default:
				row.problem("number", fmt.Sprintf("Membership number %d is already in the register for someone else, admitted on %s.", a.Number, r.admittedOn))
			}
			continue
		}
		if n, ok := currentKey[key]; ok && row.CeasedOn == "" {
			row.problem("name", fmt.Sprintf("This person, at this address, is already member %d.", n))
		}
	}
	return nil
}

// ImportProblems counts the lines with problems.
func ImportProblems(rows []ImportRow) int {
	n := 0
	for _, r := range rows {
		if !r.OK() {
			n++
		}
	}
	return n
}

// Import admits every member of rows not already in the register, in one
// transaction: each keeps their number and admission day, with their
// holding as one allotment on that day (a former member's, what they held
// when they left, withdrawn whole on the day they ceased), and one audit
// entry records the import. The rows are checked again inside the transaction, so nothing
// recorded between the preview and now is recorded twice; if any line
// has a problem, nothing at all is recorded and the error is a
// valid.Error on FieldFile, the rows saying which. progress, when not
// nil, hears after each batch.
func (s *Service) Import(ctx context.Context, rows []ImportRow, by account.Actor, progress func(done, total int)) (ImportResult, error) {
	var out ImportResult
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = ImportResult{}
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if err := s.checkImport(ctx, tx, rows); err != nil {
			return err
		}
		if n := ImportProblems(rows); n > 0 {
			return valid.New(FieldFile, fmt.Sprintf("%d of the file's lines have problems; nothing has been recorded.", n))
		}
		var todo []ImportRow
		for _, r := range rows {
			switch {
			case r.Recorded:
				out.Skipped++
			case r.CeasedOn != "":
				out.Former++
				todo = append(todo, r)
			default:
				todo = append(todo, r)
			}
		}
		for start := 0; start < len(todo); start += importBatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.importBatch(ctx, tx, todo[start:min(start+importBatch, len(todo))], by); err != nil {
				return err
			}
			out.Recorded = min(start+importBatch, len(todo))
			if progress != nil {
				progress(out.Recorded, len(todo))
			}
		}
		if out.Recorded == 0 {
			return nil
		}
		numbers := make([]int64, len(todo))
		for i, r := range todo {
			numbers[i] = r.Admission.Number
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.import", ObjectType: "register",
			ObjectID: strconv.Itoa(out.Recorded) + " members",
			After:    map[string]any{"recorded": out.Recorded, "former": out.Former, "skipped": out.Skipped, "numbers": numbers}})
	})
	return out, err
}

// importBatch inserts members, their details and their allotments, a
// statement of each for the whole batch, and the former members'
// withdrawals on the day they left, after their allotments so that a
// member who left on the day they joined replays in that order.
func (s *Service) importBatch(ctx context.Context, tx *sql.Tx, rows []ImportRow, by account.Actor) error {
	now := db.UTC(s.now())
	batch := make([]Admission, len(rows))
	var former []ImportRow
	for i, r := range rows {
		batch[i] = r.Admission
		if r.CeasedOn != "" {
			former = append(former, r)
		}
	}
	ids := make(map[int64]int64, len(batch))
	q, args := batchInsert(`INSERT INTO members (recorded_at, recorded_by, number, class, admitted_on) VALUES `,
		[]any{now, by.Name}, batch, func(a Admission) []any { return []any{a.Number, string(a.Class), a.On} })
	res, err := tx.QueryContext(ctx, q+` RETURNING id, number`, args...)
	if err != nil {
		return importInsertError("members", err)
	}
	for res.Next() {
		var id, n int64
		if err := res.Scan(&id, &n); err != nil {
			res.Close()
			return fmt.Errorf("society: import members: %w", err)
		}
		ids[n] = id
	}
	res.Close()
	if err := res.Err(); err != nil {
		return importInsertError("members", err)
	}
	q, args = batchInsert(`INSERT INTO member_contacts (recorded_at, recorded_by, member_id, name, postal_address, email, email_use,
		person_key, effective_on) VALUES `, []any{now, by.Name}, batch, func(a Admission) []any {
		c := a.Contact
		return []any{ids[a.Number], c.Name, c.Address, c.Email, string(c.EmailUse), personKey(c.Name, c.Address), a.On}
	})
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return importInsertError("details", err)
	}
	q, args = batchInsert(`INSERT INTO share_entries (recorded_at, recorded_by, kind, currency, reason, member_id, entry_on,
		shares, amount_minor) VALUES `, []any{now, by.Name, string(Allotment), s.rules.Currency, "admission (imported register)"},
		batch, func(a Admission) []any { return []any{ids[a.Number], a.On, a.Shares, a.Shares * s.rules.Nominal} })
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return importInsertError("allotments", err)
	}
	if len(former) == 0 {
		return nil
	}
	q, args = batchInsert(`INSERT INTO share_entries (recorded_at, recorded_by, kind, currency, reason, member_id, entry_on,
		shares, amount_minor) VALUES `, []any{now, by.Name, string(Withdrawal), s.rules.Currency, "ceased (imported register)"},
		former, func(r ImportRow) []any {
			a := r.Admission
			return []any{ids[a.Number], r.CeasedOn, -a.Shares, -a.Shares * s.rules.Nominal}
		})
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return importInsertError("withdrawals of former members", err)
	}
	return nil
}

// batchInsert writes a multi-row INSERT: the values every row shares are
// the first parameters ($1…), bound once, and each row's own follow, so
// a row costs only the parameters that differ.
func batchInsert[T any](head string, shared []any, batch []T, row func(T) []any) (string, []any) {
	var b strings.Builder
	b.WriteString(head)
	args := append([]any(nil), shared...)
	for i, a := range batch {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range shared {
			b.WriteString("$" + strconv.Itoa(j+1) + ",")
		}
		for j, v := range row(a) {
			if j > 0 {
				b.WriteByte(',')
			}
			args = append(args, v)
			b.WriteString("$" + strconv.Itoa(len(args)))
		}
		b.WriteByte(')')
	}
	return b.String(), args
}

// importInsertError turns a clash the check could not foresee into a
// refusal; anything else stays an error.
func importInsertError(what string, err error) error {
	if db.IsUniqueViolation(err) {
		return valid.New(FieldFile, "A membership number in the file was taken while it was being imported; nothing has been recorded. Try again.")
	}
	return fmt.Errorf("society: import %s: %w", what, err)
}
