package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/valid"
)

// FactorPolicy says whose accounts must have a second factor before they
// may use the staff area.
type FactorPolicy string

// The policies. Whatever the policy, an account that has a second factor
// is asked for it at every sign-in.
const (
	// FactorPower requires one of the holders of PowerRoles: admin,
	// treasurer, secretary and teller, who can change accounts, money,
	// the register and votes. The default.
	FactorPower FactorPolicy = "power"
	// FactorStaff requires one of every member of staff.
	FactorStaff FactorPolicy = "staff"
)

// ParseFactorPolicy reads the setting's value, refusing anything else.
func ParseFactorPolicy(s string) (FactorPolicy, error) {
	switch p := FactorPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return FactorPower, nil
	case FactorPower, FactorStaff:
		return p, nil
	}
	return "", fmt.Errorf("second factor policy %q is not known; use power (admins, treasurers, secretaries and tellers) or staff (every member of staff)", s)
}

// FactorKind is a kind of second factor.
type FactorKind string

// The kinds of second factor, and the recovery code that stands in for
// one, as a session records what completed it.
const (
	TOTP     FactorKind = "totp"
	Passkey  FactorKind = "passkey"
	Recovery FactorKind = "recovery"
)

// Factor is one confirmed passkey or authenticator app.
type Factor struct {
	ID         int64
	Kind       FactorKind
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero if never used to sign in
}

// Stage is how far a session has got through signing in.
type Stage int

// The stages of a session.
const (
	// StageDone: signed in; the session may use what its roles allow.
	StageDone Stage = iota
	// StageSecondFactor: the password (or a link) was right and the
	// account has a second factor, which must come next.
	StageSecondFactor
	// StageSetUp: the account must have a second factor and has none;
	// setting one up is all the session may do.
	StageSetUp
)

// ErrWrongCode is returned for a code that is not the one expected, or
// that was used before.
var ErrWrongCode = errors.New("account: that code is not right")

// ErrSelfReset is the Cause of the refusal of an admin resetting their own
// second factors: someone else must, so that two people know of it.
var ErrSelfReset = errors.New("account: cannot reset one's own second factors")

// NeedsSecondFactor reports whether the policy requires a of a second factor.
func (s *Service) NeedsSecondFactor(a Account) bool {
	if s.opt.SecondFactor == FactorStaff && a.IsStaff() {
		return true
	}
	return a.HasAny(PowerRoles()...)
}

// Stage says what the session still needs before it is signed in.
func (s *Service) Stage(ss Session) Stage {
	switch {
	case ss.SecondFactor != "":
		return StageDone
	case ss.Account.SecondFactors > 0:
		return StageSecondFactor
	case s.NeedsSecondFactor(ss.Account):
		return StageSetUp
	}
	return StageDone
}

// FactorKey is the rate-limit key for second-factor codes of one account:
// whoever has the password may open many sessions, so the limit is the
// account's.
func FactorKey(accountID int64) string { return fmt.Sprintf("factor:%d", accountID) }

// Factors lists the account's confirmed second factors, oldest first.
func (s *Service) Factors(ctx context.Context, accountID int64) ([]Factor, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, name, created_at, last_used_at FROM second_factors
		WHERE account_id = $1 AND confirmed_at IS NOT NULL ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("account: factors of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []Factor
	for rows.Next() {
		var f Factor
		var used sql.NullTime
		if err := rows.Scan(&f.ID, &f.Kind, &f.Name, &f.CreatedAt, &used); err != nil {
			return nil, fmt.Errorf("account: factors of %d: %w", accountID, err)
		}
		f.CreatedAt, f.LastUsedAt = f.CreatedAt.UTC(), used.Time.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// factorName checks the name a person gives a factor.
func factorName(name string, kind FactorKind) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		if kind == TOTP {
			return "Authenticator app", nil
		}
		return "Passkey", nil
	}
	if len([]rune(name)) > 60 {
		return "", valid.Error{Field: "name", Message: "The name is too long: use at most 60 characters."}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", valid.Error{Field: "name", Message: "The name contains characters we could not read."}
		}
	}
	return name, nil
}

// RemoveFactor takes one of a's second factors away. The last factor of
// an account that must have one cannot be removed: add another first, or
// ask an admin to reset them.
func (s *Service) RemoveFactor(ctx context.Context, by Actor, a Account, factorID int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var f Factor
		err := tx.QueryRowContext(ctx, `SELECT id, kind, name FROM second_factors
			WHERE id = $1 AND account_id = $2 AND confirmed_at IS NOT NULL`, factorID, a.ID).Scan(&f.ID, &f.Kind, &f.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("account: read factor %d: %w", factorID, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM second_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL`, a.ID).Scan(&n); err != nil {
			return fmt.Errorf("account: count factors of %d: %w", a.ID, err)
		}
		if n <= 1 && s.NeedsSecondFactor(a) {
			return valid.Error{Field: "factor", Message: fmt.Sprintf(
				"%q is your only second factor, and your roles need one. Add another before removing this one.", f.Name)}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM second_factors WHERE id = $1`, f.ID); err != nil {
			return fmt.Errorf("account: remove factor %d: %w", f.ID, err)
		}
		if n <= 1 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = $1`, a.ID); err != nil {
				return fmt.Errorf("account: drop recovery codes of %d: %w", a.ID, err)
			}
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.factor_remove", ObjectType: "account",
			ObjectID: fmt.Sprint(a.ID), Before: factorView{Kind: f.Kind, Name: f.Name}}); err != nil {
			return err
		}
		return s.tellOwner(ctx, tx, a, "A second factor was removed from your account",
			fmt.Sprintf("%q (%s) can no longer be used to sign in to your account.", f.Name, kindWords(f.Kind)))
	})
}

// ResetSecondFactors removes every second factor and recovery code of the
// account and ends its sessions, for a person who has lost them all. An
// admin does it for someone else, never for themselves; it is audited and
// the owner is told by email. Their next sign-in asks them to set up a
// new factor.
func (s *Service) ResetSecondFactors(ctx context.Context, by Actor, accountID int64) error {
	if by.ID != 0 && by.ID == accountID {
		return valid.Error{Field: "factor", Cause: ErrSelfReset, Message: "You cannot reset your own second factors; use a recovery code, or ask another admin."}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		a, err := byID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM second_factors WHERE account_id = $1`, `DELETE FROM recovery_codes WHERE account_id = $1`,
			`DELETE FROM webauthn_challenges WHERE session_id IN (SELECT id FROM sessions WHERE account_id = $1)`,
			`DELETE FROM sessions WHERE account_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, accountID); err != nil {
				return fmt.Errorf("account: reset second factors of %d: %w", accountID, err)
			}
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.factor_reset", ObjectType: "account",
			ObjectID: fmt.Sprint(accountID), Before: map[string]int{"factors": a.SecondFactors}}); err != nil {
			return err
		}
		who := by.Name
		if who == "" {
			who = "the operator"
		}
		return s.tellOwner(ctx, tx, a, "Your second factors were reset",
			fmt.Sprintf("%s removed every passkey, authenticator app and recovery code from your account and signed it out everywhere. "+
				"When you next sign in you will be asked to set up a new second factor.", who))
	})
}

// factorView is what the audit log keeps of a factor.
type factorView struct {
	Kind FactorKind `json:"kind"`
	Name string     `json:"name"`
}

func kindWords(k FactorKind) string {
	switch k {
	case TOTP:
		return "authenticator app"
	case Passkey:
		return "passkey"
	}
	return "recovery code"
}

// tellOwner queues a notice to the account's owner about a change to how
// they sign in, in tx, so it is sent if and only if the change is kept.
// Without mail set up the change is still audited.
func (s *Service) tellOwner(ctx context.Context, tx *sql.Tx, a Account, subject, what string) error {
	if s.opt.Mail == nil {
		return nil
	}
	site := s.opt.SiteName
	if site == "" {
		site = "coopress"
	}
	_, err := s.opt.Mail.EnqueueTx(ctx, tx, mail.Message{To: a.Email, Kind: "second_factor", Subject: subject + " (" + site + ")",
		Text: fmt.Sprintf("Hello %s,\n\n%s\n\nIf this was you, there is nothing to do. If not, tell an admin of %s at once "+
			"and change your password.\n", a.Name, what, site)})
	if err != nil {
		return fmt.Errorf("account: notice to %d: %w", a.ID, err)
	}
	return nil
}

// completeSession replaces the session ss (token oldToken) by a new one
// marked as completed by kind, so that the id which was enough before the
// second factor is worth nothing after it. Challenges of the old session
// go with it.
func (s *Service) completeSession(ctx context.Context, tx *sql.Tx, oldToken string, ss Session, kind FactorKind) (string, error) {
	if ss.Reader {
		// A reader session began with a link, not the password: a second
		// factor on top of it must not make a staff session.
		return "", ErrNoSession
	}
	old := hashToken(oldToken)
	if _, err := tx.ExecContext(ctx, `DELETE FROM webauthn_challenges WHERE session_id = $1`, old); err != nil {
		return "", fmt.Errorf("account: end challenges: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND account_id = $2`, old, ss.Account.ID)
	if err != nil {
		return "", fmt.Errorf("account: end half-signed-in session: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", ErrNoSession
	}
	token, _, err := s.insertSession(ctx, tx, ss.Account, ss.IP, ss.UserAgent, kind)
	return token, err
}

// markSession records on the live session oldToken that it has given
// kind: what setting up a factor proves, since its code or passkey was
// just used.
func markSession(ctx context.Context, tx *sql.Tx, token string, kind FactorKind) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET second_factor = $1 WHERE id = $2 AND second_factor = ''`, string(kind), hashToken(token)); err != nil {
		return fmt.Errorf("account: mark session: %w", err)
	}
	return nil
}

// insertSession writes a new session for a, completed by factor (empty
// for none yet), and returns its token.
func (s *Service) insertSession(ctx context.Context, q db.Queryer, a Account, ip, userAgent string, factor FactorKind) (string, Session, error) {
	return s.insertSessionOf(ctx, q, sessionStaff, a, ip, userAgent, factor)
}

// insertSessionOf writes a new session of kind (sessionStaff or
// sessionReader) for a.
func (s *Service) insertSessionOf(ctx context.Context, q db.Queryer, kind string, a Account, ip, userAgent string, factor FactorKind) (string, Session, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", Session{}, err
	}
	now := db.UTC(s.now())
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	ss := Session{ID: hash, Account: a, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionMax), LastSeenAt: now, IP: ip,
		UserAgent: userAgent, SecondFactor: factor, Reader: kind == sessionReader}
	_, err = q.ExecContext(ctx, `INSERT INTO sessions (id, account_id, created_at, expires_at, last_seen_at, ip, user_agent, second_factor, kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, hash, a.ID, ss.CreatedAt, ss.ExpiresAt, ss.LastSeenAt, ip, userAgent, string(factor), kind)
	if err != nil {
		return "", Session{}, fmt.Errorf("account: new session for %d: %w", a.ID, err)
	}
	return token, ss, nil
}
