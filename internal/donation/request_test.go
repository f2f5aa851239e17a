package donation

import (
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

func TestNewRequest(t *testing.T) {
	limits := Limits{Min: money.Major(1, "GBP"), Max: money.Major(10000, "GBP")}
	long := strings.Repeat("é", 201)
	cases := []struct {
		name  string
		in    Input
		want  money.Money       // when there is no error
		field map[string]string // field → a word its message must hold
	}{
		{"suggested amount", Input{Amount: "10"}, money.Major(10, "GBP"), nil},
		{"pounds and pence", Input{Amount: " 15.50 ", Currency: "gbp"}, money.New(1550, "GBP"), nil},
		{"with the sign", Input{Amount: "£25"}, money.Major(25, "GBP"), nil},
		{"the smallest", Input{Amount: "1"}, money.Major(1, "GBP"), nil},
		{"the largest", Input{Amount: "10000"}, money.Major(10000, "GBP"), nil},
		{"empty", Input{}, money.Money{}, map[string]string{"amount": "Choose"}},
		{"words", Input{Amount: "ten"}, money.Money{}, map[string]string{"amount": "number"}},
		{"three decimals", Input{Amount: "5.555"}, money.Money{}, map[string]string{"amount": "two figures"}},
		{"zero", Input{Amount: "0"}, money.Money{}, map[string]string{"amount": "at least £1"}},
		{"negative", Input{Amount: "-5"}, money.Money{}, map[string]string{"amount": ""}},
		{"under the minimum", Input{Amount: "0.50"}, money.Money{}, map[string]string{"amount": "smallest"}},
		{"over the maximum", Input{Amount: "10000.01"}, money.Money{}, map[string]string{"amount": "bank transfer"}},
		{"absurdly large", Input{Amount: "99999999999999999999"}, money.Money{}, map[string]string{"amount": "up to"}},
		{"other currency sign", Input{Amount: "€20"}, money.Money{}, map[string]string{"amount": "GBP only"}},
		{"other currency field", Input{Amount: "20", Currency: "EUR"}, money.Money{}, map[string]string{"amount": "GBP only"}},
		{"every field wrong at once", Input{Amount: "x", Name: long, Email: "not an address", Town: long,
			Message: strings.Repeat("a", 501)}, money.Money{},
			map[string]string{"amount": "number", "name": "200", "email": "name@example.com", "town": "200", "message": "500"}},
		{"email without @", Input{Amount: "5", Email: "jo.example.com"}, money.Money{}, map[string]string{"email": "like"}},
		{"email with a comma", Input{Amount: "5", Email: "a@b.test,c@d.test"}, money.Money{}, map[string]string{"email": "like"}},
		{"not UTF-8", Input{Amount: "5", Name: "\xff"}, money.Money{}, map[string]string{"name": "characters"}},
		{"200 characters is fine", Input{Amount: "5", Name: strings.Repeat("é", 200)}, money.Major(5, "GBP"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewRequest(c.in, limits)
			got := map[string]string{}
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range joined.Unwrap() {
					v, ok := valid.As(e)
					if !ok {
						t.Fatalf("%v is not a valid.Error", e)
					}
					got[v.Field] = v.Message
				}
			} else if err != nil {
				t.Fatalf("error %v does not join field errors", err)
			}
			if len(got) != len(c.field) {
				t.Fatalf("errors %v, want fields %v", got, c.field)
			}
			for f, word := range c.field {
				if !strings.Contains(got[f], word) {
					t.Errorf("%s: %q does not say %q", f, got[f], word)
				}
			}
			if c.field == nil && r.Amount != c.want {
				t.Errorf("amount %v, want %v", r.Amount, c.want)
			}
		})
	}
}

func TestNewRequestTrimsAndKeepsTheDonorsWords(t *testing.T) {
	r, err := NewRequest(Input{Amount: "5", Name: "  Jo  ", Email: " jo@example.test ", Town: " Leeds ",
		Message: " Keep going ", Public: true}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := Request{Amount: money.Major(5, "GBP"), Name: "Jo", Email: "jo@example.test", Town: "Leeds",
		Message: "Keep going", Public: true}
	if r != want {
		t.Fatalf("got %+v, want %+v", r, want)
	}
	if _, err := NewRequest(Input{Amount: "20000"}, Limits{}); err == nil {
		t.Fatal("the default limits let £20,000 through")
	}
}
