package mail

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/coopress/coopress/internal/db"
)

// ForAddress lists the outbox's mail to addr (alone or in a "Name <addr>"
// form), oldest first, for the person's own download of their data.
func ForAddress(ctx context.Context, q db.Queryer, addr string) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM mail_outbox WHERE lower(to_addr) LIKE $1 ESCAPE '\' ORDER BY id`,
		db.LikeContains(addr))
	if err != nil {
		return nil, fmt.Errorf("mail: outbox for an address: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("mail: outbox for an address: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail: outbox for an address: %w", err)
	}
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e, err := getEntry(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ErasedAddress stands in the outbox for the recipient of an erased
// person's mail: not an address, so nothing can be sent to it.
const ErasedAddress = "erased"

// EraseAddress blanks, in tx, every outbox copy of the mail to addr: its
// recipient, subject and bodies, and deletes its attachments. A mail still queued is marked failed so
// that its job gives up instead of sending an empty message; the rows
// stay, so the operator's counts of what was sent remain true.
func EraseAddress(ctx context.Context, tx *sql.Tx, addr string) error {
	// The attachments go first, while the rows still carry the address:
	// a certificate names the person as much as the body does.
	if _, err := tx.ExecContext(ctx, `DELETE FROM mail_attachments WHERE outbox_id IN
		(SELECT id FROM mail_outbox WHERE lower(to_addr) LIKE $1 ESCAPE '\')`, db.LikeContains(addr)); err != nil {
		return fmt.Errorf("mail: erase an address's attachments: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET to_addr = $2, subject = $2, text_body = '', html_body = '',
		last_error = CASE WHEN status = $3 THEN 'recipient erased' ELSE '' END,
		status = CASE WHEN status = $3 THEN $4 ELSE status END
		WHERE lower(to_addr) LIKE $1 ESCAPE '\'`, db.LikeContains(addr), ErasedAddress, string(Queued), string(Failed)); err != nil {
		return fmt.Errorf("mail: erase an address: %w", err)
	}
	return nil
}
