package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// waitingPath lists the statement lines that wait for the treasurer.
const waitingPath = statementsPath + "/waiting"

// waitingOrderField and waitingNoteField name one line's inputs, so a
// message lands beside the right form when several lines are listed.
func waitingOrderField(id int64) string { return fmt.Sprintf("order-%d", id) }
func waitingNoteField(id int64) string  { return fmt.Sprintf("note-%d", id) }

// waitingPage lists the waiting lines, each with a form to assign it to a
// standing order and one to set it aside.
type waitingPage struct {
	adminFrame
	Lines  []supporter.WaitingLine
	Orders []supporter.OrderListing
	// For is the line a refused form was about, with what was typed.
	For   int64
	Order int64
	Note  string
}

func (s *Server) waitingPage(r *http.Request) (*waitingPage, error) {
	so, err := s.standingOrders()
	if err != nil {
		return nil, err
	}
	p := &waitingPage{adminFrame: s.newAdminFrame(r, "Statement lines to assign")}
	ctx := r.Context()
	if p.Lines, err = so.WaitingLines(ctx); err != nil {
		return nil, err
	}
	all, err := so.ListStandingOrders(ctx, supporter.ListAll)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.Status != supporter.OrderCancelled {
			p.Orders = append(p.Orders, o)
		}
	}
	return p, nil
}

func (s *Server) adminStatementWaiting(w http.ResponseWriter, r *http.Request) error {
	p, err := s.waitingPage(r)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "assigned":
		p.Notice = "The payment is recorded in the fighting fund."
	case "dismissed":
		p.Notice = "The line is set aside as not a supporter's payment."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_statement_waiting", p)
}

// adminStatementAssign makes a waiting line a payment of the chosen
// standing order: its ledger entry, the decision and the audit entry are
// written together.
func (s *Server) adminStatementAssign(w http.ResponseWriter, r *http.Request) error {
	return s.resolveWaiting(w, r, func(ctx context.Context, so *supporter.StandingOrders, id int64, p *waitingPage) error {
		order, err := strconv.ParseInt(r.PostFormValue("order"), 10, 64)
		p.Order = order
		if err != nil || order <= 0 {
			return valid.New("order", "Choose the supporter whose payment this is.")
		}
		_, err = so.Assign(ctx, id, order, recorder(r), s.auditLine(r, "supporter.statement.assign"))
		return err
	}, "assigned")
}

// adminStatementDismiss sets a waiting line aside, with the treasurer's
// note saying what the payment is.
func (s *Server) adminStatementDismiss(w http.ResponseWriter, r *http.Request) error {
	return s.resolveWaiting(w, r, func(ctx context.Context, so *supporter.StandingOrders, id int64, p *waitingPage) error {
		p.Note = r.PostFormValue("note")
		_, err := so.Dismiss(ctx, id, p.Note, recorder(r), s.auditLine(r, "supporter.statement.dismiss"))
		return err
	}, "dismissed")
}

// resolveWaiting runs one decision on the line in the path: a 404 for a
// line that never existed, and the list again with the message beside the
// line's form when the decision is refused.
func (s *Server) resolveWaiting(w http.ResponseWriter, r *http.Request,
	decide func(context.Context, *supporter.StandingOrders, int64, *waitingPage) error, done string) error {
	so, err := s.standingOrders()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.lineExists(r.Context(), id); err != nil {
		return err
	}
	p, err := s.waitingPage(r)
	if err != nil {
		return err
	}
	err = decide(r.Context(), so, id, p)
	if v, ok := valid.As(err); ok {
		field := waitingNoteField(id)
		if v.Field == "order" || v.Field == "standing_order" {
			field = waitingOrderField(id)
		}
		p.For = id
		if p.Lines, err = so.WaitingLines(r.Context()); err != nil {
			return err
		}
		if !lineListed(p.Lines, id) {
			field = "lines" // the line is no longer waiting: say so above the list
		}
		p.Errors.Add(field, v.Message)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_statement_waiting", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, waitingPath+"?done="+done, http.StatusSeeOther)
	return nil
}

// lineExists is errNotFound for a statement line that was never stored.
func (s *Server) lineExists(ctx context.Context, id int64) error {
	known, err := s.standing.LineStored(ctx, id)
	if err == nil && !known {
		return errNotFound
	}
	return err
}

func lineListed(lines []supporter.WaitingLine, id int64) bool {
	for _, l := range lines {
		if l.ID == id {
			return true
		}
	}
	return false
}

// auditLine writes a decision on a statement line in the audit log, in
// its transaction.
func (s *Server) auditLine(r *http.Request, action string) supporter.LineHook {
	return func(ctx context.Context, tx *sql.Tx, res supporter.Resolution) error {
		after := map[string]any{"outcome": res.Outcome, "note": res.Note}
		if res.Entry.ID != 0 {
			after["entry_id"], after["standing_order_id"], after["amount"] = res.Entry.ID, res.Order.ID, res.Entry.Amount.FormatFull()
		}
		return s.audit(ctx, tx, r, action, "statement_line", strconv.FormatInt(res.LineID, 10), nil, after)
	}
}

// OrderField and NoteField give the template each line's input ids.
func (p *waitingPage) OrderField(id int64) string { return waitingOrderField(id) }

// NoteField is the id of line id's note.
func (p *waitingPage) NoteField(id int64) string { return waitingNoteField(id) }
