package supporter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/valid"
)

// Owner is who asks to change a subscription. A subscription with an
// account is its account's alone; one without (joined before reader
// accounts existed) belongs to whoever proves its email address, which
// the caller must have checked (a signed link, say) before saying so.
type Owner struct {
	AccountID int64
	Email     string
}

// owns says whether o may act on sub.
func (o Owner) owns(sub Subscription) bool {
	if sub.AccountID != 0 {
		return o.AccountID == sub.AccountID
	}
	return o.Email != "" && strings.EqualFold(strings.TrimSpace(o.Email), sub.Email)
}

// SubscriptionHook runs in the transaction that stores a reader's change
// to a subscription, with the subscription before and after it, so that
// what it records (the audit log) stands or falls with the change.
type SubscriptionHook func(ctx context.Context, tx *sql.Tx, before, after Subscription) error

// runHooks reads sub again in tx and hands both states to hooks.
func runHooks(ctx context.Context, tx *sql.Tx, before Subscription, hooks []SubscriptionHook) error {
	if len(hooks) == 0 {
		return nil
	}
	after, err := getSubscription(ctx, tx, "s.id = $1", before.ID)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if err := h(ctx, tx, before, after); err != nil {
			return err
		}
	}
	return nil
}

// ChangeInput is a new plan or amount, as the reader chose it.
type ChangeInput struct {
	Plan   string
	Amount string
}

// mine loads subscription id for o, or ErrNotYours (also for one that
// does not exist, so that ids cannot be probed), and checks that it is in
// one of the statuses an action applies to.
func (s *Service) mine(ctx context.Context, o Owner, id int64, action string, allowed ...Status) (Subscription, error) {
	sub, err := s.Subscription(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !o.owns(sub)) {
		return sub, ErrNotYours
	}
	if err != nil {
		return sub, err
	}
	for _, st := range allowed {
		if sub.Status == st {
			if s.provider == nil {
				return sub, payment.ErrNotConfigured
			}
			return sub, nil
		}
	}
	return sub, valid.New("status", fmt.Sprintf("This support is %s, so it cannot be %s.", sub.Status, action))
}

// ChangeAmount moves subscription id to another plan or amount from its
// next payment on. The same plan and amount again is refused ("amount"),
// as are an unknown plan ("plan") and an amount outside the plan's range.
func (s *Service) ChangeAmount(ctx context.Context, o Owner, id int64, in ChangeInput, hooks ...SubscriptionHook) (Subscription, error) {
	sub, err := s.mine(ctx, o, id, "changed", Active, Failing, Paused)
	if err != nil {
		return sub, err
	}
	plan, amount, err := s.checkChange(ctx, sub, in)
	if err != nil {
		return sub, err
	}
	st, err := s.provider.ChangeSubscriptionPrice(ctx, sub.ProviderSubscription, plan.price(amount))
	if err != nil {
		return sub, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET plan_id = $1, amount_minor = $2, next_amount_minor = $2,
			next_payment_at = COALESCE($3, next_payment_at), updated_at = $4 WHERE id = $5`,
			plan.ID, amount.Minor, nullTime(st.NextPaymentAt), db.UTC(s.now()), sub.ID)
		if err != nil {
			return err
		}
		if err := s.ownHistory(ctx, tx, sub, "changed", sub.Status, amount.Minor); err != nil {
			return err
		}
		return runHooks(ctx, tx, sub, hooks)
	})
	if err != nil {
		return sub, fmt.Errorf("supporter: store change of %d: %w", sub.ID, err)
	}
	return s.Subscription(ctx, sub.ID)
}

// checkChange validates a change against the plans and the current one.
func (s *Service) checkChange(ctx context.Context, sub Subscription, in ChangeInput) (Plan, money.Money, error) {
	planID := strings.TrimSpace(in.Plan)
	if planID == "" {
		planID = strconv.FormatInt(sub.PlanID, 10)
	}
	plan, err := s.activePlan(ctx, planID)
	if errors.Is(err, db.ErrNotFound) {
		return plan, money.Money{}, valid.New("plan", "Choose one of the plans.")
	}
	if err != nil {
		return plan, money.Money{}, err
	}
	amount := plan.Amount
	if plan.AnyAmount() {
		var msg string
		if amount, msg = s.parseAmount("the amount", in.Amount); msg == "" && amount.Minor < plan.Min.Minor {
			msg = "The smallest amount on this plan is " + plan.Min.Format() + "."
		}
		if msg != "" {
			return plan, amount, valid.New("amount", msg)
		}
	}
	if plan.ID == sub.PlanID && amount == sub.Amount {
		return plan, amount, valid.New("amount", "You already give "+amount.Format()+" a "+plan.Interval+
			" on this plan: choose another plan or amount.")
	}
	return plan, amount, nil
}

// Pause stops collection until Resume; nothing is taken meanwhile. Like
// the other actions it runs hooks in the transaction that stores it.
func (s *Service) Pause(ctx context.Context, o Owner, id int64, hooks ...SubscriptionHook) (Subscription, error) {
	return s.act(ctx, o, id, "paused", Paused, hooks, s.providerPause, Active, Failing)
}

// Resume collects again after a pause.
func (s *Service) Resume(ctx context.Context, o Owner, id int64, hooks ...SubscriptionHook) (Subscription, error) {
	return s.act(ctx, o, id, "resumed", Active, hooks, s.providerResume, Paused)
}

// Cancel ends the support now; nothing more is taken.
func (s *Service) Cancel(ctx context.Context, o Owner, id int64, hooks ...SubscriptionHook) (Subscription, error) {
	return s.act(ctx, o, id, "cancelled", Cancelled, hooks, s.providerCancel, Active, Failing, Paused)
}

func (s *Service) providerPause(ctx context.Context, id string) (payment.SubscriptionState, error) {
	return s.provider.PauseSubscription(ctx, id)
}

func (s *Service) providerResume(ctx context.Context, id string) (payment.SubscriptionState, error) {
	return s.provider.ResumeSubscription(ctx, id)
}

func (s *Service) providerCancel(ctx context.Context, id string) (payment.SubscriptionState, error) {
	return s.provider.CancelSubscription(ctx, id)
}

// act applies one of the reader's actions: at the provider first, then
// here, with the status dated now so that an older webhook arriving later
// cannot undo it. Should storing fail once the provider has acted, the
// provider's own webhook for the change brings it here.
func (s *Service) act(ctx context.Context, o Owner, id int64, action string, to Status, hooks []SubscriptionHook,
	call func(context.Context, string) (payment.SubscriptionState, error), allowed ...Status) (Subscription, error) {
	sub, err := s.mine(ctx, o, id, action, allowed...)
	if err != nil {
		return sub, err
	}
	st, err := call(ctx, sub.ProviderSubscription)
	if err != nil {
		return sub, err
	}
	next, nextAmount := nullTime(st.NextPaymentAt), sub.Amount.Minor
	if to != Active {
		next, nextAmount = nil, 0
	}
	now := db.UTC(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = $1, status_at = $2, next_payment_at = $3,
			next_amount_minor = $4, fix_url = '', updated_at = $2 WHERE id = $5`, string(to), now, next, nextAmount, sub.ID)
		if err != nil {
			return err
		}
		if to == Cancelled {
			if err := markFirst(ctx, tx, "ended_at", sub.ID, now); err != nil {
				return err
			}
		}
		if err := s.ownHistory(ctx, tx, sub, action, to, 0); err != nil {
			return err
		}
		return runHooks(ctx, tx, sub, hooks)
	})
	if err != nil {
		return sub, fmt.Errorf("supporter: store %s of %d: %w", action, sub.ID, err)
	}
	return s.Subscription(ctx, sub.ID)
}

// ownHistory records a change made here rather than by a webhook.
func (s *Service) ownHistory(ctx context.Context, tx *sql.Tx, sub Subscription, kind string, st Status, amount int64) error {
	_, err := s.addHistory(ctx, tx, sub.ID, historyRow{eventID: "coopress:" + kind + ":" + rand.Text(),
		kind: kind, status: st, amount: amount, at: s.now()})
	return err
}
