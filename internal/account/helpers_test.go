package account_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 11, 6, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// cheap are argon2id parameters small enough for tests to hash often.
var cheap = account.HashParams{Memory: 1024, Time: 1, Threads: 1}

func newService(t *testing.T, d *db.DB) (*account.Service, *clock) {
	t.Helper()
	c := newClock()
	return account.New(d, account.Options{Now: c.Now, Hash: cheap}), c
}

var cli = account.Actor{Name: "cli:test"}

// mustCreate adds an account with a password and roles.
func mustCreate(t *testing.T, s *account.Service, email, pw string, roles ...account.Role) account.Account {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), cli, account.NewAccount{Email: email, Name: "Test " + email, Roles: roles, Password: pw})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return a
}

const goodPassword = "correct horse battery staple"
