package account_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/mail"
	"github.com/pquerna/otp/totp"
)

// outbox records the notices the account service queues.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (o *outbox) EnqueueTx(_ context.Context, _ *sql.Tx, m mail.Message) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return int64(len(o.sent)), nil
}

// to lists the subjects queued to addr.
func (o *outbox) to(addr string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, m := range o.sent {
		if m.To == addr {
			out = append(out, m.Subject)
		}
	}
	return out
}

func newFactorService(t *testing.T, d *db.DB) (*account.Service, *clock, *outbox) {
	t.Helper()
	c, box := newClock(), &outbox{}
	return account.New(d, account.Options{Now: c.Now, Hash: cheap, Mail: box, SiteName: "The Daily Test"}), c, box
}

// code is the authenticator app's code for secret at the clock's time.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// session starts a session for a as a password sign-in does.
func session(t *testing.T, s *account.Service, a account.Account) (string, account.Session) {
	t.Helper()
	token, ss, err := s.NewSession(context.Background(), a.ID, "192.0.2.7", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token, ss
}

func reload(t *testing.T, s *account.Service, token string) account.Session {
	t.Helper()
	ss, err := s.Session(context.Background(), token)
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	return ss
}

// enrol sets up an authenticator app for a through a session of its own
// and returns the secret.
func enrol(t *testing.T, s *account.Service, c *clock, a account.Account) string {
	t.Helper()
	ctx := context.Background()
	token, _ := session(t, s, a)
	setup, err := s.StartTOTP(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Phone", code(t, setup.Secret, c.Now())); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	c.Advance(30 * time.Second) // the confirming code's step is spent
	return setup.Secret
}

// TestTOTPSetUpThenSignIn follows a treasurer from a password-only
// session, which may only set up a factor, to a sign-in that needs the
// code, and checks that completing it replaces the session.
func TestTOTPSetUpThenSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, box := newFactorService(t, d)
		a := mustCreate(t, s, "treasurer@example.org", goodPassword, account.Treasurer)
		token, ss := session(t, s, a)
		if got := s.Stage(ss); got != account.StageSetUp {
			t.Fatalf("stage of a treasurer without a factor = %v, want StageSetUp", got)
		}
		setup, err := s.StartTOTP(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(setup.URL, "otpauth://totp/") || !strings.Contains(setup.URL, "secret="+setup.Secret) || !strings.Contains(setup.URL, "issuer=The+Daily+Test") {
			t.Errorf("otpauth URL = %q", setup.URL)
		}
		if _, err := s.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Phone", "000000"); !errors.Is(err, account.ErrWrongCode) && code(t, setup.Secret, c.Now()) != "000000" {
			t.Fatalf("confirm with a wrong code: %v, want ErrWrongCode", err)
		}
		codes, err := s.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Phone", code(t, setup.Secret, c.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != account.RecoveryCodeCount {
			t.Errorf("recovery codes = %d, want %d", len(codes), account.RecoveryCodeCount)
		}
		if got := s.Stage(reload(t, s, token)); got != account.StageDone {
			t.Errorf("stage of the session that set the factor up = %v, want StageDone", got)
		}
		if got := box.to(a.Email); len(got) != 1 || !strings.Contains(got[0], "second factor was added") {
			t.Errorf("notices to the owner = %q", got)
		}

		// The next sign-in needs the code; the confirming code is spent.
		token2, ss2 := session(t, s, a)
		if got := s.Stage(ss2); got != account.StageSecondFactor {
			t.Fatalf("stage after a password sign-in = %v, want StageSecondFactor", got)
		}
		if _, err := s.VerifyTOTP(ctx, token2, ss2, code(t, setup.Secret, c.Now())); !errors.Is(err, account.ErrWrongCode) {
			t.Fatalf("reusing the confirming code: %v, want ErrWrongCode", err)
		}
		c.Advance(30 * time.Second)
		done, err := s.VerifyTOTP(ctx, token2, ss2, code(t, setup.Secret, c.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, token2); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("the half-signed-in session after the code: %v, want ErrNoSession", err)
		}
		if got := reload(t, s, done); s.Stage(got) != account.StageDone || got.SecondFactor != account.TOTP {
			t.Errorf("completed session: stage %v, factor %q", s.Stage(got), got.SecondFactor)
		}
	})
}

// TestTOTPWindow: a code is accepted one 30-second step either side of
// the server's clock and no further.
func TestTOTPWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, _ := newFactorService(t, d)
		for i, tc := range []struct {
			offset time.Duration
			ok     bool
		}{
			{-90 * time.Second, false}, {-60 * time.Second, false}, {-30 * time.Second, true}, {0, true},
			{30 * time.Second, true}, {60 * time.Second, false}, {90 * time.Second, false},
		} {
			a := mustCreate(t, s, "w"+string(rune('a'+i))+"@example.org", goodPassword, account.Editor)
			secret := enrol(t, s, c, a)
			c.Advance(5 * time.Minute) // well past the enrolment's step
			token, ss := session(t, s, a)
			_, err := s.VerifyTOTP(ctx, token, ss, code(t, secret, c.Now().Add(tc.offset)))
			if tc.ok != (err == nil) {
				t.Errorf("code from %v away: err = %v, want accepted %v", tc.offset, err, tc.ok)
			}
		}
	})
}

// TestTOTPCodeOnceUnderConcurrency: sessions racing with the same code
// (a phished code replayed at once) complete one sign-in between them,
// round after round.
func TestTOTPCodeOnceUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, _ := newFactorService(t, d)
		a := mustCreate(t, s, "admin@example.org", goodPassword, account.Admin)
		secret := enrol(t, s, c, a)
		const rounds, racers = 20, 4 // four stay within the guessing limit
		for round := range rounds {
			c.Advance(16 * time.Minute) // a new step, and the last round's failures forgotten
			now := code(t, secret, c.Now())
			start := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for range racers {
				token, ss := session(t, s, a)
				wg.Go(func() {
					<-start
					if _, err := s.VerifyTOTP(ctx, token, ss, now); err == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()
			if ok != 1 {
				t.Fatalf("round %d: sign-ins completed with one code = %d, want 1", round, ok)
			}
		}
	})
}

// TestTOTPGuessingLimited: after five wrong codes even the right one is
// refused until the window passes, and the owner is told once that
// someone has their password.
func TestTOTPGuessingLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, box := newFactorService(t, d)
		a := mustCreate(t, s, "secretary@example.org", goodPassword, account.Secretary)
		secret := enrol(t, s, c, a)
		token, ss := session(t, s, a)
		right := code(t, secret, c.Now())
		for i := range 5 {
			wrong := []byte(right)
			wrong[0] = '0' + (wrong[0]-'0'+1+byte(i%9))%10
			if _, err := s.VerifyTOTP(ctx, token, ss, string(wrong)); !errors.Is(err, account.ErrWrongCode) {
				t.Fatalf("wrong code %d: %v, want ErrWrongCode", i+1, err)
			}
		}
		var lim *account.LimitedError
		if _, err := s.VerifyTOTP(ctx, token, ss, right); !errors.As(err, &lim) {
			t.Fatalf("right code after five wrong ones: %v, want *LimitedError", err)
		}
		alerts := 0
		for _, subj := range box.to(a.Email) {
			if strings.Contains(subj, "knows your password") {
				alerts++
			}
		}
		if alerts != 1 {
			t.Errorf("alerts to the owner = %d, want 1 (%q)", alerts, box.to(a.Email))
		}
		c.Advance(16 * time.Minute)
		if _, err := s.VerifyTOTP(ctx, token, ss, code(t, secret, c.Now())); err != nil {
			t.Errorf("right code after the window: %v", err)
		}
	})
}

// TestRecoveryCodes: each code completes one sign-in, typed in any case
// with or without hyphens, and never a second; the owner hears of each.
func TestRecoveryCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, box := newFactorService(t, d)
		a := mustCreate(t, s, "ed@example.org", goodPassword, account.Admin)
		codes, err := s.NewRecoveryCodes(ctx, cli, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if len(c) != 19 || seen[c] {
				t.Errorf("code %q: want 19 characters, unique", c)
			}
			seen[c] = true
		}
		for i, typed := range []string{codes[0], strings.ToUpper(codes[1]), strings.ReplaceAll(codes[2], "-", ""), " " + strings.ReplaceAll(codes[3], "-", " ") + " "} {
			token, ss := session(t, s, a)
			if _, err := s.VerifyRecoveryCode(ctx, token, ss, typed); err != nil {
				t.Errorf("code %d typed %q: %v", i, typed, err)
			}
		}
		token, ss := session(t, s, a)
		if _, err := s.VerifyRecoveryCode(ctx, token, ss, codes[0]); !errors.Is(err, account.ErrWrongCode) {
			t.Errorf("a used code: %v, want ErrWrongCode", err)
		}
		if left, _ := s.RecoveryCodesLeft(ctx, a.ID); left != account.RecoveryCodeCount-4 {
			t.Errorf("codes left = %d, want %d", left, account.RecoveryCodeCount-4)
		}
		if n := len(box.to(a.Email)); n != 4 {
			t.Errorf("notices of used codes = %d, want 4", n)
		}
	})
}

// TestRemovingFactors: the last factor of an account whose roles need
// one stays until another is added; a writer may remove theirs.
func TestRemovingFactors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, _ := newFactorService(t, d)
		for _, tc := range []struct {
			role account.Role
			ok   bool
		}{{account.Treasurer, false}, {account.Admin, false}, {account.Writer, true}} {
			a := mustCreate(t, s, string(tc.role)+"@example.org", goodPassword, tc.role)
			enrol(t, s, c, a)
			a, _ = s.ByID(ctx, a.ID)
			fs, err := s.Factors(ctx, a.ID)
			if err != nil || len(fs) != 1 {
				t.Fatalf("factors of %s: %v %v", tc.role, fs, err)
			}
			err = s.RemoveFactor(ctx, account.ActorOf(a, ""), a, fs[0].ID)
			if tc.ok != (err == nil) {
				t.Errorf("%s removing the only factor: %v, want allowed %v", tc.role, err, tc.ok)
			}
		}
	})
}

// TestAdminResetsSecondFactors: an admin's reset removes every factor and
// code and ends the sessions, audited and told to the owner; nobody
// resets their own.
func TestAdminResetsSecondFactors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, box := newFactorService(t, d)
		admin := mustCreate(t, s, "admin@example.org", goodPassword, account.Admin)
		tr := mustCreate(t, s, "treasurer@example.org", goodPassword, account.Treasurer)
		enrol(t, s, c, tr)
		live, _ := session(t, s, tr)
		if err := s.ResetSecondFactors(ctx, account.ActorOf(admin, "192.0.2.1"), admin.ID); !errors.Is(err, account.ErrSelfReset) {
			t.Errorf("self reset: %v, want ErrSelfReset", err)
		}
		if err := s.ResetSecondFactors(ctx, account.ActorOf(admin, "192.0.2.1"), tr.ID); err != nil {
			t.Fatal(err)
		}
		if fs, _ := s.Factors(ctx, tr.ID); len(fs) != 0 {
			t.Errorf("factors after reset = %v", fs)
		}
		if left, _ := s.RecoveryCodesLeft(ctx, tr.ID); left != 0 {
			t.Errorf("recovery codes after reset = %d", left)
		}
		if _, err := s.Session(ctx, live); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session after reset: %v, want ErrNoSession", err)
		}
		entries, _, err := s.Audit().List(ctx, account.Filter{Action: "account.factor_reset"}, 1)
		if err != nil || len(entries) != 1 || entries[0].ActorID != admin.ID {
			t.Errorf("audit of the reset: %+v %v", entries, err)
		}
		got := box.to(tr.Email)
		if len(got) == 0 || !strings.Contains(got[len(got)-1], "reset") {
			t.Errorf("notices to the owner = %q", got)
		}
		_, ss := session(t, s, tr)
		if s.Stage(ss) != account.StageSetUp {
			t.Errorf("stage after reset = %v, want StageSetUp", s.Stage(ss))
		}
	})
}

// TestSecondFactorPolicy: who must have a second factor under each policy.
func TestSecondFactorPolicy(t *testing.T) {
	d := dbtest.SQLite(t)
	for _, tc := range []struct {
		policy account.FactorPolicy
		roles  []account.Role
		want   bool
	}{
		{account.FactorPower, []account.Role{account.Admin}, true},
		{account.FactorPower, []account.Role{account.Treasurer}, true},
		{account.FactorPower, []account.Role{account.Secretary}, true},
		{account.FactorPower, []account.Role{account.Teller}, true},
		{account.FactorPower, []account.Role{account.Editor, account.Writer}, false},
		{account.FactorPower, []account.Role{account.Reader}, false},
		{account.FactorPower, []account.Role{account.Writer, account.Treasurer}, true},
		{account.FactorStaff, []account.Role{account.Writer}, true},
		{account.FactorStaff, []account.Role{account.Editor}, true},
		{account.FactorStaff, []account.Role{account.Reader}, false},
	} {
		s := account.New(d, account.Options{SecondFactor: tc.policy})
		if got := s.NeedsSecondFactor(account.Account{Roles: tc.roles}); got != tc.want {
			t.Errorf("%s, %v: needs = %v, want %v", tc.policy, tc.roles, got, tc.want)
		}
	}
	for in, want := range map[string]account.FactorPolicy{"": account.FactorPower, "power": account.FactorPower, " Staff ": account.FactorStaff} {
		if got, err := account.ParseFactorPolicy(in); err != nil || got != want {
			t.Errorf("ParseFactorPolicy(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"all", "none", "admins"} {
		if _, err := account.ParseFactorPolicy(bad); err == nil {
			t.Errorf("ParseFactorPolicy(%q) accepted", bad)
		}
	}
}
