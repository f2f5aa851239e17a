package money

import (
	"errors"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		in   Money
		want string
	}{
		{New(504700, "GBP"), "£5,047"},
		{New(1296350, "GBP"), "£12,963.50"},
		{New(1296305, "GBP"), "£12,963.05"},
		{New(0, "GBP"), "£0"},
		{New(5, "GBP"), "£0.05"},
		{New(99, "GBP"), "£0.99"},
		{New(100000, "GBP"), "£1,000"},
		{New(99999, "GBP"), "£999.99"},
		{New(100000000, "GBP"), "£1,000,000"},
		{New(-2000, "GBP"), "-£20"},
		{New(-2050, "GBP"), "-£20.50"},
		{New(2000, "EUR"), "€20"},
		{New(123456789, "USD"), "$1,234,567.89"},
		{New(2000, "XYZ"), "XYZ20"},
		{New(math.MinInt64, "GBP"), "-£92,233,720,368,547,758.08"},
		{New(math.MaxInt64, "GBP"), "£92,233,720,368,547,758.07"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.Format(); got != tt.want {
				t.Errorf("Format(%d %s) = %q, want %q", tt.in.Minor, tt.in.Currency, got, tt.want)
			}
		})
	}
}

func TestFormatFull(t *testing.T) {
	for in, want := range map[int64]string{504700: "£5,047.00", 1296350: "£12,963.50", -2000: "-£20.00"} {
		if got := New(in, "GBP").FormatFull(); got != want {
			t.Errorf("FormatFull(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestAddSub(t *testing.T) {
	a, b := Major(18010, "GBP"), Major(5047, "GBP")
	diff, err := a.Sub(b)
	if err != nil || diff != Major(12963, "GBP") {
		t.Fatalf("Sub = %v, %v", diff, err)
	}
	sum, err := a.Add(b)
	if err != nil || sum != Major(23057, "GBP") {
		t.Fatalf("Add = %v, %v", sum, err)
	}
	tests := []struct {
		name    string
		op      func() (Money, error)
		wantErr error
	}{
		{"mixed add", func() (Money, error) { return a.Add(Major(1, "EUR")) }, ErrCurrencyMismatch},
		{"mixed sub", func() (Money, error) { return a.Sub(Major(1, "USD")) }, ErrCurrencyMismatch},
		{"overflow add", func() (Money, error) { return New(math.MaxInt64, "GBP").Add(New(1, "GBP")) }, ErrOverflow},
		{"overflow sub", func() (Money, error) { return New(math.MinInt64, "GBP").Sub(New(1, "GBP")) }, ErrOverflow},
		{"sub min", func() (Money, error) { return New(0, "GBP").Sub(New(math.MinInt64, "GBP")) }, ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.op(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	for _, c := range []string{"GBP", "EUR", "USD"} {
		if !Known(c) {
			t.Errorf("Known(%s) = false", c)
		}
	}
	if Known("gbp") || Known("JPY") || Known("") {
		t.Error("Known accepts an unsupported code")
	}
}

func TestPlain(t *testing.T) {
	for minor, want := range map[int64]string{0: "0.00", 5: "0.05", 50: "0.50", 504700: "5047.00", 1296350: "12963.50", -2000: "-20.00",
		-5: "-0.05", math.MinInt64: "-92233720368547758.08", math.MaxInt64: "92233720368547758.07"} {
		if got := New(minor, "GBP").Plain(); got != want {
			t.Errorf("Plain(%d) = %q, want %q", minor, got, want)
		}
	}
}
