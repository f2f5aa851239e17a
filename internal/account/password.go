package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters. They are written into every
// hash, so raising them later leaves old hashes verifiable.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHashParams follow RFC 9106's second recommendation and OWASP:
// 64 MiB, two passes, two lanes, about 50–100 ms on a server core.
func DefaultHashParams() HashParams { return HashParams{Memory: 64 * 1024, Time: 2, Threads: 2} }

// The password policy, after NIST SP 800-63B: long enough, no composition
// rules, and a ceiling so that hashing cannot be used to burn CPU.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 1000
)

// CheckPassword applies the password policy, returning a valid.Error
// for the "password" field.
func CheckPassword(pw string) error {
	bad := func(msg string) error { return valid.Error{Field: "password", Message: msg} }
	if !utf8.ValidString(pw) {
		return bad("Your password contains characters we could not read.")
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n == 0:
		return bad("Enter a password.")
	case n < MinPasswordLength:
		return bad(fmt.Sprintf("Use at least %d characters; a few ordinary words together make a good password.", MinPasswordLength))
	case n > MaxPasswordLength:
		return bad(fmt.Sprintf("Use at most %d characters.", MaxPasswordLength))
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return bad("Use more than one kind of character.")
	}
	return nil
}

// hashPassword returns pw's argon2id hash in the PHC string format that
// other tools read: $argon2id$v=19$m=65536,t=2,p=2$salt$key.
func hashPassword(pw string, p HashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("account: malformed password hash")

// verifyPassword reports whether pw matches hash, comparing in constant
// time. The cost comes from the hash itself, not from today's defaults.
func verifyPassword(pw, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	// Refuse absurd costs from a tampered row rather than run out of memory.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
