package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/valid"
)

// holdNoteField names the note of one hold's form, so its message lands
// beside the right form when several are listed.
func holdNoteField(id int64) string { return fmt.Sprintf("note-%d", id) }

// holdAudit is what the audit log keeps of a resolved hold.
type holdAudit struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Reason    string    `json:"reason"`
	Attempted giftAudit `json:"attempted"`
	StoredID  int64     `json:"stored_entry,omitempty"`
	Note      string    `json:"note,omitempty"`
}

func auditHold(h fund.Hold) holdAudit {
	return holdAudit{ID: h.ID, Kind: string(h.Kind), Reason: h.Reason, Attempted: auditGift(h.Attempted),
		StoredID: h.Stored.ID, Note: h.Note}
}

// adminFundResolveHold records the treasurer's decision on a conflict or
// a held payment, with a note saying what was done about the money. It
// credits nothing: money held is recorded, or refunded, by the usual
// means, and the note says which.
func (s *Server) adminFundResolveHold(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var errs fieldErrors
	note := formValue(r, &errs, "note", "The note", 1000)
	if len(errs) == 0 {
		_, err = l.ResolveHold(r.Context(), id, note, recorder(r), func(ctx context.Context, tx *sql.Tx, h fund.Hold) error {
			return s.audit(ctx, tx, r, "fund.resolve_hold", "fund_hold", strconv.FormatInt(id, 10), nil, auditHold(h))
		})
		if errors.Is(err, db.ErrNotFound) {
			return errNotFound
		}
		if v, ok := valid.As(err); ok {
			errs.Add("note", sentence(v.Message))
		} else if err != nil {
			return err
		} else {
			http.Redirect(w, r, "/admin/fund?resolved="+strconv.FormatInt(id, 10)+"#holds", http.StatusSeeOther)
			return nil
		}
	}
	r.URL.RawQuery = ""
	p, _, err := s.fundDashboard(r)
	if err != nil {
		return err
	}
	p.Errors.Add(holdNoteField(id), errs[0].Message)
	p.NoteFor, p.Note = id, note
	return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund", p)
}
