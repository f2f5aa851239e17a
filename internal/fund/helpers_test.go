package fund_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newService makes a service on d whose clock reads 6 November 2024, 10:00
// in London, unless moved.
func newService(t testing.TB, d *db.DB) (*fund.Service, *clock) {
	t.Helper()
	loc := london(t)
	c := &clock{t: time.Date(2024, 11, 6, 10, 0, 0, 0, loc)}
	return fund.New(d, loc, c.Now, fund.WithDefaultTarget(gbp(18010))), c
}

// gift is a small builder for a valid entry.
func gift(pounds int64, method fund.Method, opts ...func(*fund.Entry)) fund.Entry {
	e := fund.Entry{Amount: gbp(pounds), Method: method, RecordedBy: "test"}
	for _, o := range opts {
		o(&e)
	}
	return e
}

// ref sets the provider reference; a Stripe one (pi_…) is recorded as the
// webhook records it, since Record refuses one from a person.
func ref(r string) func(*fund.Entry) {
	return func(e *fund.Entry) {
		e.ProviderRef = r
		if strings.HasPrefix(r, "pi_") {
			e.RecordedBy = fund.ProviderRecorder
		}
	}
}

func at(t time.Time) func(*fund.Entry) { return func(e *fund.Entry) { e.ReceivedAt = t } }

func public(name, town string) func(*fund.Entry) {
	return func(e *fund.Entry) { e.Public, e.PublicName, e.DonorTown = true, name, town }
}

func money1250p() money.Money { return money.New(1250, "GBP") }
