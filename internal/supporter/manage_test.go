package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/valid"
)

// seedActive stores an active subscription with a Stripe id, owned by
// account (0 for none) or by its email.
func seedActive(t *testing.T, d *db.DB, plan int64, amount int64, key, email string, account int64) int64 {
	t.Helper()
	ref := seedJoin(t, d, plan, amount, "cs_"+key, email)
	var acct any
	if account != 0 {
		acct = account
	}
	var id int64
	err := d.InTx(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRowContext(context.Background(), `UPDATE subscriptions SET status = 'active', method = 'card',
			provider_subscription = $1, account_id = $2 WHERE join_ref = $3 RETURNING id`, "sub_"+key, acct, ref).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func seedAccount(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	var id int64
	err := d.InTx(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO accounts (email, name, created_at)
			VALUES ($1, 'A Reader', $2) RETURNING id`, email, db.UTC(time.Now())).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReaderActions: change, pause, resume and cancel reach Stripe
// (stripe-mock) and the stored subscription; other people, the same plan
// again, unknown plans and actions that do not fit the status are
// refused and change nothing.
func TestReaderActions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStripeService(t, d)
		five := seedPlan(t, d, "Monthly £5", 500, "month")
		ten := seedPlan(t, d, "Monthly £10", 1000, "month")
		acct, other := seedAccount(t, d, "ann@reader.test"), seedAccount(t, d, "bo@reader.test")
		byAccount := seedActive(t, d, five, 500, "acct", "ann@reader.test", acct)
		byEmail := seedActive(t, d, five, 500, "mail", "cy@reader.test", 0)
		ann, bo, cy := Owner{AccountID: acct}, Owner{AccountID: other, Email: "bo@reader.test"}, Owner{Email: "CY@reader.test"}
		tenID := strconv.FormatInt(ten, 10)
		steps := []struct {
			name    string
			do      func() (Subscription, error)
			id      int64
			refuse  string // "yours", a field, or "" to succeed
			status  Status
			amount  int64
			planNow int64
		}{
			{"another account cannot pause", func() (Subscription, error) { return s.Pause(ctx, bo, byAccount) }, byAccount, "yours", Active, 500, five},
			{"the address alone does not open an account's subscription", func() (Subscription, error) {
				return s.Cancel(ctx, Owner{Email: "ann@reader.test"}, byAccount)
			}, byAccount, "yours", Active, 500, five},
			{"an unknown subscription is not yours either", func() (Subscription, error) { return s.Cancel(ctx, ann, 9999) }, byAccount, "yours", Active, 500, five},
			{"the same plan again", func() (Subscription, error) { return s.ChangeAmount(ctx, ann, byAccount, ChangeInput{}) }, byAccount, "amount", Active, 500, five},
			{"an unknown plan", func() (Subscription, error) { return s.ChangeAmount(ctx, ann, byAccount, ChangeInput{Plan: "999"}) }, byAccount, "plan", Active, 500, five},
			{"up to £10", func() (Subscription, error) { return s.ChangeAmount(ctx, ann, byAccount, ChangeInput{Plan: tenID}) }, byAccount, "", Active, 1000, ten},
			{"resume while active", func() (Subscription, error) { return s.Resume(ctx, ann, byAccount) }, byAccount, "status", Active, 1000, ten},
			{"pause", func() (Subscription, error) { return s.Pause(ctx, ann, byAccount) }, byAccount, "", Paused, 1000, ten},
			{"resume", func() (Subscription, error) { return s.Resume(ctx, ann, byAccount) }, byAccount, "", Active, 1000, ten},
			{"a hook that fails undoes the cancellation here", func() (Subscription, error) {
				return s.Cancel(ctx, ann, byAccount, func(context.Context, *sql.Tx, Subscription, Subscription) error {
					return errors.New("audit log unavailable")
				})
			}, byAccount, "hook", Active, 1000, ten},
			{"cancel", func() (Subscription, error) {
				return s.Cancel(ctx, ann, byAccount, func(_ context.Context, _ *sql.Tx, before, after Subscription) error {
					if before.Status != Active || after.Status != Cancelled {
						return fmt.Errorf("hook saw %s to %s", before.Status, after.Status)
					}
					return nil
				})
			}, byAccount, "", Cancelled, 1000, ten},
			{"cancel twice", func() (Subscription, error) { return s.Cancel(ctx, ann, byAccount) }, byAccount, "status", Cancelled, 1000, ten},
			{"someone else's address", func() (Subscription, error) { return s.Pause(ctx, bo, byEmail) }, byEmail, "yours", Active, 500, five},
			{"the owner's address, any case", func() (Subscription, error) { return s.Pause(ctx, cy, byEmail) }, byEmail, "", Paused, 500, five},
		}
		for _, st := range steps {
			history := countRows(t, d, "subscription_history")
			_, err := st.do()
			switch {
			case st.refuse == "yours" && !errors.Is(err, ErrNotYours):
				t.Fatalf("%s: %v, want ErrNotYours", st.name, err)
			case st.refuse == "hook" && err == nil:
				t.Fatalf("%s: no error", st.name)
			case st.refuse != "yours" && st.refuse != "" && st.refuse != "hook":
				if v, ok := valid.As(err); !ok || v.Field != st.refuse {
					t.Fatalf("%s: %v, want a refusal of %q", st.name, err, st.refuse)
				}
			case st.refuse == "" && err != nil:
				t.Fatalf("%s: %v", st.name, err)
			}
			got, err := s.Subscription(ctx, st.id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != st.status || got.Amount.Minor != st.amount || got.PlanID != st.planNow {
				t.Fatalf("%s: %s, %d on plan %d; want %s, %d on plan %d", st.name, got.Status, got.Amount.Minor, got.PlanID, st.status, st.amount, st.planNow)
			}
			if wantRows := history + map[bool]int{true: 1}[st.refuse == ""]; countRows(t, d, "subscription_history") != wantRows {
				t.Fatalf("%s: history has %d rows, want %d", st.name, countRows(t, d, "subscription_history"), wantRows)
			}
			if got.Status != Active && !got.NextPaymentAt.IsZero() {
				t.Fatalf("%s: a %s subscription shows a next payment on %s", st.name, got.Status, got.NextPaymentAt)
			}
		}
	})
}
