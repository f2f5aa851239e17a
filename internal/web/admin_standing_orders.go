package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// standingOrdersPath is where the standing-order supporters are listed;
// the Supporters page (/admin/supporters) links here, and these pages
// link back to it.
const standingOrdersPath = "/admin/supporters/standing-orders"

// standingOrders is the service, or a 404 when the server has none.
func (s *Server) standingOrders() (*supporter.StandingOrders, error) {
	if s.standing == nil {
		return nil, errNotFound
	}
	return s.standing, nil
}

// standingOrderListPage lists the standing-order supporters.
type standingOrderListPage struct {
	adminFrame
	Orders []supporter.OrderListing
	// Filter is the status shown ("" for all); Filters the choices.
	Filter  string
	Filters []string
	// Waiting counts the statement lines that wait for the treasurer.
	Waiting int
}

func (s *Server) adminStandingOrders(w http.ResponseWriter, r *http.Request) error {
	so, err := s.standingOrders()
	if err != nil {
		return err
	}
	p := &standingOrderListPage{adminFrame: s.newAdminFrame(r, "Standing-order supporters"),
		Filters: []string{"active", "lapsed", "cancelled", "failing"}}
	p.Filter = r.URL.Query().Get("status")
	filter, err := supporter.ParseListFilter(p.Filter)
	if v, ok := valid.As(err); ok {
		return &httpError{Status: http.StatusBadRequest, Message: v.Message}
	}
	ctx := r.Context()
	if p.Orders, err = so.ListStandingOrders(ctx, filter); err != nil {
		return err
	}
	waiting, err := so.WaitingLines(ctx)
	if err != nil {
		return err
	}
	p.Waiting = len(waiting)
	if id, err := strconv.ParseInt(r.URL.Query().Get("saved"), 10, 64); err == nil {
		if o, err := so.StandingOrder(ctx, id); err == nil {
			p.Notice = fmt.Sprintf("Saved the standing order of %s (%s %s, reference %s).", o.Name, o.Amount.Format(), o.Frequency, o.Reference)
		}
	}
	return s.renderAdmin(w, http.StatusOK, "admin_standing_orders", p)
}

// standingOrderPage adds or edits one standing order.
type standingOrderPage struct {
	adminFrame
	// Order is zero when adding.
	Order       supporter.StandingOrder
	In          supporter.OrderInput
	Frequencies []supporter.Frequency
	History     []supporter.OrderChange
	// Action is where the form posts.
	Action string
	// AskThanks shows the fields for thanks in the fund column.
	AskThanks bool
}

func (s *Server) newStandingOrderPage(r *http.Request, o supporter.StandingOrder) *standingOrderPage {
	p := &standingOrderPage{adminFrame: s.newAdminFrame(r, "Add a standing-order supporter"), Order: o,
		AskThanks:   s.standing != nil && s.standing.ColumnThanks(),
		Frequencies: supporter.Frequencies(), Action: standingOrdersPath}
	if o.ID != 0 {
		p.Title, p.Action = "Standing order: "+o.Name, fmt.Sprintf("%s/%d", standingOrdersPath, o.ID)
	}
	return p
}

func (s *Server) adminStandingOrderNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.standingOrders(); err != nil {
		return err
	}
	p := s.newStandingOrderPage(r, supporter.StandingOrder{})
	p.In = supporter.OrderInput{Frequency: string(supporter.Monthly), StartedOn: s.today().Format("2006-01-02")}
	return s.renderAdmin(w, http.StatusOK, "admin_standing_order", p)
}

// adminStandingOrder shows one order's form, its status buttons and its
// history.
func (s *Server) adminStandingOrder(w http.ResponseWriter, r *http.Request) error {
	p, err := s.loadStandingOrderPage(r)
	if err != nil {
		return err
	}
	p.In = orderInputOf(p.Order)
	if r.URL.Query().Get("status") != "" {
		p.Notice = "This standing order is now " + string(p.Order.Status) + "."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_standing_order", p)
}

// loadStandingOrderPage reads the order named in the path, with its history.
func (s *Server) loadStandingOrderPage(r *http.Request) (*standingOrderPage, error) {
	so, err := s.standingOrders()
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := so.StandingOrder(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := s.newStandingOrderPage(r, o)
	if p.History, err = so.OrderHistory(r.Context(), id); err != nil {
		return nil, err
	}
	return p, nil
}

// orderInputOf fills the form from a stored order.
func orderInputOf(o supporter.StandingOrder) supporter.OrderInput {
	return supporter.OrderInput{Name: o.Name, Email: o.Email, PostalAddress: o.PostalAddress, Amount: o.Amount.Format(),
		Frequency: string(o.Frequency), Reference: o.Reference, StartedOn: o.StartedOn.Format("2006-01-02"),
		Thanks: supporter.ThanksInput{On: yesIf(o.Thanks.On), Name: o.Thanks.Name, Town: o.Thanks.Town}}
}

// yesIf is "yes" for a ticked box as a form sends it, "" for an empty one.
func yesIf(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// standingOrderInput reads the form; its field names are the ones
// supporter.ParseOrder names in its refusals.
func standingOrderInput(r *http.Request) supporter.OrderInput {
	v := r.PostFormValue
	return supporter.OrderInput{Name: v("name"), Email: v("email"), PostalAddress: v("postal_address"), Amount: v("amount"),
		Frequency: v("frequency"), Reference: v("reference"), StartedOn: v("started_on"),
		Thanks: supporter.ThanksInput{On: v(supporter.FieldThanks), Name: v(supporter.FieldThanksName), Town: v(supporter.FieldThanksTown)}}
}

// standingOrderAudit is what the audit log keeps of an order.
func standingOrderAudit(o supporter.StandingOrder) any {
	if o.ID == 0 {
		return nil
	}
	return map[string]any{"id": o.ID, "name": o.Name, "amount": o.Amount.FormatFull(), "frequency": o.Frequency,
		"reference": o.Reference, "status": o.Status, "started_on": o.StartedOn.Format("2006-01-02")}
}

// auditOrder writes a change to an order in the audit log, in its
// transaction.
func (s *Server) auditOrder(r *http.Request, action string) supporter.OrderHook {
	return func(ctx context.Context, tx *sql.Tx, before, after supporter.StandingOrder) error {
		return s.audit(ctx, tx, r, action, "standing_order", strconv.FormatInt(after.ID, 10),
			standingOrderAudit(before), standingOrderAudit(after))
	}
}

// adminStandingOrderCreate records a new standing order; nothing is saved
// unless every field is right.
func (s *Server) adminStandingOrderCreate(w http.ResponseWriter, r *http.Request) error {
	so, err := s.standingOrders()
	if err != nil {
		return err
	}
	in := standingOrderInput(r)
	o, err := so.AddStandingOrder(r.Context(), in, recorder(r), s.auditOrder(r, "supporter.standing_order.add"))
	if err != nil {
		p := s.newStandingOrderPage(r, supporter.StandingOrder{})
		p.In = in
		if !p.Errors.addValidation(err, "") {
			return err
		}
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_standing_order", p)
	}
	http.Redirect(w, r, fmt.Sprintf("%s?saved=%d", standingOrdersPath, o.ID), http.StatusSeeOther)
	return nil
}

// adminStandingOrderSave replaces what is known of an order.
func (s *Server) adminStandingOrderSave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.loadStandingOrderPage(r)
	if err != nil {
		return err
	}
	in := standingOrderInput(r)
	o, err := s.standing.UpdateStandingOrder(r.Context(), p.Order.ID, in, recorder(r), s.auditOrder(r, "supporter.standing_order.update"))
	if err != nil {
		p.In = in
		if !p.Errors.addValidation(err, "") {
			return err
		}
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_standing_order", p)
	}
	http.Redirect(w, r, fmt.Sprintf("%s?saved=%d", standingOrdersPath, o.ID), http.StatusSeeOther)
	return nil
}

// adminStandingOrderStatus lapses, resumes or cancels an order, as the
// button pressed says.
func (s *Server) adminStandingOrderStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.loadStandingOrderPage(r)
	if err != nil {
		return err
	}
	ctx, id, by := r.Context(), p.Order.ID, recorder(r)
	switch to := r.PostFormValue("status"); to {
	case string(supporter.OrderLapsed):
		_, err = s.standing.LapseStandingOrder(ctx, id, by, s.auditOrder(r, "supporter.standing_order.lapse"))
	case string(supporter.OrderActive):
		_, err = s.standing.ResumeStandingOrder(ctx, id, by, s.auditOrder(r, "supporter.standing_order.resume"))
	case string(supporter.OrderCancelled):
		_, err = s.standing.CancelStandingOrder(ctx, id, by, s.auditOrder(r, "supporter.standing_order.cancel"))
	default:
		err = errors.New("no status")
		p.Errors.Add("status", "Choose whether the standing order has lapsed, is paying again, or is cancelled.")
	}
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		if len(p.Errors) == 0 && !p.Errors.addValidation(err, "status") {
			return err
		}
		p.In = orderInputOf(p.Order)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_standing_order", p)
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d?status=changed", standingOrdersPath, id), http.StatusSeeOther)
	return nil
}
