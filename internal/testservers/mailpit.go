package testservers

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mailpit is a running mailpit: an SMTP server that keeps every mail it is
// given, and an HTTP API to read them back.
type Mailpit struct {
	smtpPort int
	api      string // http://127.0.0.1:PORT
	http     *http.Client
}

// Address is one mailbox as mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is a mail in a mailpit listing.
type Summary struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
	Created   time.Time
	Snippet   string
	Size      int
	// Username is the SMTP login the mail was sent with, if any.
	Username string
}

// Message is one mail with its decoded bodies.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Cc        []Address
	Subject   string
	Date      time.Time
	Text      string
	HTML      string
	Size      int
}

// StartMailpit starts bin/mailpit on free loopback ports with a database in
// a temporary directory, waits until it answers, and stops it when t ends.
// It accepts any SMTP login, over plain text too, so tests can exercise
// authentication without certificates.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := repoBinary(t, "mailpit")
	return withRetries(t, "mailpit", func() (*Mailpit, error) { return startMailpit(t, bin) })
}

// withRetries calls start up to three times: a free port can be taken
// between our probe and the server's bind, and new ports get past that
// race.
func withRetries[T any](t testing.TB, name string, start func() (T, error)) T {
	t.Helper()
	var lastErr error
	for range 3 {
		v, err := start()
		if err == nil {
			return v
		}
		lastErr = err
	}
	t.Fatalf("%s: %v", name, lastErr)
	var zero T
	return zero
}

func startMailpit(t testing.TB, bin string) (*Mailpit, error) {
	httpPort, smtpPort := freeLoopbackPort(t), freeLoopbackPort(t)
	dir := t.TempDir()
	cmd := exec.Command(bin,
		"--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort),
		"--disable-version-check", "--smtp-disable-rdns",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--database", filepath.Join(dir, "mailpit.db"),
		"--quiet")
	m := &Mailpit{
		smtpPort: smtpPort,
		api:      "http://127.0.0.1:" + strconv.Itoa(httpPort),
		http:     &http.Client{Timeout: 10 * time.Second},
	}
	if err := runUntilReady(t, cmd, m.ready); err != nil {
		return nil, err
	}
	return m, nil
}

// ready reports whether both the API and the SMTP port answer.
func (m *Mailpit) ready() bool {
	resp, err := m.http.Get(m.api + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(m.SMTPHost(), strconv.Itoa(m.smtpPort)), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// SMTPHost is the host to send mail to.
func (m *Mailpit) SMTPHost() string { return "127.0.0.1" }

// SMTPPort is the port to send mail to.
func (m *Mailpit) SMTPPort() int { return m.smtpPort }

// APIURL is the base of mailpit's HTTP API and web UI, for anything the
// methods here do not cover.
func (m *Mailpit) APIURL() string { return m.api }

// Messages lists every mail received, newest first.
func (m *Mailpit) Messages(t testing.TB) []Summary {
	t.Helper()
	return m.list(t, "/api/v1/messages?limit=1000")
}

// Search lists the mails matching a mailpit query such as
// "to:ann@example.test" or `subject:"Reset your password"`, newest first.
func (m *Mailpit) Search(t testing.TB, query string) []Summary {
	t.Helper()
	return m.list(t, "/api/v1/search?limit=1000&query="+url.QueryEscape(query))
}

func (m *Mailpit) list(t testing.TB, path string) []Summary {
	t.Helper()
	var page struct{ Messages []Summary }
	m.getJSON(t, path, &page)
	return page.Messages
}

// Message returns one mail, with its text and HTML bodies.
func (m *Mailpit) Message(t testing.TB, id string) Message {
	t.Helper()
	var msg Message
	m.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg
}

// Headers returns one mail's header fields as received.
func (m *Mailpit) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	h := map[string][]string{}
	m.getJSON(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h)
	return h
}

// To returns the mails addressed to exactly addr, newest first. Mailpit's
// to: search also matches longer addresses that contain addr; this does not.
func (m *Mailpit) To(t testing.TB, addr string) []Summary {
	t.Helper()
	var out []Summary
	for _, s := range m.Search(t, "to:"+addr) {
		for _, a := range s.To {
			if strings.EqualFold(a.Address, addr) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// WaitFor waits up to timeout for a mail to addr and returns the newest,
// failing the test if none comes.
func (m *Mailpit) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if got := m.To(t, to); len(got) > 0 {
			return m.Message(t, got[0].ID)
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit: no mail to %s within %s (%d mails in all)", to, timeout, len(m.Messages(t)))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Clear deletes every mail.
func (m *Mailpit) Clear(t testing.TB) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, m.api+"/api/v1/messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.http.Do(req)
	if err != nil {
		t.Fatalf("mailpit: clear: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: clear: %s", resp.Status)
	}
}

func (m *Mailpit) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := m.http.Get(m.api + path)
	if err != nil {
		t.Fatalf("mailpit: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit: GET %s: decode: %v", path, err)
	}
}

// repoBinary returns bin/NAME under the repository root (the nearest
// directory above the working directory holding go.mod). A missing binary
// skips the test loudly, or fails it under CI=true, where a skip would hide
// untested code.
func repoBinary(t testing.TB, name string) string {
	t.Helper()
	// -short is the quick run without external servers (make check), even
	// in CI.
	if testing.Short() {
		t.Skipf("skipped: -short starts no %s", name)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testservers: working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testservers: no go.mod above the working directory")
		}
		dir = parent
	}
	bin := filepath.Join(dir, "bin", name)
	if _, err := os.Stat(bin); err != nil {
		if !errors.Is(err, os.ErrNotExist) || os.Getenv("CI") == "true" {
			t.Fatalf("testservers: %s: %v (run scripts/test-deps.sh)", bin, err)
		}
		t.Skipf("SKIPPING: %s is not installed; run scripts/test-deps.sh (make test does)", bin)
	}
	return bin
}

// freeLoopbackPort asks the kernel for a free port on 127.0.0.1.
func freeLoopbackPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testservers: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a server's output, written by exec's copying
// goroutine and read by the test when the server fails.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
