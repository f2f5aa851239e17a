package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/valid"
)

// maxPlanName is the longest plan name, in characters: it is shown on the
// join page and on the reader's card or bank statement description.
const maxPlanName = 80

// Plan is one way of giving regularly that the treasurer offers.
type Plan struct {
	ID   int64
	Name string
	// Amount is the fixed amount per interval; zero (in the currency) for
	// a plan where readers choose any amount from Min.
	Amount money.Money
	Min    money.Money
	// Interval is "month" or "year".
	Interval  string
	ProductID string
	PriceID   string
	Active    bool
	CreatedAt time.Time
	CreatedBy string
}

// AnyAmount says whether readers choose their own amount.
func (p Plan) AnyAmount() bool { return p.Amount.Minor == 0 }

// Describe reads "£5 a month" or "any amount from £3 a month".
func (p Plan) Describe() string {
	if p.AnyAmount() {
		return "any amount from " + p.Min.Format() + " a " + p.Interval
	}
	return p.Amount.Format() + " a " + p.Interval
}

// PlanInput is a plan as the treasurer typed it.
type PlanInput struct {
	Name string
	// Amount is the fixed amount ("5", "£5.00"); leave it empty and set
	// AnyAmount for a plan where readers choose.
	Amount    string
	AnyAmount bool
	// Min is the smallest amount on an any-amount plan.
	Min string
	// Interval is "month" or "year".
	Interval string
	By       string
}

// PlanHook runs in the transaction that stores a new plan, so that what
// it records (the audit log) stands or falls with the plan.
type PlanHook func(ctx context.Context, tx *sql.Tx, p Plan) error

// CreatePlan checks in, creates the plan's product and price at the
// provider, and stores it, running hooks in the same transaction. Bad
// input is a valid.Error per field at fault ("name", "amount", "min",
// "interval"), joined, and changes nothing anywhere.
func (s *Service) CreatePlan(ctx context.Context, in PlanInput, hooks ...PlanHook) (Plan, error) {
	p, err := s.checkPlan(ctx, in)
	if err != nil {
		return Plan{}, err
	}
	if s.provider == nil {
		return Plan{}, payment.ErrNotConfigured
	}
	p.ProductID, p.PriceID, err = s.provider.CreatePlan(ctx, payment.PlanRequest{
		Name: s.siteName + ": " + p.Name, AmountMinor: p.Amount.Minor, Currency: p.Min.Currency,
		Interval: p.Interval, Metadata: map[string]string{"purpose": Purpose},
	})
	if err != nil {
		return Plan{}, err
	}
	p.Active, p.CreatedAt, p.CreatedBy = true, db.UTC(s.now()), strings.TrimSpace(in.By)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO supporter_plans (name, amount_minor, min_minor, currency,
			billing_interval, provider_product, provider_price, active, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id`,
			p.Name, p.Amount.Minor, p.Min.Minor, p.Min.Currency, p.Interval, p.ProductID, p.PriceID,
			p.CreatedAt, p.CreatedBy).Scan(&p.ID)
		for _, h := range hooks {
			if err == nil {
				err = h(ctx, tx, p)
			}
		}
		return err
	})
	if db.IsUniqueViolation(err) {
		// Another treasurer took the name while Stripe answered; the
		// product left at Stripe is unused and harmless.
		return Plan{}, valid.New("name", "There is already a plan called "+p.Name+". Choose another name.")
	}
	if err != nil {
		return Plan{}, fmt.Errorf("supporter: store plan %q: %w", p.Name, err)
	}
	return p, nil
}

// checkPlan says what is wrong with each field of in.
func (s *Service) checkPlan(ctx context.Context, in PlanInput) (Plan, error) {
	l := s.limits
	p := Plan{Name: strings.Join(strings.Fields(in.Name), " "), Interval: strings.TrimSpace(in.Interval)}
	var errs []error
	add := func(field, msg string) { errs = append(errs, valid.New(field, msg)) }
	switch {
	case p.Name == "":
		add("name", "Give the plan a name, like Monthly supporter.")
	case !utf8.ValidString(p.Name) || utf8.RuneCountInString(p.Name) > maxPlanName:
		add("name", fmt.Sprintf("Keep the name to %d characters.", maxPlanName))
	default:
		taken, err := s.planNameTaken(ctx, p.Name)
		if err != nil {
			return p, err
		}
		if taken {
			add("name", "There is already a plan called "+p.Name+". Choose another name.")
		}
	}
	if p.Interval != "month" && p.Interval != "year" {
		add("interval", "Choose monthly or yearly.")
	}
	p.Amount, p.Min = money.Zero(l.Min.Currency), l.Min
	if in.AnyAmount {
		if strings.TrimSpace(in.Amount) != "" {
			add("amount", "Leave the amount empty for a plan where readers choose, or untick any amount.")
		}
		if strings.TrimSpace(in.Min) != "" {
			m, msg := s.parseAmount("the smallest amount", in.Min)
			if msg != "" {
				add("min", msg)
			}
			p.Min = m
		}
	} else {
		a, msg := s.parseAmount("the amount", in.Amount)
		if msg != "" {
			add("amount", msg)
		}
		p.Amount, p.Min = a, a
	}
	return p, errors.Join(errs...)
}

// parseAmount reads an amount in the limits' currency and keeps it within
// them; the message names what was asked for.
func (s *Service) parseAmount(what, raw string) (money.Money, string) {
	l := s.limits
	m, err := money.Parse(strings.TrimSpace(raw), l.Min.Currency)
	switch {
	case errors.Is(err, money.ErrEmpty):
		return m, "Enter " + what + ", like 5 or 5.50."
	case errors.Is(err, money.ErrCurrency):
		return m, "Enter " + what + " in " + money.Symbol(l.Min.Currency) + "."
	case errors.Is(err, money.ErrTooLarge) || (err == nil && m.Minor > l.Max.Minor):
		return m, "The most a supporter can give in one payment is " + l.Max.Format() + "."
	case err != nil && !errors.Is(err, money.ErrNotPositive):
		return m, "Enter " + what + " as a number, like 5 or 5.50."
	case err != nil || m.Minor < l.Min.Minor:
		return m, "The smallest regular payment we can take is " + l.Min.Format() + "."
	}
	return m, ""
}

func (s *Service) planNameTaken(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM supporter_plans WHERE lower(name) = lower($1)`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("supporter: check plan name: %w", err)
	}
	return n > 0, nil
}

const planColumns = `id, name, amount_minor, min_minor, currency, billing_interval, provider_product,
	provider_price, active, created_at, created_by`

func scanPlan(r interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	var active int
	err := r.Scan(&p.ID, &p.Name, &p.Amount.Minor, &p.Min.Minor, &p.Min.Currency, &p.Interval, &p.ProductID,
		&p.PriceID, &active, &p.CreatedAt, &p.CreatedBy)
	p.Amount.Currency, p.Active = p.Min.Currency, active == 1
	return p, err
}

// Plans lists every plan, the active ones first, then by amount.
func (s *Service) Plans(ctx context.Context) ([]Plan, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+planColumns+` FROM supporter_plans
		ORDER BY active DESC, billing_interval, amount_minor, min_minor, id`)
	if err != nil {
		return nil, fmt.Errorf("supporter: list plans: %w", err)
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("supporter: read plan: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Plan returns one plan, or db.ErrNotFound.
func (s *Service) Plan(ctx context.Context, id int64) (Plan, error) {
	p, err := scanPlan(s.db.QueryRowContext(ctx, `SELECT `+planColumns+` FROM supporter_plans WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, db.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("supporter: plan %d: %w", id, err)
	}
	return p, nil
}

// price is what a subscription on p for amount pays at the provider.
func (p Plan) price(amount money.Money) payment.Price {
	if !p.AnyAmount() {
		return payment.Price{PriceID: p.PriceID}
	}
	return payment.Price{ProductID: p.ProductID, AmountMinor: amount.Minor, Currency: amount.Currency, Interval: p.Interval}
}
