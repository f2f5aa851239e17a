// Package supporter keeps the readers who give every month: the plans the
// treasurer offers, supporters who pay by card or Bacs Direct Debit through
// Stripe subscriptions, and supporters who pay by standing order and are
// matched from the bank statement. Every payment a supporter makes becomes
// one entry in the fighting fund's ledger (package fund), so regular
// support shows in the box and the column like any other gift.
//
// It knows nothing of HTTP: the web package and the command line turn
// requests into calls here.
package supporter
