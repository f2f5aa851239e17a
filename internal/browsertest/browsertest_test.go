package browsertest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goodPage is the smallest page that follows the article page's keyboard
// rules: the skip link is the first focusable element and main can take
// focus. It has a script to prove DisableJavaScript stops page scripts.
const goodPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness page</title>
<style>.skip{position:absolute;left:-999px}.skip:focus{left:0}</style></head>
<body>
<a class="skip" id="skip" href="#main">Skip to main content</a>
<header><nav aria-label="Sections"><a href="/news">News</a></nav></header>
<main id="main" tabindex="-1">
<h1>Treaty ratified</h1>
<p id="state">static</p>
<script>document.getElementById("state").textContent = "scripted";</script>
</main>
<footer><p>Owned by our readers</p></footer>
</body></html>`

// brokenPage fails axe on purpose: an image without alt text and an input
// without a label.
const brokenPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken page</title></head>
<body><main><h1>Broken</h1>
<img src="/photo.png">
<form><input type="text" name="q"></form>
</main></body></html>`

// server serves the two pages on 127.0.0.1, as every test server here must.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
		}
	}
	mux.HandleFunc("GET /{$}", page(goodPage))
	mux.HandleFunc("GET /broken", page(brokenPage))
	mux.HandleFunc("GET /news", page(goodPage))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(mux)
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func TestKeyboardAndAxeOnGoodPage(t *testing.T) {
	ts := server(t)
	b := New(t)

	if vs := b.Axe(ts.URL + "/"); len(vs) != 0 {
		t.Fatalf("axe found %d violation(s) on a page meant to pass:\n%s", len(vs), FormatViolations(vs))
	}

	if status := b.Navigate(ts.URL + "/"); status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	if got := Eval[string](b, `document.getElementById("state").textContent`); got != "scripted" {
		t.Errorf("with JavaScript on, the page script did not run: state = %q", got)
	}
	first := b.Tab()
	if first.ID != "skip" || first.Href != "#main" || first.Text != "Skip to main content" {
		t.Fatalf("first Tab focused %s, want the skip link", first)
	}
	if got := b.Enter(); got.Tag != "main" || got.ID != "main" {
		t.Fatalf("Enter on the skip link focused %s, want main#main", got)
	}
	if got := b.Focused(); got.ID != "main" {
		t.Fatalf("Focused() = %s after Enter, want main#main", got)
	}

	shot := filepath.Join(t.TempDir(), "page.png")
	b.Screenshot(shot)
	if png, err := os.ReadFile(shot); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("screenshot is not a PNG (err %v)", err)
	}
}

func TestDisableJavaScript(t *testing.T) {
	ts := server(t)
	b := New(t)
	b.DisableJavaScript()
	b.Navigate(ts.URL + "/")
	if got := Eval[string](b, `document.getElementById("state").textContent`); got != "static" {
		t.Fatalf("with JavaScript off, the page script ran: state = %q", got)
	}
	// The keyboard journey must not depend on scripts either.
	if got := b.Tab(); got.ID != "skip" {
		t.Fatalf("first Tab with JavaScript off focused %s, want the skip link", got)
	}
	// axe is injected through the protocol, so it runs on a script-free page.
	if vs := b.Axe(ts.URL + "/"); len(vs) != 0 {
		t.Fatalf("axe with JavaScript off: %d violation(s):\n%s", len(vs), FormatViolations(vs))
	}
	if got := Eval[string](b, `document.getElementById("state").textContent`); got != "static" {
		t.Fatalf("axe checked a page whose scripts ran: state = %q", got)
	}
}

func TestAxeCatchesBrokenPage(t *testing.T) {
	ts := server(t)
	b := New(t)
	vs := b.Axe(ts.URL + "/broken")

	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe did not report %q; it reported %v", want, ids)
		}
	}
	msg := FormatViolations(vs)
	for _, want := range []string{"image-alt (critical)", `<img src="/photo.png">`, "dequeuniversity.com"} {
		if !strings.Contains(msg, want) {
			t.Errorf("violation message lacks %q; it is:\n%s", want, msg)
		}
	}
	t.Logf("what a failing test prints:\n%s", msg)
}
