package society_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/society"
)

// today is the tests' clock: every date they write is on or before it.
var today = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// secretary records the tests' changes.
var secretary = account.Actor{Name: "secretary@example.org"}

// newService is the society on d under the default rules, changed by
// each of opts.
func newService(t testing.TB, d *db.DB, opts ...func(*society.Rules)) *society.Service {
	t.Helper()
	r := society.DefaultRules()
	for _, o := range opts {
		o(&r)
	}
	s, err := society.New(d, r, func() time.Time { return today })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// admission is a checked application for name at address.
func admission(t testing.TB, name, address, shares, on string) society.Admission {
	t.Helper()
	a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: address, Shares: shares, PaidOn: on},
		today, society.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// admit admits name at address with shares on the day.
func admit(t testing.TB, s *society.Service, name, address, shares, on string) society.Member {
	t.Helper()
	m, err := s.Admit(context.Background(), admission(t, name, address, shares, on), secretary)
	if err != nil {
		t.Fatalf("admit %s: %v", name, err)
	}
	return m
}

// change is a checked change of kind to member's holding.
func change(kind society.Kind, member int64, shares int64, on string) society.Change {
	return society.Change{Member: member, Kind: kind, Shares: shares, On: on, Reason: "test", Resolution: "2026/1"}
}

// mustCheck fails the test unless Check finds nothing wrong.
func mustCheck(t testing.TB, s *society.Service) society.CheckReport {
	t.Helper()
	r, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("check: %q", r.Problems)
	}
	return r
}
