package supporter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/valid"
)

// The longest name and email a supporter may give, in characters.
const (
	maxName  = 200
	maxEmail = 200
)

// JoinInput is a reader's request to become a supporter, as typed.
type JoinInput struct {
	// Plan is the chosen plan's id, as the form sent it.
	Plan string
	// Amount is the reader's own amount, on an any-amount plan only.
	Amount string
	Name   string
	Email  string
	// AccountID is the signed-in reader's account, 0 for none.
	AccountID int64
	// Thanks is how they would like to be thanked in the fund column;
	// ignored when the paper does not offer it.
	Thanks ThanksInput
}

// Join checks in, creates the provider's checkout in subscription mode
// (card, and Bacs Direct Debit when the plan is in pounds) and stores the
// checkout and a pending subscription before returning where to send the
// reader. Bad input is a valid.Error per field ("plan", "amount", "name",
// "email"), joined, and nothing is stored or sent to the provider.
func (s *Service) Join(ctx context.Context, in JoinInput) (string, error) {
	plan, amount, name, email, err := s.checkJoin(ctx, in)
	thanks, terr := ParseThanks(in.Thanks)
	if !s.columnThanks {
		thanks, terr = Thanks{}, nil
	}
	if err := errors.Join(err, terr); err != nil {
		return "", err
	}
	if s.provider == nil {
		return "", payment.ErrNotConfigured
	}
	ref := rand.Text()
	url, session, err := s.provider.CreateSubscriptionCheckout(ctx, payment.SubscriptionCheckoutRequest{
		Price: plan.price(amount), Email: email, Purpose: Purpose,
		Metadata:    map[string]string{"join": ref, "plan": strconv.FormatInt(plan.ID, 10)},
		DirectDebit: amount.Currency == "GBP",
		SuccessURL:  s.baseURL + "/supporters/thanks?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:   s.baseURL + "/supporters/join",
	})
	if err != nil {
		return "", err
	}
	now := db.UTC(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkouts (session_id, purpose, amount_minor, currency, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id) DO NOTHING`,
			session, Purpose, amount.Minor, amount.Currency, now); err != nil {
			return err
		}
		var account any
		if in.AccountID != 0 {
			account = in.AccountID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (join_ref, checkout_session, plan_id, amount_minor,
			currency, status, email, name, account_id, next_amount_minor, created_at, updated_at,
			thanks, thanks_name, thanks_town)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4, $10, $10, $11, $12, $13)`,
			ref, session, plan.ID, amount.Minor, amount.Currency, string(Pending), email, name, account, now,
			boolInt(thanks.On), thanks.Name, thanks.Town)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("supporter: remember checkout %s: %w", session, err)
	}
	return url, nil
}

// checkJoin says what is wrong with each field of in.
func (s *Service) checkJoin(ctx context.Context, in JoinInput) (Plan, money.Money, string, string, error) {
	var errs []error
	add := func(field, msg string) { errs = append(errs, valid.New(field, msg)) }
	name, email := strings.Join(strings.Fields(in.Name), " "), strings.TrimSpace(in.Email)
	plan, err := s.activePlan(ctx, in.Plan)
	var amount money.Money
	switch {
	case errors.Is(err, db.ErrNotFound):
		add("plan", "Choose one of the plans.")
	case err != nil:
		return plan, amount, name, email, err
	case plan.AnyAmount():
		var msg string
		if amount, msg = s.parseAmount("the amount", in.Amount); msg == "" && amount.Minor < plan.Min.Minor {
			msg = "The smallest amount on this plan is " + plan.Min.Format() + "."
		}
		if msg != "" {
			add("amount", msg)
		}
	default:
		amount = plan.Amount
	}
	switch {
	case name == "":
		add("name", "Enter your name, so we can thank you.")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxName:
		add("name", "Please keep your name to "+strconv.Itoa(maxName)+" characters.")
	}
	switch {
	case email == "":
		add("email", "Enter your email address: we write to it if a payment does not go through.")
	case utf8.RuneCountInString(email) > maxEmail || !plausibleEmail(email):
		add("email", "Enter an email address like name@example.com.")
	}
	return plan, amount, name, email, errors.Join(errs...)
}

// activePlan finds an active plan by the id a form sent, or db.ErrNotFound.
func (s *Service) activePlan(ctx context.Context, raw string) (Plan, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || id <= 0 {
		return Plan{}, db.ErrNotFound
	}
	p, err := s.Plan(ctx, id)
	if err == nil && !p.Active {
		return p, db.ErrNotFound
	}
	return p, err
}

// plausibleEmail is an address mail could go to: one @ between a local
// part and a dotted domain, and nothing a mail header treats as markup.
func plausibleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && !strings.ContainsAny(s, " \t\r\n<>(),;:\"[]\\") &&
		!strings.Contains(domain, "@") && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
