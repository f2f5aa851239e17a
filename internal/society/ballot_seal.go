package society

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/valid"
)

// Sealing says whether a ballot's papers are sealed while it is open.
// OpenBallot takes one, and its zero value is neither, so a caller has
// to choose.
type Sealing int

// The two ways to open a ballot.
const (
	// Sealed encrypts every paper to a counting key made at the opening
	// and given to the secretary once: until the close, the database
	// holds no marks in clear. The recommended way.
	Sealed Sealing = iota + 1
	// Unsealed stores the marks in clear from the first vote: nothing is
	// lost if the counting key is, but anyone who reads the database or
	// a backup during the ballot can match papers to voters.
	Unsealed
)

// Sentinels for a close that cannot open the papers.
var (
	// ErrCountingKey: no counting key, or not this ballot's.
	ErrCountingKey = errors.New("society: wrong counting key")
	// ErrPaperBroken: a sealed paper does not open with the right key,
	// so it was altered after it was cast.
	ErrPaperBroken = errors.New("society: sealed paper altered")
)

// FieldCountingKey names the counting key in refusals.
const FieldCountingKey = "counting_key"

// The ciphersuite of sealed papers (RFC 9180): DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305, all in Go's standard
// library.
var (
	sealKEM  = hpke.DHKEM(ecdh.X25519())
	sealKDF  = hpke.HKDFSHA256()
	sealAEAD = hpke.ChaCha20Poly1305()
)

// A counting key is written as 35 bytes, the 32 of the private key and a
// 3-byte check, which is 56 characters of codeAlphabet in 14 groups of
// four: a typo is caught by the check before the key is tried.
const (
	countingKeyBytes = 32
	countingKeyCheck = 3
	countingKeyChars = (countingKeyBytes + countingKeyCheck) * 8 / 5
)

// CountingKey is the private half of a sealed ballot's key pair, which
// opens its papers at the close. The server never stores it; the zero
// CountingKey is no key, for an unsealed ballot.
type CountingKey struct{ key []byte }

// IsZero reports whether k is no key.
func (k CountingKey) IsZero() bool { return len(k.key) == 0 }

// String writes k with its check in groups of four, for printing.
func (k CountingKey) String() string {
	if k.IsZero() {
		return ""
	}
	return inGroups(codeEncoding.EncodeToString(slices.Concat(k.key, countingCheck(k.key))))
}

// countingCheck is the check written after a counting key.
func countingCheck(key []byte) []byte {
	h := sha256.Sum256(slices.Concat([]byte("coopress counting key\x00"), key))
	return h[:countingKeyCheck]
}

// ParseCountingKey reads a counting key as typed or pasted: the 14 groups
// alone, or the whole key file, whose other lines it skips. Spaces,
// dashes, case and the letters read as digits do not matter.
func ParseCountingKey(s string) (CountingKey, error) {
	var lines []string
	for line := range strings.Lines(s) {
		if n := normalise(strings.TrimSpace(line)); n != "" && strings.Trim(n, codeAlphabet) == "" {
			lines = append(lines, n)
		}
	}
	bad := func(msg string) (CountingKey, error) {
		return CountingKey{}, valid.Error{Field: FieldCountingKey, Cause: ErrCountingKey, Message: msg}
	}
	if len(lines) == 0 {
		if strings.TrimSpace(s) == "" {
			return bad("Give the ballot's counting key: the 14 groups of four letters and digits given when it opened.")
		}
		return bad("That is not a counting key: a counting key is 14 groups of four letters and digits.")
	}
	// The key alone on a line, as printed, or written over several.
	tries := append(lines, strings.Join(lines, ""))
	longest := slices.MaxFunc(lines, func(a, b string) int { return len(a) - len(b) })
	for _, n := range tries {
		if len(n) == countingKeyChars {
			raw, err := codeEncoding.DecodeString(n)
			if err == nil && bytes.Equal(raw[countingKeyBytes:], countingCheck(raw[:countingKeyBytes])) {
				return CountingKey{key: raw[:countingKeyBytes]}, nil
			}
			return bad("That counting key is mistyped: its last characters, a check on the others, do not match. " +
				"Copy it again from the printed key.")
		}
	}
	return bad(fmt.Sprintf("A counting key has %d letters and digits, in 14 groups of four; that has %d.", countingKeyChars, len(longest)))
}

// newCountingKey makes a ballot's key pair: the counting key and the
// public key that seals its papers.
func newCountingKey() (CountingKey, []byte, error) {
	priv, err := sealKEM.GenerateKey()
	if err != nil {
		return CountingKey{}, nil, fmt.Errorf("society: counting key: %w", err)
	}
	raw, err := priv.Bytes()
	if err != nil {
		return CountingKey{}, nil, fmt.Errorf("society: counting key: %w", err)
	}
	return CountingKey{key: raw}, priv.PublicKey().Bytes(), nil
}

// opener is the counting key checked against b's public key, ready to
// open its papers; a missing key or another ballot's is refused.
func (k CountingKey) opener(b Ballot) (hpke.PrivateKey, error) {
	refuse := func(msg string) (hpke.PrivateKey, error) {
		return nil, valid.Error{Field: FieldCountingKey, Cause: ErrCountingKey, Message: msg}
	}
	if len(b.sealKey) == 0 {
		if !k.IsZero() {
			return refuse("This ballot's papers were not sealed when it opened; it closes without a counting key.")
		}
		return nil, nil
	}
	if k.IsZero() {
		return refuse("This ballot's papers are sealed: give the counting key you were given when it opened, to open them for the count.")
	}
	priv, err := sealKEM.NewPrivateKey(k.key)
	if err != nil || !bytes.Equal(priv.PublicKey().Bytes(), b.sealKey) {
		return refuse("That is not this ballot's counting key: it does not open the papers of ballot " +
			strconv.FormatInt(b.ID, 10) + ". Check the ballot number written with the key.")
	}
	return priv, nil
}

// KeyFile is the counting key as a small text file to keep with the
// printed key: what it is, for which ballot, and how it is used.
func (k CountingKey) KeyFile(b Ballot) []byte {
	id := strconv.FormatInt(b.ID, 10)
	return []byte("Counting key of ballot " + id + ": " + b.Title + "\n\n" + k.String() + "\n\n" +
		"The ballot's papers are sealed to this key while voting is open, and the server does not keep it.\n" +
		"Without it the papers cannot be counted. Print it and keep it apart from the server, for example\n" +
		"with the scrutineer, until the ballot closes; then type it into the close form, or run\n" +
		"  coopress ballot close --id " + id + " --key-file THIS-FILE\n")
}

// sealInfo binds a sealed paper to its ballot: a paper copied into
// another ballot does not open there.
func sealInfo(ballotID int64) []byte {
	return []byte("coopress ballot paper\x00" + strconv.FormatInt(ballotID, 10))
}

// sealMarks seals a paper's marks text to b's public key, padded to the
// ballot's one length so that the sealed paper's size says nothing of the
// choices; the paper's key is bound in as associated data.
func sealMarks(b Ballot, paperID []byte, marks string) ([]byte, error) {
	n := paddedLen(b)
	if len(marks) > n {
		return nil, fmt.Errorf("society: marks of %d bytes exceed ballot %d's longest paper, %d", len(marks), b.ID, n)
	}
	pub, err := sealKEM.NewPublicKey(b.sealKey)
	if err != nil {
		return nil, fmt.Errorf("society: ballot %d's sealing key: %w", b.ID, err)
	}
	enc, sender, err := hpke.NewSender(pub, sealKDF, sealAEAD, sealInfo(b.ID))
	if err != nil {
		return nil, fmt.Errorf("society: seal paper: %w", err)
	}
	plain := make([]byte, n) // zero bytes after the marks, which never hold one
	copy(plain, marks)
	ct, err := sender.Seal(paperID, plain)
	if err != nil {
		return nil, fmt.Errorf("society: seal paper: %w", err)
	}
	return slices.Concat(enc, ct), nil
}

// encLen is the length of the encapsulated key before a sealed paper's
// ciphertext (X25519: 32 bytes).
const encLen = 32

// openMarks opens a sealed paper with the counting key; a paper that
// does not open was altered, or sealed for another ballot or paper.
func openMarks(b Ballot, priv hpke.PrivateKey, paperID, sealed []byte) (string, error) {
	broken := valid.Error{Field: FieldBallot, Cause: ErrPaperBroken,
		Message: "A sealed paper of this ballot does not open with its counting key: it was altered after it was cast. " +
			"Nothing was changed and the ballot is still open; keep the database as it is and tell the scrutineer."}
	if len(sealed) < encLen {
		return "", broken
	}
	r, err := hpke.NewRecipient(sealed[:encLen], priv, sealKDF, sealAEAD, sealInfo(b.ID))
	if err != nil {
		return "", broken
	}
	plain, err := r.Open(paperID, sealed[encLen:])
	if err != nil || len(plain) != paddedLen(b) {
		return "", broken
	}
	return string(bytes.TrimRight(plain, "\x00")), nil
}

// paddedLen is the length every sealed paper of b is padded to: its
// longest possible marks text (every motion marked "against", each block
// vote's seats and each STV election's every candidate, longest ids
// first), rounded up to 16 bytes.
func paddedLen(b Ballot) int {
	n, parts := 0, 0
	for _, m := range b.Motions {
		n += len("m=against") + len(strconv.FormatInt(m.ID, 10))
		parts++
	}
	for _, e := range b.Elections {
		ids := make([]int, len(e.Candidates))
		for i, c := range e.Candidates {
			ids[i] = len(strconv.FormatInt(c.ID, 10))
		}
		slices.Sort(ids)
		slices.Reverse(ids)
		if e.Method == Block {
			ids = ids[:min(e.Seats, len(ids))]
		}
		if len(ids) == 0 {
			continue
		}
		n += len("e=") + len(strconv.FormatInt(e.ID, 10)) + len(ids) - 1 // the commas
		for _, l := range ids {
			n += l
		}
		parts++
	}
	if parts > 1 {
		n += parts - 1 // the semicolons
	}
	return (n/16 + 1) * 16
}
