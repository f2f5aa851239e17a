package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/testwait"
)

// TestFundPagesAccessible runs axe-core on the treasurer's pages, with
// figures in them and with the gift form showing its errors.
func TestFundPagesAccessible(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	ctx := context.Background()
	loc := h.fund.Location()
	for i, m := range []fund.Method{fund.Cheque, fund.Card, fund.StandingOrder} {
		if _, err := h.fund.Record(ctx, fund.Entry{Amount: money.Major(int64(20*(i+1)), "GBP"), Method: m, DonorName: "J Smith",
			DonorTown: "Leeds", Public: true, ProviderRef: "ref-" + string(m),
			ReceivedAt: time.Date(2024, 11, 2+i, 9, 0, 0, 0, loc), RecordedBy: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	// A conflict held for the treasurer, so the dashboard lists it with
	// its form.
	if _, err := h.fund.Record(ctx, fund.Entry{Amount: money.Major(99, "GBP"), Method: fund.Cheque, ProviderRef: "ref-cheque",
		RecordedBy: "t"}); err == nil {
		t.Fatal("a conflicting duplicate was recorded")
	}
	b := browsertest.New(t)
	// The session cookie set by script stands in for signing in, which
	// admin_browser_test.go does with the keyboard.
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, treasurer)+`; path=/"; true`)
	b.Navigate(h.http.URL + "/admin/fund")
	if h1 := browsertest.Eval[string](b, `document.querySelector("h1").textContent`); h1 != "Fighting fund, November 2024" {
		t.Fatalf("not signed in as the treasurer: h1 %q", h1)
	}
	for _, path := range []string{"/admin/fund", "/admin/fund/gifts/new", "/admin/fund/entries", "/admin/fund/import",
		"/admin/fund/target", "/admin/fund/reconcile", "/admin/fund/payouts"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	// The dashboard as it comes back with an empty note for the hold.
	b.Navigate(h.http.URL + "/admin/fund")
	browsertest.Eval[bool](b, `document.getElementById("note-1").form.submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return browsertest.Eval[bool](b, `!!document.getElementById("note-1-error")`)
	}) {
		t.Fatal("the dashboard did not come back with the note's error")
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the dashboard with a note's error: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	// The form as it comes back with errors: a bad amount.
	if status := b.Navigate(h.http.URL + "/admin/fund/gifts/new"); status != 200 {
		t.Fatalf("gift form: %d", status)
	}
	browsertest.Eval[bool](b, `document.getElementById("amount").value = "12.345"; document.getElementById("amount").form.submit(); true`)
	if !testwait.For(5*time.Second, func() bool {
		return strings.Contains(browsertest.Eval[string](b, `document.title`), "Error")
	}) {
		t.Fatalf("the form did not come back with errors: %s", browsertest.Eval[string](b, `document.title`))
	}
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on the gift form with errors: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
}

// axeHere runs axe-core on the page the browser is showing, which Axe
// cannot do: it loads a URL, and a form's answer to a POST has none.
func axeHere(t *testing.T, b *browsertest.Browser) []browsertest.Violation {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core missing (run scripts/test-deps.sh): %v", err)
	}
	browsertest.Eval[bool](b, string(src)+"\n;true")
	tags, _ := json.Marshal(browsertest.AxeTags)
	return browsertest.Eval[[]browsertest.Violation](b, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+
		`}, resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		helpUrl: v.helpUrl, count: v.nodes.length, nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.map(String),
		html: n.html.slice(0, 300), summary: n.failureSummary || ""}))})))`)
}
