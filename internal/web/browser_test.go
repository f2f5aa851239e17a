package web_test

import (
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestKeyboardAndAccessibility checks the journey a keyboard or screen-reader
// user starts every visit with, and runs axe-core on the main page types.
func TestKeyboardAndAccessibility(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withArticles(30), withFixedFund(), withWatch())
	b := browsertest.New(t)

	if status := b.Navigate(h.http.URL + seedPath); status != 200 {
		t.Fatalf("article page status %d", status)
	}
	first := b.Tab()
	if first.Text != "Skip to main content" || first.Href != "#main" {
		t.Fatalf("first Tab focused %v, want the skip link", first)
	}
	if after := b.Enter(); after.Tag != "main" || after.ID != "main" {
		t.Fatalf("Enter on the skip link focused %v, want <main id=main>", after)
	}

	for _, path := range []string{"/", seedPath, "/search?q=treaty", "/search?q=%ff", "/section/world", "/article/missing", "/shares", "/supporters"} {
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
}

// TestReadsWithoutJavaScript proves the article is whole with scripts off.
func TestReadsWithoutJavaScript(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withArticles(1), withFixedFund(), withWatch())
	b := browsertest.New(t)
	b.DisableJavaScript()
	if status := b.Navigate(h.http.URL + seedPath); status != 200 {
		t.Fatalf("status %d", status)
	}
	text := browsertest.Eval[string](b, `document.querySelector("main").textContent`)
	for _, want := range []string{"Russia ratifies military assistance treaty with North Korea", "Zaporizhzhia", "Owned by our readers", "Fighting fund", "£12,963"} {
		if !strings.Contains(text, want) {
			t.Errorf("with JavaScript off the page lacks %q", want)
		}
	}
}
