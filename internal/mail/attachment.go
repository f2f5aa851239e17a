package mail

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"mime"
	"strings"

	"github.com/coopress/coopress/internal/db"
	gomail "github.com/wneessen/go-mail"
)

// Limits on attachments. A certificate is a few kilobytes; these leave
// room for a register or a ballot paper while keeping a mail well inside
// the 10 MB most servers accept once base64 has added its third.
const (
	MaxAttachments        = 5
	MaxAttachmentBytes    = 5 << 20 // all of a message's attachments together
	MaxAttachmentNameLen  = 100
	maxContentTypeLen     = 100
	attachmentsFieldLabel = "attachments"
)

// Attachment is a file sent with a Message.
type Attachment struct {
	// Filename is the name the recipient's mail program offers to save
	// it as, "certificate-42.pdf": no path, one line.
	Filename string
	// ContentType is its media type, "application/pdf".
	ContentType string
	Data        []byte
}

// checkAttachments refuses attachments that could not be sent as they
// stand or that would write headers of their own.
func checkAttachments(as []Attachment) error {
	if len(as) > MaxAttachments {
		return invalid(attachmentsFieldLabel, fmt.Sprintf("are more than %d", MaxAttachments))
	}
	total := 0
	for _, a := range as {
		if err := checkLine("attachment filename", a.Filename, MaxAttachmentNameLen, true); err != nil {
			return err
		}
		if strings.ContainsAny(a.Filename, `/\"`) || a.Filename == "." || a.Filename == ".." {
			return invalid("attachment filename", `must be a bare file name, without / \ or "`)
		}
		if err := checkLine("attachment content type", a.ContentType, maxContentTypeLen, true); err != nil {
			return err
		}
		if mt, params, err := mime.ParseMediaType(a.ContentType); err != nil || len(params) > 0 || !strings.Contains(mt, "/") {
			return invalid("attachment content type", "must be a media type such as application/pdf")
		}
		if len(a.Data) == 0 {
			return invalid("attachment "+a.Filename, "is empty")
		}
		total += len(a.Data)
	}
	if total > MaxAttachmentBytes {
		return invalid(attachmentsFieldLabel, fmt.Sprintf("are larger than %d bytes together", MaxAttachmentBytes))
	}
	return nil
}

// insertAttachments writes m's attachments for outbox row id in tx.
func insertAttachments(ctx context.Context, tx *sql.Tx, id int64, as []Attachment) error {
	for i, a := range as {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_attachments (outbox_id, position, filename, content_type, data)
			VALUES ($1, $2, $3, $4, $5)`, id, i, a.Filename, a.ContentType, a.Data); err != nil {
			return fmt.Errorf("mail: attach %s to %d: %w", a.Filename, id, err)
		}
	}
	return nil
}

// attachmentsOf reads outbox row id's attachments in order; nil when it
// has none.
func attachmentsOf(ctx context.Context, q db.Queryer, id int64) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT filename, content_type, data FROM mail_attachments
		WHERE outbox_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("mail: attachments of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Data); err != nil {
			return nil, fmt.Errorf("mail: attachments of %d: %w", id, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// attach adds the attachments to an outgoing mail, which go-mail then
// sends as multipart/mixed with each file base64-encoded.
func attach(m *gomail.Msg, as []Attachment) error {
	for _, a := range as {
		if err := m.AttachReader(a.Filename, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return fmt.Errorf("attach %s: %w", a.Filename, err)
		}
	}
	return nil
}
