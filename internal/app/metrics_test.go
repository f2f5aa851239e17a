package app_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/app"
)

// TestMetricsOnTheirOwnListener starts serve with --metrics-addr on a
// free loopback port: the metrics answer there and not on the site's port.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	logs, err := serveOnce(t, app.Config{DataDir: t.TempDir(), MetricsAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr := func(msg string) string {
		m := regexp.MustCompile(`msg="?` + msg + `"? addr=(\S+)`).FindStringSubmatch(logs)
		if m == nil {
			t.Fatalf("log does not say where %q:\n%s", msg, logs)
		}
		return "http://" + m[1]
	}
	site, metrics := addr("serving"), addr("metrics listening")
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := get(site + "/"); status != http.StatusOK {
		t.Fatalf("front page: %d", status)
	}
	if status, body := get(site + "/metrics"); status != http.StatusNotFound || strings.Contains(body, "coopress_http_requests_total") {
		t.Errorf("site's /metrics: %d, want 404 and no metrics", status)
	}
	status, body := get(metrics + "/metrics")
	for _, want := range []string{"coopress_http_requests_total", "coopress_fund_live_streams", "go_goroutines",
		"\ncoopress_fund_holds_open 0\n"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("metrics listener: %d, lacks %s", status, want)
		}
	}
}
