package society

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// codeAlphabet is Crockford's base 32: no I, L, O or U, so a code copied
// from paper is not misread, and the reader folds the look-alikes.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var codeEncoding = base32.NewEncoding(codeAlphabet).WithPadding(base32.NoPadding)

// Hash prefixes keep each use of a secret apart: the same receipt hashed
// for the voter's row and for the paper gives two values that match only
// for someone who holds the receipt.
const (
	hashCode         = "coopress voting code\x00"
	hashReceiptPaper = "coopress receipt paper\x00"
	hashReceiptVoter = "coopress receipt voter\x00"
)

// newSecret is n random bytes written in codeAlphabet, in groups of
// four for reading aloud or typing from paper.
func newSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return inGroups(codeEncoding.EncodeToString(b))
}

// inGroups writes s in groups of four joined by dashes.
func inGroups(s string) string {
	var out strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteRune(r)
	}
	return out.String()
}

// newPaperID is a paper's 128 random bits.
func newPaperID() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return b
}

// normalise reads a typed code or receipt: spaces and dashes dropped,
// upper case, and the letters people confuse with digits read as the
// digits.
func normalise(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t':
			return -1
		case 'O', 'o':
			return '0'
		case 'I', 'i', 'L', 'l':
			return '1'
		}
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// secretHash is the hash stored for a code or receipt under prefix; the
// secret itself is never stored. Codes carry 80 random bits and receipts
// 128, so a plain SHA-256 cannot be reversed by trying them.
func secretHash(prefix, secret string) []byte {
	h := sha256.Sum256([]byte(prefix + normalise(secret)))
	return h[:]
}

// Voting codes have 80 bits (16 characters), receipts 128 (26).
const (
	codeBytes    = 10
	receiptBytes = 16
)
