package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// PlanRequest is a recurring plan to set up at the provider.
type PlanRequest struct {
	Name string
	// AmountMinor is the fixed amount per interval, or 0 for a plan whose
	// payers choose their own amount (priced as each subscription starts).
	AmountMinor int64
	Currency    string
	// Interval is "month" or "year".
	Interval string
	// Metadata travels with the product.
	Metadata map[string]string
}

// CreatePlan creates the plan's Stripe Product and, for a fixed amount, its
// recurring Price.
func (s *Stripe) CreatePlan(ctx context.Context, r PlanRequest) (productID, priceID string, err error) {
	if r.Name == "" || len(r.Currency) != 3 || (r.Interval != "month" && r.Interval != "year") || r.AmountMinor < 0 {
		return "", "", fmt.Errorf("payment: plan %q (%d %s a %s) is not a plan", r.Name, r.AmountMinor, r.Currency, r.Interval)
	}
	prod, err := s.client.V1Products.Create(ctx, &stripe.ProductCreateParams{Name: stripe.String(r.Name), Metadata: r.Metadata})
	if err != nil {
		return "", "", fmt.Errorf("payment: create product %q: %w", r.Name, err)
	}
	if r.AmountMinor == 0 {
		return prod.ID, "", nil
	}
	price, err := s.client.V1Prices.Create(ctx, &stripe.PriceCreateParams{
		Product: stripe.String(prod.ID), Currency: stripe.String(strings.ToLower(r.Currency)),
		UnitAmount: stripe.Int64(r.AmountMinor), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String(r.Interval)},
		Metadata: r.Metadata,
	})
	if err != nil {
		return "", "", fmt.Errorf("payment: create price for %q: %w", r.Name, err)
	}
	return prod.ID, price.ID, nil
}

// Price names what a subscription pays: a plan's fixed Price, or an
// amount of the payer's choosing on a plan's Product.
type Price struct {
	// PriceID is the fixed price ("price_…"); when it is empty the
	// subscription is priced from the rest.
	PriceID     string
	ProductID   string
	AmountMinor int64
	Currency    string
	Interval    string
}

func (p Price) check() error {
	if p.PriceID != "" {
		return nil
	}
	if p.ProductID == "" || p.AmountMinor <= 0 || len(p.Currency) != 3 || (p.Interval != "month" && p.Interval != "year") {
		return fmt.Errorf("payment: %d %s a %s on product %q is not a price", p.AmountMinor, p.Currency, p.Interval, p.ProductID)
	}
	return nil
}

// SubscriptionCheckoutRequest is a recurring payment to start through
// Stripe Checkout in subscription mode.
type SubscriptionCheckoutRequest struct {
	Price Price
	// Email pre-fills Checkout; optional.
	Email string
	// Purpose is stored as "purpose" in the metadata of the session and
	// of the subscription, whose invoices carry it; required.
	Purpose string
	// Metadata travels with the session and the subscription.
	Metadata map[string]string
	// DirectDebit offers Bacs Direct Debit beside the card (GBP only).
	DirectDebit bool
	SuccessURL  string
	CancelURL   string
}

// CreateSubscriptionCheckout creates a Checkout session in subscription
// mode and returns the page to send the payer to and the session's id.
func (s *Stripe) CreateSubscriptionCheckout(ctx context.Context, r SubscriptionCheckoutRequest) (url, sessionID string, err error) {
	switch {
	case r.Purpose == "":
		return "", "", errors.New("payment: checkout needs a purpose")
	case r.SuccessURL == "" || r.CancelURL == "":
		return "", "", errors.New("payment: checkout needs success and cancel URLs")
	}
	if err := r.Price.check(); err != nil {
		return "", "", err
	}
	md := map[string]string{}
	for k, v := range r.Metadata {
		md[k] = v
	}
	md["purpose"] = r.Purpose
	item := &stripe.CheckoutSessionCreateLineItemParams{Quantity: stripe.Int64(1)}
	if r.Price.PriceID != "" {
		item.Price = stripe.String(r.Price.PriceID)
	} else {
		item.PriceData = &stripe.CheckoutSessionCreateLineItemPriceDataParams{
			Currency: stripe.String(strings.ToLower(r.Price.Currency)), Product: stripe.String(r.Price.ProductID),
			UnitAmount: stripe.Int64(r.Price.AmountMinor),
			Recurring:  &stripe.CheckoutSessionCreateLineItemPriceDataRecurringParams{Interval: stripe.String(r.Price.Interval)},
		}
	}
	methods := []*string{stripe.String("card")}
	if r.DirectDebit {
		methods = append(methods, stripe.String("bacs_debit"))
	}
	p := &stripe.CheckoutSessionCreateParams{
		Mode:               stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		SuccessURL:         stripe.String(r.SuccessURL),
		CancelURL:          stripe.String(r.CancelURL),
		LineItems:          []*stripe.CheckoutSessionCreateLineItemParams{item},
		PaymentMethodTypes: methods,
		Metadata:           md,
		// On the subscription too: its events and (as a snapshot) its
		// invoices carry it, which is how they find their handler.
		SubscriptionData: &stripe.CheckoutSessionCreateSubscriptionDataParams{Metadata: md},
	}
	if r.Email != "" {
		p.CustomerEmail = stripe.String(r.Email)
	}
	sess, err := s.client.V1CheckoutSessions.Create(ctx, p)
	if err != nil {
		return "", "", fmt.Errorf("payment: create subscription checkout: %w", err)
	}
	if sess.URL == "" {
		return "", "", fmt.Errorf("payment: checkout session %s has no URL", sess.ID)
	}
	return sess.URL, sess.ID, nil
}

// SubscriptionState is a subscription as the provider answered a request.
type SubscriptionState struct {
	ID     string
	Status string
	Paused bool
	// PaymentMethod is "card", "bacs_debit" or empty when not known.
	PaymentMethod   string
	NextPaymentAt   time.Time
	NextAmountMinor int64
}

func stateOf(sub *stripe.Subscription) SubscriptionState {
	st := SubscriptionState{ID: sub.ID, Status: string(sub.Status), Paused: sub.PauseCollection != nil}
	if sub.DefaultPaymentMethod != nil {
		st.PaymentMethod = string(sub.DefaultPaymentMethod.Type)
	}
	if sub.Items != nil && len(sub.Items.Data) > 0 {
		it := sub.Items.Data[0]
		if it.Price != nil {
			st.NextAmountMinor = it.Price.UnitAmount * max(it.Quantity, 1)
		}
		if it.CurrentPeriodEnd > 0 && !st.Paused {
			st.NextPaymentAt = time.Unix(it.CurrentPeriodEnd, 0).UTC()
		}
	}
	return st
}

// Subscription reads a subscription, with its payment method's type.
func (s *Stripe) Subscription(ctx context.Context, id string) (SubscriptionState, error) {
	p := &stripe.SubscriptionRetrieveParams{}
	p.AddExpand("default_payment_method")
	sub, err := s.client.V1Subscriptions.Retrieve(ctx, id, p)
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: read subscription %s: %w", id, err)
	}
	return stateOf(sub), nil
}

// ChangeSubscriptionPrice moves a subscription's one item to price from
// the next payment on, without a prorated charge now: a supporter who
// gives more from next month should not be billed the difference today.
func (s *Stripe) ChangeSubscriptionPrice(ctx context.Context, id string, price Price) (SubscriptionState, error) {
	if err := price.check(); err != nil {
		return SubscriptionState{}, err
	}
	sub, err := s.client.V1Subscriptions.Retrieve(ctx, id, nil)
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: read subscription %s: %w", id, err)
	}
	if sub.Items == nil || len(sub.Items.Data) == 0 {
		return SubscriptionState{}, fmt.Errorf("payment: subscription %s has no item to change", id)
	}
	item := &stripe.SubscriptionUpdateItemParams{ID: stripe.String(sub.Items.Data[0].ID)}
	if price.PriceID != "" {
		item.Price = stripe.String(price.PriceID)
	} else {
		item.PriceData = &stripe.SubscriptionUpdateItemPriceDataParams{
			Currency: stripe.String(strings.ToLower(price.Currency)), Product: stripe.String(price.ProductID),
			UnitAmount: stripe.Int64(price.AmountMinor),
			Recurring:  &stripe.SubscriptionUpdateItemPriceDataRecurringParams{Interval: stripe.String(price.Interval)},
		}
	}
	sub, err = s.client.V1Subscriptions.Update(ctx, id, &stripe.SubscriptionUpdateParams{
		Items: []*stripe.SubscriptionUpdateItemParams{item}, ProrationBehavior: stripe.String("none"),
	})
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: change subscription %s: %w", id, err)
	}
	return stateOf(sub), nil
}

// PauseSubscription stops collecting payments until resumed; invoices due
// meanwhile are voided, so a pause never piles up a debt.
func (s *Stripe) PauseSubscription(ctx context.Context, id string) (SubscriptionState, error) {
	sub, err := s.client.V1Subscriptions.Update(ctx, id, &stripe.SubscriptionUpdateParams{
		PauseCollection: &stripe.SubscriptionUpdatePauseCollectionParams{Behavior: stripe.String("void")},
	})
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: pause subscription %s: %w", id, err)
	}
	return stateOf(sub), nil
}

// ResumeSubscription collects payments again after a pause.
func (s *Stripe) ResumeSubscription(ctx context.Context, id string) (SubscriptionState, error) {
	p := &stripe.SubscriptionUpdateParams{}
	// An empty pause_collection is how Stripe's API unsets it.
	p.AddExtra("pause_collection", "")
	sub, err := s.client.V1Subscriptions.Update(ctx, id, p)
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: resume subscription %s: %w", id, err)
	}
	return stateOf(sub), nil
}

// CancelSubscription ends a subscription now; nothing more is collected.
func (s *Stripe) CancelSubscription(ctx context.Context, id string) (SubscriptionState, error) {
	sub, err := s.client.V1Subscriptions.Cancel(ctx, id, &stripe.SubscriptionCancelParams{})
	if err != nil {
		return SubscriptionState{}, fmt.Errorf("payment: cancel subscription %s: %w", id, err)
	}
	return stateOf(sub), nil
}

// InvoicePaymentIntent is the PaymentIntent that paid an invoice, or ""
// when Stripe names none (an invoice paid out of band, or by credit).
// API version basil leaves it out of the invoice's webhooks unless the
// endpoint includes payments, and refunds and disputes name only it.
func (s *Stripe) InvoicePaymentIntent(ctx context.Context, invoiceID string) (string, error) {
	p := &stripe.InvoicePaymentListParams{Invoice: stripe.String(invoiceID), Status: stripe.String("paid")}
	p.Limit = stripe.Int64(10)
	for ip, err := range s.client.V1InvoicePayments.List(ctx, p) {
		if err != nil {
			return "", fmt.Errorf("payment: payments of invoice %s: %w", invoiceID, err)
		}
		if ip.Payment != nil && ip.Payment.PaymentIntent != nil && ip.Payment.PaymentIntent.ID != "" {
			return ip.Payment.PaymentIntent.ID, nil
		}
	}
	return "", nil
}
