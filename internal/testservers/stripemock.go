package testservers

import (
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// StripeMock is a running stripe-mock: Stripe's API answered from its
// OpenAPI specification and fixtures, on loopback, with no network.
type StripeMock struct {
	url string
}

// StartStripeMock starts bin/stripe-mock on free loopback ports, waits until
// it answers, and stops it when t ends. Both the HTTP and the HTTPS address
// are given, because stripe-mock otherwise listens on every interface.
func StartStripeMock(t testing.TB) *StripeMock {
	t.Helper()
	bin := repoBinary(t, "stripe-mock")
	return withRetries(t, "stripe-mock", func() (*StripeMock, error) { return startStripeMock(t, bin) })
}

func startStripeMock(t testing.TB, bin string) (*StripeMock, error) {
	httpPort, httpsPort := freeLoopbackPort(t), freeLoopbackPort(t)
	cmd := exec.Command(bin,
		"-http-addr", "127.0.0.1:"+strconv.Itoa(httpPort),
		"-https-addr", "127.0.0.1:"+strconv.Itoa(httpsPort))
	m := &StripeMock{url: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	if err := runUntilReady(t, cmd, m.ready); err != nil {
		return nil, err
	}
	return m, nil
}

// ready reports whether the API answers an authenticated request.
func (m *StripeMock) ready() bool {
	req, err := http.NewRequest(http.MethodGet, m.url+"/v1/balance", nil)
	if err != nil {
		return false
	}
	req.SetBasicAuth("sk_test_123", "")
	resp, err := (&http.Client{Timeout: time.Second}).Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// URL is the API's base, "http://127.0.0.1:PORT", for
// stripe.BackendConfig.URL.
func (m *StripeMock) URL() string { return m.url }
