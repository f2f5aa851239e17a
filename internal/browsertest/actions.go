package browsertest

import (
	"fmt"
	"os"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Element describes an element as a keyboard user meets it. Tag is lower
// case; Text is the visible text with white space collapsed, cut at 100
// characters.
type Element struct {
	Tag  string `json:"tag"`
	ID   string `json:"id"`
	Href string `json:"href"` // the attribute as written, not the resolved URL
	Text string `json:"text"`
}

// String gives a short form for failure messages, like a#skip[href=#main] "Skip".
func (e Element) String() string {
	s := e.Tag
	if e.ID != "" {
		s += "#" + e.ID
	}
	if e.Href != "" {
		s += "[href=" + e.Href + "]"
	}
	if e.Text != "" {
		s += fmt.Sprintf(" %q", e.Text)
	}
	return s
}

// focusedJS reads document.activeElement; body means nothing has focus.
const focusedJS = `(() => {
	const e = document.activeElement;
	if (!e) return {tag: "", id: "", href: "", text: ""};
	const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim();
	return {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute("href") || "", text: text.slice(0, 100)};
})()`

// Navigate loads url in the tab, waits for its load event and returns the
// HTTP status of the document, so a test can assert the page was a 200 and
// not a friendly error page.
func (b *Browser) Navigate(url string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.t.Fatalf("browsertest: navigate %s: %v", url, err)
	}
	if resp == nil {
		return 0 // a same-document navigation (only the fragment changed)
	}
	return int(resp.Status)
}

// Focused returns document.activeElement.
func (b *Browser) Focused() Element {
	b.t.Helper()
	return Eval[Element](b, focusedJS)
}

// Tab presses the Tab key, as a person would, and returns the element that
// has focus afterwards.
func (b *Browser) Tab() Element {
	b.t.Helper()
	b.press(kb.Tab)
	return b.Focused()
}

// Enter presses Enter on the focused element and returns the element that has
// focus once the page settles. Following a link can move focus
// asynchronously (a fragment scroll, a new document), so it waits up to two
// seconds for the focus or the document to change.
func (b *Browser) Enter() Element {
	b.t.Helper()
	before := b.Focused()
	startURL := Eval[string](b, `location.href`)
	b.press(kb.Enter)

	const settle = `(() => document.readyState === "complete" ? [location.href, document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ""] : null)()`
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		ctx, cancel := b.step()
		// Errors are expected here while a new document replaces the old
		// one; the next round asks again.
		state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](settle))
		cancel()
		if err != nil || state == nil {
			continue
		}
		if state[0] != startURL || b.Focused() != before {
			break
		}
	}
	return b.Focused()
}

// press sends one key to whatever has focus, through the input pipeline, so
// the browser's default actions (focus moves, link activation) happen.
func (b *Browser) press(key string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
		b.t.Fatalf("browsertest: press %q: %v", key, err)
	}
}

// Eval runs a JavaScript expression in the page and decodes its result into
// T. A promise is awaited. It is a function, not a method, because Go
// methods cannot take type parameters.
func Eval[T any](b *Browser, js string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browsertest: evaluate %.80q: %v", js, err)
	}
	return v
}

// TryEval is Eval that returns the error instead of failing the test, for
// polling a page that is navigating (the old document goes away under
// the expression).
func TryEval[T any](b *Browser, js string) (T, error) {
	ctx, cancel := b.step()
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// DisableJavaScript turns the page's own scripts off for every page loaded
// afterwards in this tab, to prove that a page reads fully without
// JavaScript. The helpers of this package keep working: they run through
// the DevTools protocol, not as page scripts.
func (b *Browser) DisableJavaScript() { b.setScripts(false) }

// EnableJavaScript undoes DisableJavaScript.
func (b *Browser) EnableJavaScript() { b.setScripts(true) }

func (b *Browser) setScripts(on bool) {
	b.t.Helper()
	b.jsOff = !on
	ctx, cancel := b.step()
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
	if err != nil {
		b.t.Fatalf("browsertest: set JavaScript on=%v: %v", on, err)
	}
}

// Screenshot writes a PNG of the whole page to path, for looking at a
// failure; put it under t.TempDir() or a path the developer chose.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: screenshot: %v", err)
	}
}
