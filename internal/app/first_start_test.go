package app_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// logBuffer is a bytes.Buffer the server may write while the test reads.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// serveOnce starts Serve on cfg and returns its log once it is serving, or
// Serve's error if it refuses to start; the server is stopped at cleanup.
func serveOnce(t *testing.T, cfg app.Config) (string, error) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- app.Serve(ctx, &cfg, slog.New(slog.NewTextHandler(logs, nil)), ready) }()
	select {
	case <-ready:
		t.Cleanup(func() { cancel(); <-done })
		return logs.String(), nil
	case err := <-done:
		cancel()
		return logs.String(), err
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("server neither started nor failed")
	}
	return "", nil
}

func TestFirstStartLogsHowToMakeAnAdmin(t *testing.T) {
	dir := t.TempDir()
	logs, err := serveOnce(t, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := `command="coopress user add --email you@example.org --name \"Your Name\" --role admin --data ` + dir + `"`
	if !strings.Contains(logs, "no admin account yet") || !strings.Contains(logs, want) {
		t.Errorf("log lacks the first-admin command %s:\n%s", want, logs)
	}
	if !strings.Contains(logs, "no demo content loaded") {
		t.Errorf("log does not say that no demo content was loaded:\n%s", logs)
	}
}

func TestDemoOnlyIntoAnEmptyDatabase(t *testing.T) {
	// An empty site takes the demo, and the log says what came in.
	logs, err := serveOnce(t, app.Config{DataDir: t.TempDir(), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs, `"demo content loaded" articles=121 ledger_entries=`) {
		t.Errorf("log does not say what the demo loaded:\n%s", logs)
	}

	for _, tc := range []struct {
		name string
		fill func(t *testing.T, cfg *app.Config)
		want string
	}{
		{"an account", func(t *testing.T, cfg *app.Config) {
			d := openMigrated(t, cfg)
			if _, err := account.New(d, account.Options{}).CreateAccount(context.Background(), account.Actor{Name: "test"},
				account.NewAccount{Email: "ed@example.org", Name: "Ed", Roles: []account.Role{account.Admin}}); err != nil {
				t.Fatal(err)
			}
		}, "this one has 1 account;"},
		{"gifts", func(t *testing.T, cfg *app.Config) {
			d := openMigrated(t, cfg)
			s := fund.New(d, cfg.Location, time.Now)
			for range 2 {
				if _, err := s.Record(context.Background(), fund.Entry{Amount: money.Major(5, "GBP"), Method: fund.Cash, RecordedBy: "test"}); err != nil {
					t.Fatal(err)
				}
			}
		}, "this one has 2 ledger entries;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := app.Config{DataDir: t.TempDir(), Demo: true}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			tc.fill(t, &cfg)
			logs, err := serveOnce(t, cfg)
			var ne *demo.NotEmptyError
			if !errors.As(err, &ne) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "start without --demo") {
				t.Fatalf("serve --demo on a site with %s: %v", tc.name, err)
			}
			if strings.Contains(logs, "demo content loaded") || strings.Contains(logs, "serving") {
				t.Errorf("a refused demo still loaded or served:\n%s", logs)
			}
			d := openMigrated(t, &cfg)
			if c, err := demo.Count(context.Background(), d); err != nil || c.Articles != 0 {
				t.Errorf("after the refusal: %+v %v", c, err)
			}
		})
	}
}

// openMigrated opens (creating) and migrates cfg's database for a test.
func openMigrated(t *testing.T, cfg *app.Config) *db.DB {
	t.Helper()
	d, err := app.OpenDB(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
