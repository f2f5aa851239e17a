package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestSignInLinksTheMember: a member who signs in as a reader with the
// address the register gives them finds their membership at once (the
// link audited as theirs); an address two members share links neither,
// and a member already linked to another account stays with it.
func TestSignInLinksTheMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc))
		admitWith := func(name, email string) society.Member {
			m, err := soc.Admit(ctx, society.Admission{Class: society.Individual, Shares: 20, On: "2024-01-10",
				Contact: society.Contact{Name: name, Address: "1 " + name + " Street, Leeds", Email: email,
					EmailUse: society.EmailNotices, EffectiveOn: "2024-01-10"}}, account.Actor{Name: "secretary"})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		rita := admitWith("Rita Reader", "Rita@Example.org")
		admitWith("Sam Shared", "home@example.org")
		admitWith("Sue Shared", "home@example.org")
		taken := admitWith("Tom Taken", "tom@example.org")
		other := h.person(t, "tom-other@example.org", account.Reader)
		if err := soc.Link(ctx, taken.Number, other.ID, account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			email  string
			member int64 // 0: no membership shown
		}{{"rita@example.org", rita.Number}, {"home@example.org", 0}, {"tom@example.org", 0}} {
			token := h.readerSession(t, c.email)
			res := h.do(t, req{path: "/account/membership", token: token})
			shown := strings.Contains(res.body, "Rita Reader") || strings.Contains(res.body, "Shared") || strings.Contains(res.body, "Tom Taken")
			if res.status != 200 || shown != (c.member != 0) {
				t.Errorf("%s: %d, membership shown %v, want %v:\n%s", c.email, res.status, shown, c.member != 0, res.body)
			}
		}
		if m, err := soc.Member(ctx, taken.Number); err != nil || m.AccountID != other.ID {
			t.Fatalf("Tom's link moved to %d (%v)", m.AccountID, err)
		}
		var audited int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'society.link'
			AND actor_name = 'rita@example.org'`).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("%d links audited as Rita's (%v), want 1", audited, err)
		}
	})
}
