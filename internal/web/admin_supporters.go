package web

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/supporter"
)

// supportersAdminPage is the treasurer's view of the supporters: the
// plans and a form for a new one, supporters by plan and method, monthly
// income, failing payments to follow up and joining and leaving by month.
type supportersAdminPage struct {
	adminFrame
	Configured bool
	Plans      []supporter.Plan
	Report     supporter.Report
	// Orders is what standing orders add, when they are kept here; Total
	// is the monthly income of subscriptions and standing orders together.
	Orders *supporter.OrderSummary
	Total  money.Money
	// Months counts new and ended supporters of every kind per month, the
	// last twelve, and Chart draws them.
	Months []supporter.MonthCount
	Chart  barChart
	// The new plan form as typed.
	Name, Amount, Min, Interval string
	AnyAmount                   bool
}

// Dated formats a time in the publication's zone, or "–" for none.
func (p supportersAdminPage) Dated(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(p.Site.Location).Format("2 Jan 2006")
}

func (s *Server) adminSupporters(w http.ResponseWriter, r *http.Request) error {
	p := &supportersAdminPage{adminFrame: s.newAdminFrame(r, "Supporters"), Interval: "month"}
	if r.URL.Query().Get("created") != "" {
		p.Notice = "The plan is set up and offered on the join page."
	}
	return s.renderSupporters(w, r, p, http.StatusOK)
}

func (s *Server) renderSupporters(w http.ResponseWriter, r *http.Request, p *supportersAdminPage, status int) error {
	p.Configured = s.supporters != nil
	if p.Configured {
		var err error
		if p.Plans, err = s.supporters.Plans(r.Context()); err != nil {
			return err
		}
		if p.Report, err = s.supporters.Report(r.Context(), s.site.Location); err != nil {
			return err
		}
		p.Total = p.Report.MonthlyIncome
		p.Months = p.Report.Months
	}
	// Standing-order supporters count as supporters: their figures sit
	// beside the subscriptions', and their pages are linked from here.
	if s.standing != nil {
		sum, err := s.standing.Summary(r.Context())
		if err != nil {
			return err
		}
		p.Orders = &sum
		if !p.Configured {
			p.Total = sum.MonthlyIncome
		} else if t, err := p.Total.Add(sum.MonthlyIncome); err == nil {
			p.Total = t
		}
		months, err := s.standing.Months(r.Context(), chartMonths)
		if err != nil {
			return err
		}
		p.Months = addMonths(p.Months, months)
	}
	if p.Months != nil {
		p.Chart = joiningChart(p.Months)
	}
	return s.renderAdmin(w, status, "admin_supporters", p)
}

// chartMonths is how many months the joining and leaving chart covers, as
// supporter.Service.Report counts them.
const chartMonths = 12

// addMonths adds b's counts to a's, month by month; the two cover the
// same months, or a is empty.
func addMonths(a, b []supporter.MonthCount) []supporter.MonthCount {
	if len(a) != len(b) {
		return b
	}
	out := make([]supporter.MonthCount, len(a))
	for i := range a {
		out[i] = supporter.MonthCount{Month: a[i].Month, New: a[i].New + b[i].New, Ended: a[i].Ended + b[i].Ended}
	}
	return out
}

// adminSupporterPlanCreate sets up a plan at Stripe and offers it; every
// field's problem is shown beside it and nothing is created.
func (s *Server) adminSupporterPlanCreate(w http.ResponseWriter, r *http.Request) error {
	p := &supportersAdminPage{adminFrame: s.newAdminFrame(r, "Supporters")}
	p.Name = formValue(r, &p.Errors, "name", "The name", 200)
	p.Amount = formValue(r, &p.Errors, "amount", "The amount", 20)
	p.Min = formValue(r, &p.Errors, "min", "The smallest amount", 20)
	p.Interval = formValue(r, &p.Errors, "interval", "How often", 10)
	p.AnyAmount = r.PostFormValue("any_amount") == "yes"
	if len(p.Errors) > 0 || s.supporters == nil {
		return s.renderSupporters(w, r, p, http.StatusUnprocessableEntity)
	}
	_, err := s.supporters.CreatePlan(r.Context(), supporter.PlanInput{Name: p.Name, Amount: p.Amount,
		AnyAmount: p.AnyAmount, Min: p.Min, Interval: p.Interval, By: recorder(r)},
		func(ctx context.Context, tx *sql.Tx, plan supporter.Plan) error {
			return s.audit(ctx, tx, r, "supporter.plan.create", "supporter_plan", strconv.FormatInt(plan.ID, 10), nil,
				map[string]string{"name": plan.Name, "amount": plan.Describe(), "stripe_product": plan.ProductID, "stripe_price": plan.PriceID})
		})
	switch {
	case p.Errors.addValidation(err, ""):
		return s.renderSupporters(w, r, p, http.StatusUnprocessableEntity)
	case errors.Is(err, payment.ErrNotConfigured):
		p.Errors.Add("name", "Stripe is not configured on this server, so plans cannot be set up yet.")
		return s.renderSupporters(w, r, p, http.StatusUnprocessableEntity)
	case err != nil:
		s.log.Error("create supporter plan", "err", err)
		return &httpError{Status: http.StatusBadGateway,
			Message: "Stripe did not answer, so the plan was not set up. Please try again in a few minutes."}
	}
	http.Redirect(w, r, "/admin/supporters?created=1", http.StatusSeeOther)
	return nil
}

// adminSupportersExport sends every supporter as CSV: subscriptions
// (pending checkouts left out) and standing orders (supporter.WriteCSV).
func (s *Server) adminSupportersExport(w http.ResponseWriter, r *http.Request) error {
	if s.supporters == nil {
		return &httpError{Status: http.StatusNotFound, Message: "Supporters are not set up on this server."}
	}
	subs, err := s.supporters.Subscriptions(r.Context())
	if err != nil {
		return err
	}
	var orders []supporter.StandingOrder
	if s.standing != nil {
		list, err := s.standing.ListStandingOrders(r.Context(), supporter.ListAll)
		if err != nil {
			return err
		}
		for _, o := range list {
			orders = append(orders, o.StandingOrder)
		}
	}
	var buf bytes.Buffer
	if err := supporter.WriteCSV(&buf, subs, orders, s.site.Location); err != nil {
		return err
	}
	name := "supporters-" + s.now().In(s.site.Location).Format("2006-01-02") + ".csv"
	return sendAttachment(w, "text/csv; charset=utf-8", name, buf.Bytes())
}
