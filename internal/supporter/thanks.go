package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/valid"
)

// Thanks is a supporter's wish to be thanked in the printed fund column,
// as a donor ticks the box for a gift: every payment of theirs is
// recorded with it as its public thanks ("£5 from Ann Lee, Leeds").
// Without it their payments are counted among "other readers", unnamed.
type Thanks struct {
	// On is the supporter's yes.
	On bool
	// Name is the name to print; empty prints "a reader".
	Name string
	// Town follows the name ("a Leeds reader" without a name).
	Town string
}

// ThanksInput is the thanks part of a form as typed: On is "yes" for the
// ticked box.
type ThanksInput struct {
	On, Name, Town string
}

// The thanks fields' names, which the forms use as their ids.
const (
	FieldThanks     = "thanks"
	FieldThanksName = "thanks_name"
	FieldThanksTown = "thanks_town"
)

// maxThanks is the longest name or town to print, in characters.
const maxThanks = 100

// ParseThanks reads the thanks part of a form. A name or town given
// without the box ticked is kept but prints nothing, so unticking is
// enough to stop. Refusals are valid.Errors on the field at fault.
func ParseThanks(in ThanksInput) (Thanks, error) {
	t := Thanks{Name: strings.TrimSpace(in.Name), Town: strings.TrimSpace(in.Town)}
	switch strings.ToLower(strings.TrimSpace(in.On)) {
	case "yes", "on", "true", "1":
		t.On = true
	case "", "no", "off", "false", "0":
	default:
		return Thanks{}, valid.New(FieldThanks, "Tick the box to be thanked, or leave it empty.")
	}
	var errs []error
	for _, f := range []struct{ field, label, v string }{
		{FieldThanksName, "The name to print", t.Name}, {FieldThanksTown, "The town", t.Town}} {
		switch {
		case !utf8.ValidString(f.v) || strings.ContainsAny(f.v, "\x00\r\n"):
			errs = append(errs, valid.New(f.field, f.label+" contains characters we could not print."))
		case utf8.RuneCountInString(f.v) > maxThanks:
			errs = append(errs, valid.New(f.field, fmt.Sprintf("%s is longer than %d characters.", f.label, maxThanks)))
		}
	}
	if len(errs) > 0 {
		return Thanks{}, errors.Join(errs...)
	}
	return t, nil
}

// thank puts t on a ledger entry as its public thanks, when the paper
// offers supporters thanks in the column (offered) and the supporter
// said yes.
func (t Thanks) thank(e *fund.Entry, offered bool) {
	if !offered || !t.On {
		return
	}
	e.Public, e.PublicName, e.DonorTown = true, t.Name, t.Town
}

// SetThanks changes whether and how o is thanked in the fund column for
// subscription id, from their next payment, running hooks in the same
// transaction; ErrNotYours when it is not theirs. Payments already in
// the ledger keep the thanks they were recorded with.
func (s *Service) SetThanks(ctx context.Context, o Owner, id int64, t Thanks, hooks ...SubscriptionHook) (Subscription, error) {
	sub, err := s.Subscription(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !o.owns(sub)) {
		return sub, ErrNotYours
	}
	if err != nil {
		return sub, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET thanks = $1, thanks_name = $2, thanks_town = $3,
			updated_at = $4 WHERE id = $5`, boolInt(t.On), t.Name, t.Town, db.UTC(s.now()), id); err != nil {
			return err
		}
		return runHooks(ctx, tx, sub, hooks)
	})
	if err != nil {
		return sub, fmt.Errorf("supporter: thanks of subscription %d: %w", id, err)
	}
	return s.Subscription(ctx, id)
}

// ColumnThanks says whether supporters are offered thanks in the fund
// column (COOPRESS_SUPPORTER_COLUMN_THANKS).
func (s *Service) ColumnThanks() bool { return s.columnThanks }

// WithColumnThanks offers supporters thanks in the fund column (off
// unless given); without it no payment of theirs is printed by name,
// whatever they chose, and the forms do not ask.
func WithColumnThanks(on bool) Option { return func(s *Service) { s.columnThanks = on } }

// ThankInColumn offers standing-order supporters thanks in the fund
// column (COOPRESS_SUPPORTER_COLUMN_THANKS; off unless called), as
// WithColumnThanks does for subscriptions. Call it before serving.
func (s *StandingOrders) ThankInColumn(on bool) *StandingOrders {
	s.columnThanks = on
	return s
}

// ColumnThanks says whether standing-order supporters may be thanked in
// the fund column.
func (s *StandingOrders) ColumnThanks() bool { return s.columnThanks }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// yesNo writes b for a person's data download.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
