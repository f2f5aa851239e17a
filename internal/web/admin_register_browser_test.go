package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestRegisterPagesAccessible: axe-core finds nothing on the secretary's
// register, its refusal of a bad day, the annual return's figures, the
// register of officers and its forms' refusals, and the register import's
// form and previews.
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
	if _, err := soc.Appoint(context.Background(), society.Appointment{Name: "Ada Chair", Office: "Chair", On: "2024-03-01"},
		account.Actor{Name: "secretary"}); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, account.Secretary)+`; path=/"; true`)
	for _, path := range []string{"/admin/register", "/admin/register?as_of=2024-02-30", "/admin/register/annual-return?year=2024",
		"/admin/register/annual-return?year=nonsense", "/admin/register/import", "/admin/register/officers",
		"/admin/register/officers?as_of=2024-02-30"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	// The register of officers' forms come back with errors beside their
	// fields: an empty appointment, and an end with no reason.
	for _, submit := range []string{`document.querySelector("form[action='/admin/register/officers'][method=post] button").click(); true`,
		`document.querySelector("form[action$='/end'] button").click(); true`} {
		b.Navigate(h.http.URL + "/admin/register/officers")
		browsertest.Eval[bool](b, `document.querySelectorAll("form[action='/admin/register/officers'][method=post] input").forEach(i => i.value = ""); true`)
		browsertest.Eval[bool](b, submit)
		testwait.Until(t, 15*time.Second, "the officers' form with its errors", func() bool {
			ok, err := browsertest.TryEval[bool](b, `document.querySelector(".error-summary") !== null`)
			return err == nil && ok
		})
		if vs := b.AxeHere(); len(vs) > 0 {
			t.Errorf("axe-core on the officers' form with errors: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
		}
	}
	// The import's preview, with problems beside their lines and without.
	for name, file := range map[string]string{
		"problems": "number,name,postal_address,shares,admitted_on\n9,=Bad,1 A St,0,2024-02-30\n10,Ann Early,\"1 Mill Lane, Leeds\",1,2024-01-01\n",
		"ready":    "number,name,postal_address,shares,admitted_on\n9,Cath Lee,1 A St,5,2024-02-03\n",
	} {
		csv := filepath.Join(t.TempDir(), name+".csv")
		if err := os.WriteFile(csv, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		b.Navigate(h.http.URL + "/admin/register/import")
		if _, err := chromedp.Run(b.Context(), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{csv})); err != nil {
			t.Fatalf("choose the file: %v", err)
		}
		browsertest.Eval[bool](b, `document.querySelector("form[enctype] button").click(); true`)
		testwait.Until(t, 15*time.Second, "the "+name+" preview", func() bool {
			ok, err := browsertest.TryEval[bool](b, `document.querySelector("table caption") !== null`)
			return err == nil && ok
		})
		if vs := b.AxeHere(); len(vs) > 0 {
			t.Errorf("axe-core on the %s preview: %d violations:\n%s", name, len(vs), browsertest.FormatViolations(vs))
		}
	}
}
