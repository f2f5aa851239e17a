package society_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// TestParseApplication: every bad field is refused beside itself with a
// message saying what to write, and a good application is priced at the
// nominal value.
func TestParseApplication(t *testing.T) {
	r := society.DefaultRules()
	r.MaxIndividual = 20_000_00 // a society whose rules set £20,000
	r.MinimumShares = 10
	good := society.ApplicationInput{Name: "Ann Jones", Address: "1 High St\nLeeds LS1 1AA", Email: "ann@example.org",
		Shares: "250", PayBy: "card"}
	with := func(f func(*society.ApplicationInput)) society.ApplicationInput { in := good; f(&in); return in }
	long := strings.Repeat("x", 501)
	for _, tc := range []struct {
		name  string
		in    society.ApplicationInput
		field string
		want  string
	}{
		{"zero shares", with(func(in *society.ApplicationInput) { in.Shares = "0" }), society.FieldShares, "at least one"},
		{"negative shares", with(func(in *society.ApplicationInput) { in.Shares = "-5" }), society.FieldShares, "whole number from 10 up"},
		{"fractional shares", with(func(in *society.ApplicationInput) { in.Shares = "12.5" }), society.FieldShares, "whole number"},
		{"words", with(func(in *society.ApplicationInput) { in.Shares = "lots" }), society.FieldShares, "in figures"},
		{"no shares", with(func(in *society.ApplicationInput) { in.Shares = "" }), society.FieldShares, "how many"},
		{"below the minimum", with(func(in *society.ApplicationInput) { in.Shares = "9" }), society.FieldShares, "smallest holding the rules allow is 10 shares (£10)"},
		{"over an individual's cap", with(func(in *society.ApplicationInput) { in.Shares = "20001" }), society.FieldShares, "at most 20,000 shares (£20,000)"},
		{"empty address", with(func(in *society.ApplicationInput) { in.Address = "  " }), society.FieldAddress, "Enter your postal address"},
		{"address too long", with(func(in *society.ApplicationInput) { in.Address = long }), society.FieldAddress, "500 characters"},
		{"empty name", with(func(in *society.ApplicationInput) { in.Name = "" }), society.FieldName, "Enter your name"},
		{"bad email", with(func(in *society.ApplicationInput) { in.Email = "ann at example" }), society.FieldEmail, "name@example.org"},
		{"use without email", with(func(in *society.ApplicationInput) { in.Email, in.EmailUse = "", "notices" }), society.FieldEmailUse, "Give an email"},
		{"unknown class", with(func(in *society.ApplicationInput) { in.Class = "club" }), society.FieldClass, "individual or for an organisation"},
		{"no way to pay", with(func(in *society.ApplicationInput) { in.PayBy = "" }), society.FieldPayBy, "how you will pay"},
		{"cash", with(func(in *society.ApplicationInput) { in.PayBy = "cash" }), society.FieldPayBy, "how you will pay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := society.ParseApplication(tc.in, r)
			errs := valid.All(err)
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Message, tc.want) {
				t.Fatalf("got %+v, want one error on %s saying %q", errs, tc.field, tc.want)
			}
		})
	}
	a, err := society.ParseApplication(good, r)
	if err != nil || a.Shares != 250 || a.Amount.Minor != 250_00 || a.Class != society.Individual || a.PayBy != society.PayCard ||
		a.Contact.EmailUse != society.EmailNotices {
		t.Fatalf("good application: %+v, %v", a, err)
	}
	// Organisations are not capped unless the rules say so.
	org, err := society.ParseApplication(with(func(in *society.ApplicationInput) { in.Class, in.Shares = "organisation", "500000" }), r)
	if err != nil || org.Amount.Minor != 500_000_00 {
		t.Fatalf("organisation: %+v, %v", org, err)
	}
	r.MaxOrganisation = 100_000_00
	_, err = society.ParseApplication(with(func(in *society.ApplicationInput) { in.Class, in.Shares = "organisation", "500000" }), r)
	if !errors.Is(err, society.ErrOverCap) {
		t.Fatalf("organisation over its cap: %v", err)
	}
}
