package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// rawLive opens /fund/live on a plain TCP connection, as the many-stream
// tests need hundreds of them, and returns the connection and its reader
// past the response's head, which it checks.
func rawLive(t *testing.T, addr string, dial func(string, string) (net.Conn, error)) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// Accept-Encoding: a stream must never be compressed.
	fmt.Fprintf(conn, "GET /fund/live HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nAccept-Encoding: gzip, br\r\n\r\n", addr)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" ||
		resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stream answered %d %v", resp.StatusCode, resp.Header)
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, br
}

// dataLines sends each "data:" line of a stream to out until it ends.
func dataLines(br *bufio.Reader, out chan<- string) {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok {
			out <- strings.TrimSpace(v)
		}
	}
}

// TestFundLiveGiftReachesEveryStream opens many streams, each of which
// gets retry and the figures at once; one gift through the fund then
// reaches every one of them.
func TestFundLiveGiftReachesEveryStream(t *testing.T) {
	const streams = 300
	h := newHarness(t, dbtest.SQLite(t), withFund(), withDeps(func(d *web.Deps) {
		d.LiveLimits = web.LiveLimits{PerNode: streams, PerClient: streams}
	}))
	addr := strings.TrimPrefix(h.http.URL, "http://")
	got := make(chan string, streams)
	for i := range streams {
		_, br := rawLive(t, addr, net.Dial)
		retry, _ := br.ReadString('\n')
		if retry != "retry: 3000\n" {
			t.Fatalf("stream %d began %q, want retry: 3000", i, retry)
		}
		go dataLines(br, got)
	}
	for i := range streams {
		select {
		case ev := <-got:
			if !strings.Contains(ev, `"raised":"£0"`) {
				t.Fatalf("first event %d: %s", i, ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d streams had their first event", i, streams)
		}
	}
	if _, err := h.fund.Record(context.Background(), fund.Entry{Amount: money.Major(20, "GBP"), Method: fund.Cheque, RecordedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for i := range streams {
		select {
		case ev := <-got:
			if !strings.Contains(ev, `"raised":"£20"`) {
				t.Fatalf("event after the gift: %s", ev)
			}
		case <-deadline:
			t.Fatalf("the gift reached %d of %d streams", i, streams)
		}
	}
}

// TestFundLiveShutdownEndsStreams: the streams are taken over from
// net/http, which would neither wait for nor close them, so the server's
// Shutdown must end each one and give back its place.
func TestFundLiveShutdownEndsStreams(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withFixedFund())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h.srv, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	ended := make(chan error, 10)
	for range cap(ended) {
		conn, br := rawLive(t, ln.Addr().String(), net.Dial)
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		go func() {
			_, err := io.Copy(io.Discard, br)
			ended <- err
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for i := range cap(ended) {
		if err := <-ended; err != nil {
			t.Fatalf("stream %d did not end cleanly at shutdown: %v", i, err)
		}
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown ended the streams after %s", took)
	}
	if !testwait.For(5*time.Second, func() bool { return web.LiveOpen(h.srv) == 0 }) {
		t.Errorf("%d streams still hold a place after shutdown", web.LiveOpen(h.srv))
	}
}

// TestFundLiveKeepaliveAndEnd: an idle stream gets keepalive comments and
// ends after its time (both shortened here), giving back its place.
func TestFundLiveKeepaliveAndEnd(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withFixedFund())
	web.SetLiveTimings(h.srv, 50*time.Millisecond, 500*time.Millisecond)
	conn, br := rawLive(t, strings.TrimPrefix(h.http.URL, "http://"), net.Dial)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	body, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("stream did not end: %v (%q)", err, body)
	}
	for _, want := range []string{"retry: 3000\n\n", "event: fund\ndata: {", `"raised":"£5,047"`, ": keepalive\n\n"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("stream lacks %q: %q", want, body)
		}
	}
	if !testwait.For(5*time.Second, func() bool { return web.LiveOpen(h.srv) == 0 }) {
		t.Error("an ended stream still holds its place")
	}
}
