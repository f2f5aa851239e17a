package testservers

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// S3 is a running Versity S3 gateway serving a directory: a real
// S3-compatible server, so object-storage code is tested against the
// protocol, not a fake. Each subdirectory of its directory is a bucket.
type S3 struct {
	endpoint  string // http://127.0.0.1:PORT
	dir       string
	AccessKey string
	SecretKey string
}

// StartS3 starts bin/versitygw on a free loopback port over a temporary
// directory, waits until it answers, and stops it when t ends.
func StartS3(t testing.TB) *S3 {
	t.Helper()
	bin := repoBinary(t, "versitygw")
	return withRetries(t, "versitygw", func() (*S3, error) { return startS3(t, bin) })
}

func startS3(t testing.TB, bin string) (*S3, error) {
	port := freeLoopbackPort(t)
	s := &S3{endpoint: "http://127.0.0.1:" + strconv.Itoa(port), dir: t.TempDir(),
		AccessKey: "coopresstest", SecretKey: "coopress-test-secret-key"}
	cmd := exec.Command(bin, "--port", "127.0.0.1:"+strconv.Itoa(port), "posix", s.dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	if err := runUntilReady(t, cmd, s.ready); err != nil {
		return nil, err
	}
	return s, nil
}

// ready reports whether the gateway answers HTTP at all (an unsigned
// request is refused, which is an answer).
func (s *S3) ready() bool {
	resp, err := (&http.Client{Timeout: time.Second}).Get(s.endpoint + "/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// Endpoint is the server's address, "http://127.0.0.1:PORT".
func (s *S3) Endpoint() string { return s.endpoint }

// Bucket makes a bucket called name (a directory the gateway serves) and
// returns name.
func (s *S3) Bucket(t testing.TB, name string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(s.dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return name
}
