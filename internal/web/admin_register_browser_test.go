package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// TestRegisterPagesAccessible: axe-core finds nothing on the secretary's
// register, its refusal of a bad day, and the annual return's figures.
func TestRegisterPagesAccessible(t *testing.T) {
	d := dbtest.SQLite(t)
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) {
		var err error
		if soc, err = society.New(d, society.DefaultRules(), func() time.Time { return testStart }); err != nil {
			t.Fatal(err)
		}
		deps.Society = soc
	}))
	if _, err := soc.Admit(context.Background(), society.Admission{Class: society.Individual, Shares: 20, On: "2024-02-01",
		Contact: society.Contact{Name: "Ann Early", Address: "1 Mill Lane, Leeds", Email: "ann@example.org", EmailUse: society.EmailNotices,
			EffectiveOn: "2024-02-01"}}, account.Actor{Name: "secretary"}); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, account.Secretary)+`; path=/"; true`)
	for _, path := range []string{"/admin/register", "/admin/register?as_of=2024-02-30", "/admin/register/annual-return?year=2024",
		"/admin/register/annual-return?year=nonsense"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
}
