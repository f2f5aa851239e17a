package fund

import (
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// TestParseTarget: the one rule for a month's target, shared by the
// treasurer's form and `coopress fund target`. A target may be far above
// one gift's cap, and every refusal names the field "target".
func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		typed     string
		wantMinor int64
		wantMsg   string
		wantIs    error
	}{
		{"18010", 1801000, "", nil},
		{" 18,010.50 ", 1801050, "", nil},
		{"2000000", 200000000, "", nil}, // above a gift's £1,000,000 cap
		{"1000000000", MaxTarget, "", nil},
		{"1000000000.01", 0, "the most a month's target can be", money.ErrTooLarge},
		{"0", 0, "more than zero", money.ErrNotPositive},
		{"-5", 0, "", nil},
		{"", 0, "Enter the amount", money.ErrEmpty},
		{"12.345", 0, "two decimal places", money.ErrTooPrecise},
		{"ten pounds", 0, "in figures", nil},
		{"€20", 0, "", nil},
	} {
		t.Run(c.typed, func(t *testing.T) {
			m, err := ParseTarget(c.typed, "GBP")
			if c.wantMinor != 0 {
				if err != nil || m.Minor != c.wantMinor || m.Currency != "GBP" {
					t.Fatalf("ParseTarget(%q) = %v, %v; want %d GBP", c.typed, m, err, c.wantMinor)
				}
				return
			}
			v, ok := valid.As(err)
			if !ok || v.Field != "target" {
				t.Fatalf("ParseTarget(%q) = %v, %v; want a valid.Error on target", c.typed, m, err)
			}
			if !strings.Contains(v.Message, c.wantMsg) {
				t.Errorf("message %q; want it to contain %q", v.Message, c.wantMsg)
			}
			if c.wantIs != nil && !errors.Is(err, c.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, c.wantIs)
			}
		})
	}
}
