package account

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// challengeTTL is how long a browser has to answer a passkey prompt.
const challengeTTL = 5 * time.Minute

// ErrNoPasskeys is returned when passkeys are not available: the site's
// base URL is not set, or its host cannot carry them (browsers refuse an
// IP address; use a name, or localhost for a trial).
var ErrNoPasskeys = errors.New("account: passkeys need the site's base URL with a host name")

// newWebAuthn builds the relying party from the site's base URL, or
// returns nil when passkeys cannot work there.
func newWebAuthn(baseURL, siteName string) *webauthn.WebAuthn {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID: u.Hostname(), RPDisplayName: siteName, RPOrigins: []string{u.Scheme + "://" + u.Host},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementPreferred, UserVerification: protocol.VerificationPreferred,
		},
	})
	if err != nil {
		return nil
	}
	return wa
}

// PasskeysEnabled reports whether passkeys can be offered on this site.
func (s *Service) PasskeysEnabled() bool { return s.webauthn != nil }

// passkeyUser is an account as the WebAuthn library sees it.
type passkeyUser struct {
	a     Account
	creds []webauthn.Credential
}

// WebAuthnID is the user handle: the account id, which says nothing about
// the person to whoever holds the authenticator.
func (u passkeyUser) WebAuthnID() []byte { return binary.BigEndian.AppendUint64(nil, uint64(u.a.ID)) }

func (u passkeyUser) WebAuthnName() string                       { return u.a.Email }
func (u passkeyUser) WebAuthnDisplayName() string                { return u.a.Name }
func (u passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// passkeyRow is a stored passkey.
type passkeyRow struct {
	id   int64
	cred webauthn.Credential
}

func (s *Service) passkeyUser(ctx context.Context, q db.Queryer, a Account) (passkeyUser, []passkeyRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, credential FROM second_factors WHERE account_id = $1 AND kind = 'passkey' ORDER BY id`, a.ID)
	if err != nil {
		return passkeyUser{}, nil, fmt.Errorf("account: passkeys of %d: %w", a.ID, err)
	}
	defer rows.Close()
	u := passkeyUser{a: a}
	var stored []passkeyRow
	for rows.Next() {
		var r passkeyRow
		var raw string
		if err := rows.Scan(&r.id, &raw); err != nil {
			return passkeyUser{}, nil, err
		}
		if err := json.Unmarshal([]byte(raw), &r.cred); err != nil {
			return passkeyUser{}, nil, fmt.Errorf("account: read passkey %d: %w", r.id, err)
		}
		stored = append(stored, r)
		u.creds = append(u.creds, r.cred)
	}
	return u, stored, rows.Err()
}

// storeChallenge keeps the ceremony's session data for the session,
// replacing any earlier one of the same purpose.
func (s *Service) storeChallenge(ctx context.Context, ss Session, purpose string, data *webauthn.SessionData) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	now := db.UTC(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webauthn_challenges WHERE (session_id = $1 AND purpose = $2) OR expires_at <= $3`, ss.ID, purpose, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webauthn_challenges (session_id, purpose, data, expires_at) VALUES ($1, $2, $3, $4)`,
			ss.ID, purpose, string(raw), now.Add(challengeTTL))
		return err
	})
}

// takeChallenge reads and deletes the session's challenge for purpose in
// tx: each is answered at most once.
func (s *Service) takeChallenge(ctx context.Context, tx *sql.Tx, ss Session, purpose string) (webauthn.SessionData, bool, error) {
	var raw string
	var expires time.Time
	err := tx.QueryRowContext(ctx, `SELECT data, expires_at FROM webauthn_challenges WHERE session_id = $1 AND purpose = $2`, ss.ID, purpose).Scan(&raw, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return webauthn.SessionData{}, false, nil
	}
	if err != nil {
		return webauthn.SessionData{}, false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM webauthn_challenges WHERE session_id = $1 AND purpose = $2`, ss.ID, purpose); err != nil {
		return webauthn.SessionData{}, false, err
	}
	var data webauthn.SessionData
	if err := json.Unmarshal([]byte(raw), &data); err != nil {
		return webauthn.SessionData{}, false, err
	}
	return data, s.now().Before(expires), nil
}

// BeginPasskeyRegistration returns the options (JSON, for the browser's
// navigator.credentials.create) for adding a passkey to the session's
// account, whose existing passkeys are excluded.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, ss Session) ([]byte, error) {
	if s.webauthn == nil {
		return nil, ErrNoPasskeys
	}
	u, _, err := s.passkeyUser(ctx, s.db, ss.Account)
	if err != nil {
		return nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, len(u.creds))
	for i := range u.creds {
		exclude[i] = u.creds[i].Descriptor()
	}
	opts, data, err := s.webauthn.BeginRegistration(u, webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, fmt.Errorf("account: begin passkey registration: %w", err)
	}
	if err := s.storeChallenge(ctx, ss, "register", data); err != nil {
		return nil, fmt.Errorf("account: store passkey challenge: %w", err)
	}
	return json.Marshal(opts)
}

// FinishPasskeyRegistration checks the browser's answer (response, JSON)
// to the challenge of BeginPasskeyRegistration and stores the new passkey
// as name. Like a confirmed authenticator app, it marks the session as
// having given a second factor and returns recovery codes when the
// account has none.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, by Actor, token string, ss Session, name string, response []byte) ([]string, error) {
	if s.webauthn == nil {
		return nil, ErrNoPasskeys
	}
	name, err := factorName(name, Passkey)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(bytes.NewReader(response))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrongCode, err)
	}
	var codes []string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.storePasskey(ctx, tx, ss, name, parsed); err != nil {
			return err
		}
		codes, err = s.factorAdded(ctx, tx, by, token, ss.Account, Passkey, name)
		return err
	})
	return codes, err
}

// storePasskey checks the browser's answer to the session's registration
// challenge, spent here, and stores the passkey it made as name, in tx:
// the part of adding a passkey that staff (a second factor) and readers
// (a way to sign in) share.
func (s *Service) storePasskey(ctx context.Context, tx *sql.Tx, ss Session, name string, parsed *protocol.ParsedCredentialCreationData) error {
	data, live, err := s.takeChallenge(ctx, tx, ss, "register")
	if err != nil {
		return err
	}
	if !live {
		return fmt.Errorf("%w: no live passkey challenge for this session", ErrWrongCode)
	}
	u, _, err := s.passkeyUser(ctx, tx, ss.Account)
	if err != nil {
		return err
	}
	cred, err := s.webauthn.CreateCredential(u, data, parsed)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrongCode, err)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	now := db.UTC(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO second_factors (account_id, kind, name, credential_id, credential, confirmed_at, created_at)
		VALUES ($1, 'passkey', $2, $3, $4, $5, $5)`, ss.Account.ID, name, base64.RawURLEncoding.EncodeToString(cred.ID), string(raw), now); err != nil {
		if db.IsUniqueViolation(err) {
			return fmt.Errorf("%w: that passkey is already registered", ErrWrongCode)
		}
		return fmt.Errorf("account: store passkey: %w", err)
	}
	return nil
}

// BeginPasskeySignIn returns the options (JSON, for the browser's
// navigator.credentials.get) for completing the half-signed-in session
// with one of its account's passkeys.
func (s *Service) BeginPasskeySignIn(ctx context.Context, ss Session) ([]byte, error) {
	if s.webauthn == nil {
		return nil, ErrNoPasskeys
	}
	u, _, err := s.passkeyUser(ctx, s.db, ss.Account)
	if err != nil {
		return nil, err
	}
	if len(u.creds) == 0 {
		return nil, ErrNotFound
	}
	opts, data, err := s.webauthn.BeginLogin(u)
	if err != nil {
		return nil, fmt.Errorf("account: begin passkey sign-in: %w", err)
	}
	if err := s.storeChallenge(ctx, ss, "signin", data); err != nil {
		return nil, fmt.Errorf("account: store passkey challenge: %w", err)
	}
	return json.Marshal(opts)
}

// FinishPasskeySignIn checks the browser's answer (response, JSON) to the
// challenge of BeginPasskeySignIn, updates the passkey's counter and
// flags, and returns the token of the completed session. An assertion
// whose counter went backwards (a cloned authenticator) is refused.
func (s *Service) FinishPasskeySignIn(ctx context.Context, token string, ss Session, response []byte) (string, error) {
	if s.webauthn == nil {
		return "", ErrNoPasskeys
	}
	parsed, perr := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(response))
	return s.verifyFactor(ctx, token, ss, Passkey, func(tx *sql.Tx) (bool, error) {
		data, live, err := s.takeChallenge(ctx, tx, ss, "signin")
		if err != nil || !live || perr != nil {
			return false, err
		}
		u, stored, err := s.passkeyUser(ctx, tx, ss.Account)
		if err != nil {
			return false, err
		}
		cred, err := s.webauthn.ValidateLogin(u, data, parsed)
		if err != nil || cred.Authenticator.CloneWarning {
			return false, nil
		}
		for _, r := range stored {
			if !bytes.Equal(r.cred.ID, cred.ID) {
				continue
			}
			raw, err := json.Marshal(cred)
			if err != nil {
				return false, err
			}
			_, err = tx.ExecContext(ctx, `UPDATE second_factors SET credential = $1, last_used_at = $2 WHERE id = $3`, string(raw), db.UTC(s.now()), r.id)
			return err == nil, err
		}
		return false, nil
	})
}
