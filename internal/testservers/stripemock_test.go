package testservers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/testservers"
)

func TestStripeMockAnswersOnLoopback(t *testing.T) {
	m := testservers.StartStripeMock(t)
	if !strings.HasPrefix(m.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q is not on loopback", m.URL())
	}
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/v1/charges", nil)
	req.SetBasicAuth("sk_test_123", "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/charges: %s", resp.Status)
	}
}
