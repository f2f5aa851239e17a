package app_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/testwait"
)

// node is one running coopress server.
type node struct {
	base string
	done chan error
	stop context.CancelFunc
}

func startNode(t *testing.T, cfg app.Config) *node {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	n := &node{done: make(chan error, 1), stop: cancel}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { n.done <- app.Serve(ctx, &cfg, log, ready) }()
	select {
	case addr := <-ready:
		n.base = "http://" + addr
	case err := <-n.done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-n.done:
			if err != nil {
				t.Errorf("serve returned %v on shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not shut down")
		}
	})
	return n
}

func (n *node) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(n.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitForBox polls path until its fund box shows raised, or fails after 3 s,
// the longest a reader may wait to see a gift made elsewhere.
func (n *node) waitForBox(t *testing.T, raised string) time.Duration {
	t.Helper()
	start := time.Now()
	want := `data-fund="raised">` + raised + `<`
	var body string
	if testwait.For(3*time.Second, func() bool {
		_, body = n.get(t, "/fund")
		return strings.Contains(body, want)
	}) {
		return time.Since(start)
	}
	i := strings.Index(body, `data-fund="raised"`)
	t.Fatalf("box on %s never showed %s within 3s; it shows %.60s", n.base, raised, body[max(i, 0):])
	return 0
}

// recordElsewhere records a gift through its own connection, as the command
// line or another node would.
func recordElsewhere(t *testing.T, url, dir string, pounds int64) {
	t.Helper()
	d, err := db.Open(context.Background(), url, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	london, _ := time.LoadLocation("Europe/London")
	svc := fund.New(d, london, time.Now)
	if _, err := svc.Record(context.Background(), fund.Entry{Amount: money.Major(pounds, "GBP"), Method: fund.Cheque, RecordedBy: "test"}); err != nil {
		t.Fatal(err)
	}
}

func TestServeHealthMetricsAndGiftFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, app.Config{DataDir: dir, Demo: false, SiteName: "Test Paper"})
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/": "Test Paper"} {
		if status, body := n.get(t, path); status != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %.100q", path, status, body)
		}
	}
	for path, want := range map[string]int{"/fund?month=2024-13": 400, "/fund?month=%ff": 400, "/fund?month=1999-01": 404,
		"/fund?month=" + strings.Repeat("9", 5000): 400} {
		if status, body := n.get(t, path); status != want || strings.Contains(body, "sql") {
			t.Errorf("GET %.40s: %d, want %d", path, status, want)
		}
	}
	// Metrics have their own listener (TestMetricsOnTheirOwnListener).
	if status, _ := n.get(t, "/metrics"); status != http.StatusNotFound {
		t.Errorf("GET /metrics on the site's port: %d, want 404", status)
	}

	// A live box: open the event stream, then give from "the command line".
	resp, err := http.Get(n.base + "/fund/live")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events <- sc.Text()
			}
		}
	}()
	select {
	case first := <-events:
		if !strings.Contains(first, `"raised":"£0"`) {
			t.Fatalf("first event %s", first)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no first event")
	}
	recordElsewhere(t, "", dir, 20)
	took := n.waitForBox(t, "£20")
	select {
	case ev := <-events:
		if !strings.Contains(ev, `"raised":"£20"`) {
			t.Fatalf("live event %s", ev)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no live event within 3s of the gift")
	}
	t.Logf("gift from another process showed in the box after %s", took)
}

func TestTwoNodesOnOnePostgresSeeEachOthersGifts(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := startNode(t, app.Config{DatabaseURL: url, DataDir: t.TempDir()})
	b := startNode(t, app.Config{DatabaseURL: url, DataDir: t.TempDir()})
	recordElsewhere(t, url, "", 35)
	ta := a.waitForBox(t, "£35")
	tb := b.waitForBox(t, "£35")
	t.Logf("node A saw the gift after %s, node B after %s", ta, tb)
}

// TestFundBoxUpdatesInTheBrowser opens a page in Chromium, lets live.js
// connect, records a gift from another process and waits for the figure
// on the page to change without a reload.
func TestFundBoxUpdatesInTheBrowser(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, app.Config{DataDir: dir})
	b := browsertest.New(t)
	// Count the events each EventSource on the page receives, before any
	// page script runs, so the test can tell when live.js's stream is open.
	const countEvents = `window.__fundEvents = 0;
		window.EventSource = class extends window.EventSource {
			constructor(url, opts) { super(url, opts); this.addEventListener("fund", () => { window.__fundEvents++; }); }
		};`
	if _, err := chromedp.Call(b.Context(), page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: countEvents}); err != nil {
		t.Fatal(err)
	}
	if status := b.Navigate(n.base + "/fund"); status != 200 {
		t.Fatalf("status %d", status)
	}
	browsertest.Eval[bool](b, `(document.querySelector("[data-fund-live]").scrollIntoView(), true)`)
	// The stream is open once its first event has arrived: the server
	// subscribes before it sends the current figures, so a gift recorded
	// after that must come as a pushed update, not in the first event.
	testwait.Until(t, 5*time.Second, "the live stream's first event", func() bool {
		return browsertest.Eval[bool](b, `window.__fundEvents > 0`)
	})
	recordElsewhere(t, "", dir, 42)
	start := time.Now()
	var got string
	if !testwait.For(3*time.Second, func() bool {
		got = browsertest.Eval[string](b, `document.querySelector('.fund-box [data-fund="raised"]').textContent`)
		return got == "£42"
	}) {
		t.Fatalf("after 3s the open page still shows %q", got)
	}
	t.Logf("the open page showed the gift after %s", time.Since(start).Round(time.Millisecond))
}
