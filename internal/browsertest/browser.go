// Package browsertest drives headless Debian Chromium from Go tests through
// chromedp: keyboard journeys (Tab, Enter), the focused element, axe-core
// accessibility checks, screenshots and pages loaded with JavaScript off.
//
// Every helper takes the test it was created for and fails that test on
// error, so a browser test reads as a list of steps and assertions.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startTimeout bounds the start of Chromium: a browser that hangs at start
// must fail the test in seconds, not at the 10-minute test timeout.
const startTimeout = 60 * time.Second

// actionTimeout bounds every single step (a navigation, a key press, an axe
// run). axe on a long page takes about a second; anything near this limit
// is a hang, not slowness.
const actionTimeout = 30 * time.Second

// Browser is one headless Chromium with one tab, owned by one test. It is not
// safe for use by several goroutines at once: the steps share the tab.
type Browser struct {
	t   testing.TB
	ctx context.Context // the tab; the browser lives as long as it does

	jsOff bool // DisableJavaScript is in force

	mu     sync.Mutex
	output bytes.Buffer // Chromium's stdout and stderr, shown when start-up fails
}

// New starts Chromium for t and stops it when t ends. Without Chromium it
// skips t loudly, or fails it when CI=true, because CI must never go green
// by skipping the browser tests.
func New(t testing.TB) *Browser {
	t.Helper()
	// -short is the quick run without a browser (make check), even in CI.
	if testing.Short() {
		t.Skip("browser test skipped: -short runs without Chromium")
	}
	path, err := findChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browsertest: %v; CI=true, so a missing browser is a failure (install: apt-get install -y chromium)", err)
		}
		t.Skipf("\n\n*** BROWSER TEST SKIPPED: %v ***\n*** install it with `apt-get install -y chromium` (or `make test-deps`); with CI=true this is a failure ***\n\n", err)
	}

	// TempDir is registered before our cleanup, so it is removed only after
	// Chromium has exited and stopped writing its profile.
	profile := t.TempDir()
	b := &Browser{t: t}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(lockedWriter{b}),
		// The flags of shared/TOOLING.md: a headless browser that runs as
		// root in a container, and that never talks to Google while a test
		// runs (background networking, component updates, sync, QUIC).
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the Chromium process to exit
	})
	b.ctx = tabCtx

	// The first Do starts the browser and ties its life to the context it
	// gets, so it gets the untimed tab context; a timer guards it instead.
	timer := time.AfterFunc(startTimeout, cancelTab)
	err = chromedp.Do(tabCtx)
	stopped := timer.Stop()
	if err != nil {
		if !stopped {
			err = errors.Join(err, errors.New("start-up took longer than "+startTimeout.String()))
		}
		t.Fatalf("browsertest: start %s: %v\nChromium said:\n%s", path, err, b.chromiumOutput())
	}
	return b
}

// Context returns the tab's context, for chromedp actions this package has
// no helper for. Steps run on it have no timeout of their own.
func (b *Browser) Context() context.Context { return b.ctx }

// findChromium prefers Debian's /usr/bin/chromium, the browser CI installs.
func findChromium() (string, error) {
	const debian = "/usr/bin/chromium"
	if fi, err := os.Stat(debian); err == nil && !fi.IsDir() {
		return debian, nil
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("chromium not found at " + debian + " or on PATH")
	}
	return path, nil
}

// step returns a context that bounds one action, and its cancel func.
func (b *Browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, actionTimeout)
}

func (b *Browser) chromiumOutput() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.output.String()
}

// lockedWriter collects Chromium's output; the allocator writes from its own
// goroutine while the test may read.
type lockedWriter struct{ b *Browser }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.b.output.Len() > 64<<10 {
		return len(p), nil // keep the start of the log; it holds the cause
	}
	return w.b.output.Write(p)
}
