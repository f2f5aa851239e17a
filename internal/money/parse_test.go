package money

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		currency string
		want     int64
		wantErr  error
	}{
		{"20", "GBP", 2000, nil},
		{"20.00", "GBP", 2000, nil},
		{"20.5", "GBP", 2050, nil},
		{"20.05", "GBP", 2005, nil},
		{"£1,250.5", "GBP", 125050, nil},
		{"  £20  ", "GBP", 2000, nil},
		{"£ 20", "GBP", 2000, nil},
		{"0.01", "GBP", 1, nil},
		{".50", "GBP", 50, nil},
		{"1,000,000", "GBP", 100000000, nil},
		{"20 GBP", "GBP", 2000, nil},
		{"gbp20", "GBP", 2000, nil},
		{"+20", "GBP", 2000, nil},
		{"€20", "EUR", 2000, nil},
		{"$1,234.56", "USD", 123456, nil},
		{"20", "", 2000, nil},
		{"", "GBP", 0, ErrEmpty},
		{"   ", "GBP", 0, ErrEmpty},
		{"0", "GBP", 0, ErrNotPositive},
		{"0.00", "GBP", 0, ErrNotPositive},
		{"£0", "GBP", 0, ErrNotPositive},
		{"-20", "GBP", 0, ErrNotPositive},
		{"−20", "GBP", 0, ErrNotPositive},
		{"-£20", "GBP", 0, ErrNotPositive},
		{"£-20", "GBP", 0, ErrNotPositive},
		{"-99999999999", "GBP", 0, ErrNotPositive},
		{"1.234", "GBP", 0, ErrTooPrecise},
		{"0.001", "GBP", 0, ErrTooPrecise},
		{"1,000,000.01", "GBP", 0, ErrTooLarge},
		{"99999999999999999999999", "GBP", 0, ErrTooLarge},
		{"abc", "GBP", 0, ErrNotNumber},
		{"20p", "GBP", 0, ErrNotNumber},
		{"1e3", "GBP", 0, ErrNotNumber},
		{"12,50", "GBP", 0, ErrNotNumber},
		{"1,2345", "GBP", 0, ErrNotNumber},
		{",100", "GBP", 0, ErrNotNumber},
		{"1,000.", "GBP", 0, ErrNotNumber},
		{".", "GBP", 0, ErrNotNumber},
		{"1.2.3", "GBP", 0, ErrNotNumber},
		{"NaN", "GBP", 0, ErrNotNumber},
		{"$20", "GBP", 0, ErrCurrency},
		{"20 EUR", "GBP", 0, ErrCurrency},
		{"20", "JPY", 0, ErrCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.currency, func(t *testing.T) {
			got, err := Parse(tt.in, tt.currency)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Parse(%q) = %v, %v; want error %v", tt.in, got, err, tt.wantErr)
				}
				var pe *ParseError
				if !errors.As(err, &pe) || err.Error() == "" {
					t.Fatalf("error %v is not a *ParseError with a message", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			cur := tt.currency
			if cur == "" {
				cur = DefaultCurrency
			}
			if got != New(tt.want, cur) {
				t.Fatalf("Parse(%q) = %+v, want %d %s", tt.in, got, tt.want, cur)
			}
		})
	}
}

func TestParseMessages(t *testing.T) {
	tests := map[string]string{
		"1.234":       `amount "1.234" has more than two decimal places`,
		"2000000":     "the most accepted is £1,000,000",
		"0":           "must be more than zero",
		"":            "enter an amount",
		"$5":          "written in USD but the fund is in GBP",
		"twenty quid": `amount "twenty quid" not a number`,
	}
	for in, want := range tests {
		_, err := Parse(in, "GBP")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", in, err, want)
		}
	}
}

func TestParseLimit(t *testing.T) {
	if _, err := ParseLimit("500.01", "GBP", 50000); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if m, err := ParseLimit("500", "GBP", 50000); err != nil || m.Minor != 50000 {
		t.Fatalf("at the limit: %v %v", m, err)
	}
}

// FuzzParse checks that Parse never panics, never returns a non-positive or
// over-limit amount, and that whatever it accepts survives Format and Parse
// again unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"20", "£1,250.5", "0.01", "1,000,000", "-5", "1.234", "€3", "12,50", ".5", "£ 9,999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s, "GBP")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is not a *ParseError", s, err)
			}
			return
		}
		if m.Minor <= 0 || m.Minor > MaxEntry || m.Currency != "GBP" {
			t.Fatalf("Parse(%q) = %+v out of range", s, m)
		}
		for _, text := range []string{m.Format(), m.FormatFull()} {
			back, err := Parse(text, "GBP")
			if err != nil || back != m {
				t.Fatalf("Parse(%q) = %+v; Format gives %q which parses to %+v, %v", s, m, text, back, err)
			}
		}
	})
}
