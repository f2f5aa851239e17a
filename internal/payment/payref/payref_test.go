package payref

import (
	"errors"
	"strings"
	"testing"
)

// Every shape coopress writes reads back as what wrote it.
func TestFormatAndParseRoundTrip(t *testing.T) {
	cases := []struct {
		ref  Ref
		want string
	}{
		{GiftOf("pi_3QhY2fLkdIwHu7ix0qS4bZ8c"), "pi_3QhY2fLkdIwHu7ix0qS4bZ8c"},
		{GiftOf("pi_1"), "pi_1"},
		{GiftOf("pi_test_0042"), "pi_test_0042"},
		{KeptAfter("pi_1", 500), "pi_1~kept-after-refund-500"},
		{KeptAfter("pi_1", 1), "pi_1~kept-after-refund-1"},
		{KeptAfter("pi_a", 9223372036854775807), "pi_a~kept-after-refund-9223372036854775807"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			s, err := c.ref.Format()
			if err != nil || s != c.want {
				t.Fatalf("Format(%+v) = %q, %v; want %q", c.ref, s, err, c.want)
			}
			back, err := Parse(s)
			if err != nil || back != c.ref {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", s, back, err, c.ref)
			}
			if got := PaymentOf(s); got != c.ref.Payment {
				t.Errorf("PaymentOf(%q) = %q, want %q", s, got, c.ref.Payment)
			}
		})
	}
}

// A reference that is not in the format is refused rather than read as
// some payment's part, and names only itself as a payment.
func TestParseRefusesOtherShapes(t *testing.T) {
	for _, s := range []string{
		"",
		"~kept-after-refund-500",                       // no payment
		"pi_1~kept-after-refund-",                      // no total
		"pi_1~kept-after-refund-0",                     // nothing refunded
		"pi_1~kept-after-refund-0500",                  // not canonical
		"pi_1~kept-after-refund--5",                    // negative
		"pi_1~kept-after-refund-+5",                    // signed
		"pi_1~kept-after-refund-5 ",                    // trailing space
		"pi_1~kept-after-refund-5x",                    // trailing junk
		"pi_1~kept-after-refund-1e3",                   // not decimal
		"pi_1~kept-after-refund-9223372036854775808",   // overflows
		"pi_1~kept-after-refund-5~kept-after-refund-6", // twice
		"pi_1~kept-after-refund-٥",                     // Arabic-Indic digit
		"pi_1~something-else",                          // another suffix
		"pi_1~",                                        // bare separator
		"pi 1",                                         // space in the id
		" pi_1",                                        // leading space
		"pi_1\n",                                       // newline
		"pi_1\x00",                                     // NUL
		"pi_é",                                         // not ASCII
		"pi_1;DROP TABLE ledger_entries",               // punctuation
		"BACS 2024-11-03 J SMITH",                      // a treasurer's own reference
		strings.Repeat("a", maxPaymentLen+1),           // too long
	} {
		t.Run(s, func(t *testing.T) {
			if r, err := Parse(s); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) = %+v, %v; want ErrInvalid", s, r, err)
			}
			if got := PaymentOf(s); got != s {
				t.Errorf("PaymentOf(%q) = %q, want the reference itself", s, got)
			}
		})
	}
}

// Format refuses what Parse could not read back as the same Ref.
func TestFormatRefusesWhatCannotRoundTrip(t *testing.T) {
	for _, r := range []Ref{
		{},
		GiftOf(""),
		GiftOf("pi_1~kept-after-refund-5"), // an id posing as a kept part
		GiftOf("pi 1"),
		GiftOf(strings.Repeat("a", maxPaymentLen+1)),
		KeptAfter("pi_1", 0),
		KeptAfter("pi_1", -500),
		KeptAfter("", 500),
		{Payment: "pi_1", Kind: Gift, Refunded: 5},
		{Payment: "pi_1", Kind: Kind(9)},
	} {
		if s, err := r.Format(); !errors.Is(err, ErrInvalid) {
			t.Errorf("Format(%+v) = %q, %v; want ErrInvalid", r, s, err)
		}
	}
}
