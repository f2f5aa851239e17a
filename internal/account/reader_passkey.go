package account

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/coopress/coopress/internal/db"
)

// ErrStaffPasskey refuses a reader's passkey for a staff account: it
// would also be that account's second factor, and a reader session proves
// only the mailbox. Staff add passkeys on their security page, after
// both steps; those passkeys sign them in to /account as well.
var ErrStaffPasskey = errors.New("account: staff add passkeys on the staff security page")

// A reader's passkey is a way to sign in instead of the emailed link.
// It is stored like a staff passkey (second_factors, kind 'passkey'), and
// must be discoverable — kept on the authenticator with the account's
// handle — since the reader names no account before using it.

// BeginReaderPasskey returns the options (JSON, for the browser's
// navigator.credentials.create) for adding a discoverable passkey to the
// account of the reader session ss.
func (s *Service) BeginReaderPasskey(ctx context.Context, ss Session) ([]byte, error) {
	if s.webauthn == nil {
		return nil, ErrNoPasskeys
	}
	if ss.Account.IsStaff() {
		return nil, ErrStaffPasskey
	}
	u, _, err := s.passkeyUser(ctx, s.db, ss.Account)
	if err != nil {
		return nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, len(u.creds))
	for i := range u.creds {
		exclude[i] = u.creds[i].Descriptor()
	}
	opts, data, err := s.webauthn.BeginRegistration(u, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired))
	if err != nil {
		return nil, fmt.Errorf("account: begin reader passkey: %w", err)
	}
	if err := s.storeChallenge(ctx, ss, "register", data); err != nil {
		return nil, fmt.Errorf("account: store passkey challenge: %w", err)
	}
	return json.Marshal(opts)
}

// FinishReaderPasskey checks the browser's answer to BeginReaderPasskey's
// challenge and stores the passkey as name, telling the owner by email.
// Unlike a staff factor it brings no recovery codes: the emailed link is
// always there.
func (s *Service) FinishReaderPasskey(ctx context.Context, by Actor, ss Session, name string, response []byte) error {
	if s.webauthn == nil {
		return ErrNoPasskeys
	}
	if ss.Account.IsStaff() {
		return ErrStaffPasskey
	}
	name, err := factorName(name, Passkey)
	if err != nil {
		return err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(bytes.NewReader(response))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrongCode, err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.storePasskey(ctx, tx, ss, name, parsed); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.reader_passkey_add", ObjectType: "account",
			ObjectID: fmt.Sprint(ss.Account.ID), After: factorView{Kind: Passkey}}); err != nil {
			return err
		}
		return s.tellOwner(ctx, tx, ss.Account, "A passkey was added to your account",
			fmt.Sprintf("A passkey called %q can now be used to sign in to your account.", name))
	})
}

// anonChallenge is the key a passkey sign-in's challenge is kept under
// before there is a session: the hash of a random token the browser keeps
// in a short-lived cookie, so that only it can answer.
func anonChallenge(token string) Session { return Session{ID: "signin:" + hashToken(token)} }

// BeginReaderPasskeySignIn starts a sign-in with any discoverable passkey
// of this site. It returns the options (JSON, for the browser's
// navigator.credentials.get) and a token that FinishReaderPasskeySignIn
// needs back, which the caller keeps in the browser.
func (s *Service) BeginReaderPasskeySignIn(ctx context.Context) ([]byte, string, error) {
	if s.webauthn == nil {
		return nil, "", ErrNoPasskeys
	}
	token, _, err := newToken()
	if err != nil {
		return nil, "", err
	}
	opts, data, err := s.webauthn.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", fmt.Errorf("account: begin passkey sign-in: %w", err)
	}
	if err := s.storeChallenge(ctx, anonChallenge(token), "signin", data); err != nil {
		return nil, "", fmt.Errorf("account: store passkey challenge: %w", err)
	}
	b, err := json.Marshal(opts)
	return b, token, err
}

// FinishReaderPasskeySignIn checks the browser's answer (response, JSON)
// to the challenge kept under challengeToken and starts a reader session
// for the passkey's account, ending the browser's old session (oldToken,
// if any). The challenge asked for user verification (PIN or biometric),
// which the library then requires, since the passkey stands alone; a cloned authenticator, an unknown
// or disabled account, and a challenge used twice are refused with
// ErrWrongCode.
func (s *Service) FinishReaderPasskeySignIn(ctx context.Context, challengeToken, oldToken string, response []byte, ip, userAgent string) (string, Session, error) {
	if s.webauthn == nil {
		return "", Session{}, ErrNoPasskeys
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(response))
	if err != nil || challengeToken == "" || len(challengeToken) > 100 {
		return "", Session{}, ErrWrongCode
	}
	var token string
	var ss Session
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		data, live, err := s.takeChallenge(ctx, tx, anonChallenge(challengeToken), "signin")
		if err != nil {
			return err
		}
		if !live {
			return ErrWrongCode
		}
		var found Account
		var stored []passkeyRow
		handler := func(_, userHandle []byte) (webauthn.User, error) {
			if len(userHandle) != 8 {
				return nil, ErrNotFound
			}
			a, err := byID(ctx, tx, int64(binary.BigEndian.Uint64(userHandle)))
			if err != nil {
				return nil, err
			}
			u, rows, err := s.passkeyUser(ctx, tx, a)
			found, stored = a, rows
			return u, err
		}
		cred, err := s.webauthn.ValidateDiscoverableLogin(handler, data, parsed)
		if err != nil || cred.Authenticator.CloneWarning || found.Disabled {
			return ErrWrongCode
		}
		updated := false
		for _, r := range stored {
			if !bytes.Equal(r.cred.ID, cred.ID) {
				continue
			}
			raw, err := json.Marshal(cred)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE second_factors SET credential = $1, last_used_at = $2 WHERE id = $3`,
				string(raw), db.UTC(s.now()), r.id); err != nil {
				return fmt.Errorf("account: update passkey %d: %w", r.id, err)
			}
			updated = true
		}
		if !updated {
			return ErrWrongCode
		}
		if oldToken != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(oldToken)); err != nil {
				return fmt.Errorf("account: end old session: %w", err)
			}
		}
		token, ss, err = s.insertSessionOf(ctx, tx, sessionReader, found, ip, userAgent, "")
		return err
	})
	return token, ss, err
}
