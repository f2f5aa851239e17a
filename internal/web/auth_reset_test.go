package web_test

import (
	"context"
	"database/sql"
	"net/url"
	"sync"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/mail"
)

// txMailbox records each queued email and whether it came inside a
// transaction, to compare the work two requests did.
type txMailbox struct {
	mu   sync.Mutex
	sent []txMail
}

type txMail struct {
	inTx bool
	msg  mail.Message
}

func (m *txMailbox) EnqueueTx(_ context.Context, tx *sql.Tx, msg mail.Message) (int64, error) {
	if err := msg.Validate(); err != nil { // as the outbox does
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, txMail{inTx: tx != nil, msg: msg})
	return int64(len(m.sent)), nil
}

func (m *txMailbox) Enqueue(_ context.Context, msg mail.Message) (int64, error) {
	return m.EnqueueTx(context.Background(), nil, msg)
}

func (m *txMailbox) take() []txMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// TestResetDoesTheSameWorkForEveryAddress: a reset request for an
// address with an account, one without and a disabled one each queue
// exactly one email in one transaction, under the same subject, and get
// the same page, so neither the answer nor the work behind it (and so its
// timing) tells which addresses have accounts.
func TestResetDoesTheSameWorkForEveryAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := &txMailbox{}
		s := newHarness(t, d, withMailer(box))
		s.person(t, "ed@example.org", account.Editor)
		gone := s.person(t, "gone@example.org", account.Writer)
		if err := s.accounts.Disable(context.Background(), account.Actor{Name: "test"}, gone.ID); err != nil {
			t.Fatal(err)
		}
		var first response
		for i, email := range []string{"Ed@example.org", "nobody@example.org", "gone@example.org"} {
			res := s.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {email}}})
			if i == 0 {
				first = res
			}
			if res.status != 200 || res.body != first.body {
				t.Errorf("%s: %d, or a page unlike the first", email, res.status)
			}
			sent := box.take()
			if len(sent) != 1 || !sent[0].inTx || sent[0].msg.Subject != "Reset your password for The Daily Co-op" ||
				sent[0].msg.To != account.NormalizeEmail(email) {
				t.Errorf("%s: queued %+v; want one email in a transaction", email, sent)
			}
		}
		if res := s.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {"bad@address@example.org"}}}); res.status != 422 {
			t.Errorf("an address nobody can send to: %d", res.status)
		}
	})
}
