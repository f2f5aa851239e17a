package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/app"
)

// user runs `coopress user SUB` with the store flags in-process.
func user(t *testing.T, store []string, sub string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append([]string{"user", sub}, store...), args...)
	code := run(context.Background(), full, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUserCommands(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		t.Setenv("USER", "operator")
		code, out, errOut := user(t, store, "add", "--email", "Ed@Example.org", "--name", "Ed Itor", "--role", "admin,editor",
			"--base-url", "https://paper.example/")
		if code != 0 {
			t.Fatalf("add: %d %s", code, errOut)
		}
		link := regexp.MustCompile(`https://paper\.example/signin/link/([A-Za-z0-9_-]{43})\n`).FindStringSubmatch(out)
		if link == nil || !strings.Contains(out, "created account 1 for ed@example.org (Ed Itor) with roles editor,admin") {
			t.Fatalf("add printed %q", out)
		}
		for _, tc := range []struct {
			args    []string
			wantErr string
		}{
			{[]string{"add", "--email", "ed@example.org", "--name", "Again", "--role", "writer"}, "already exists"},
			{[]string{"add", "--email", "x@example.org", "--name", "X", "--role", "boss"}, `"boss" is not a role`},
			{[]string{"add", "--email", "x@example.org", "--name", "X"}, "--role is required"},
			{[]string{"add", "--email", "nope", "--name", "X", "--role", "writer"}, "email address like"},
			{[]string{"roles", "--email", "nobody@example.org", "--role", "writer"}, "there is no account with that address"},
			{[]string{"roles", "--email", "ed@example.org", "--role", "treasurer"}, "ed@example.org is the only active admin"},
			{[]string{"disable", "--email", "ed@example.org"}, "ed@example.org is the only active admin"},
			{[]string{"enable", "--email", "ed@example.org"}, "ed@example.org is not disabled"},
			{[]string{"disable"}, "--email is required"},
			{[]string{"frobnicate"}, "unknown subcommand"},
		} {
			if code, _, errOut := user(t, store, tc.args[0], tc.args[1:]...); code != 1 || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("%v: %d %q, want an error with %q", tc.args, code, errOut, tc.wantErr)
			}
		}
		// With a second admin, Ed may give up the role.
		if code, _, errOut := user(t, store, "add", "--email", "boss@example.org", "--name", "Boss", "--role", "admin"); code != 0 {
			t.Fatalf("add second admin: %s", errOut)
		}
		if code, out, _ := user(t, store, "roles", "--email", "ED@example.org", "--role", "treasurer"); code != 0 ||
			!strings.Contains(out, "ed@example.org now has roles treasurer (was editor,admin)") {
			t.Errorf("roles: %q", out)
		}
		if code, out, _ := user(t, store, "list"); code != 0 || !regexp.MustCompile(`1\s+ed@example.org\s+Ed Itor\s+treasurer\s+no password yet`).MatchString(out) {
			t.Errorf("list: %q", out)
		}

		// The printed link works once against the same database.
		var cfg app.Config
		if store[0] == "--data" {
			cfg.DataDir = store[1]
		} else {
			cfg.DatabaseURL = store[1]
		}
		d, err := app.OpenDB(context.Background(), &cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		s := account.New(d, account.Options{})
		if a, err := s.Consume(context.Background(), link[1], account.PurposeSignIn); err != nil || a.Email != "ed@example.org" {
			t.Fatalf("consume printed link: %v", err)
		}
		if code, out, _ := user(t, store, "link", "--email", "ed@example.org"); code != 0 || !strings.Contains(out, "http://127.0.0.1:8080/signin/link/") {
			t.Errorf("link: %q", out)
		}
		if code, out, _ := user(t, store, "disable", "--email", "ed@example.org"); code != 0 || !strings.Contains(out, "disabled ed@example.org") {
			t.Errorf("disable: %q", out)
		}
		if code, _, errOut := user(t, store, "link", "--email", "ed@example.org"); code != 1 || !strings.Contains(errOut, "enable it first") {
			t.Errorf("link for a disabled account: %d %q", code, errOut)
		}
		if code, out, _ := user(t, store, "enable", "--email", "ed@example.org"); code != 0 || !strings.Contains(out, "enabled ed@example.org") {
			t.Errorf("enable: %q", out)
		}
		if code, out, _ := user(t, store, "list"); code != 0 || !regexp.MustCompile(`1\s+ed@example.org\s+Ed Itor\s+treasurer\s+no password yet`).MatchString(out) {
			t.Errorf("list after enable: %q", out)
		}
		// The operator resets a lost second factor: the factor and the
		// account's sessions go.
		ed, err := s.ByEmail(context.Background(), "ed@example.org")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.NewSession(context.Background(), ed.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartTOTP(context.Background(), ed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.NewRecoveryCodes(context.Background(), account.Actor{Name: "test"}, ed.ID); err != nil {
			t.Fatal(err)
		}
		if code, out, _ := user(t, store, "reset-second-factor", "--email", "ed@example.org"); code != 0 || !strings.Contains(out, "recovery codes of ed@example.org") {
			t.Errorf("reset-second-factor: %d %q", code, out)
		}
		if left, _ := s.RecoveryCodesLeft(context.Background(), ed.ID); left != 0 {
			t.Errorf("recovery codes after reset: %d", left)
		}
		if _, err := s.Session(context.Background(), token); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session after reset: %v", err)
		}
		entries, _, err := s.Audit().List(context.Background(), account.Filter{Actor: "cli:operator"}, 1)
		// 10: the treasurer grant has its own account.grant entry.
		if err != nil || len(entries) != 10 || entries[0].Action != "account.factor_reset" || entries[1].Action != "account.enable" {
			t.Errorf("audit: %+v %v", entries, err)
		}
	})
}
