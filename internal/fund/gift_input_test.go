package fund_test

import (
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// typed is a gift as the treasurer types a good one, changed by opts.
func typed(opts ...func(*fund.GiftInput)) fund.GiftInput {
	in := fund.GiftInput{Amount: "20", Method: "cheque", Date: "2024-11-04", Name: "Jane Smith",
		Town: "Leeds", Email: "jane@example.org", Public: "yes", PublicName: "J Smith", Message: "Keep going",
		Reference: "chq-100234"}
	for _, o := range opts {
		o(&in)
	}
	return in
}

func TestParseGiftGood(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	base := fund.Entry{Amount: gbp(20), Method: fund.Cheque, DonorName: "Jane Smith", DonorEmail: "jane@example.org",
		DonorTown: "Leeds", Public: true, PublicName: "J Smith", Message: "Keep going", ProviderRef: "chq-100234",
		ReceivedAt: time.Date(2024, 11, 4, 0, 0, 0, 0, loc)}
	tests := []struct {
		name string
		in   fund.GiftInput
		want func(*fund.Entry)
	}{
		{"as typed", typed(), nil},
		{"spaces trimmed", typed(func(in *fund.GiftInput) {
			in.Name, in.Town, in.Email, in.Reference, in.Date = "  Jane Smith ", "\tLeeds", " jane@example.org ", " chq-100234 ", " 2024-11-04 "
		}), nil},
		{"pounds, pence and commas", typed(func(in *fund.GiftInput) { in.Amount = "£1,250.50" }),
			func(e *fund.Entry) { e.Amount = money.New(125050, "GBP") }},
		{"method as people write it", typed(func(in *fund.GiftInput) { in.Method = " Bank Transfer " }),
			func(e *fund.Entry) { e.Method = fund.BankTransfer }},
		{"method with underscore", typed(func(in *fund.GiftInput) { in.Method = "POSTAL_ORDER" }),
			func(e *fund.Entry) { e.Method = fund.PostalOrder }},
		{"today is stamped now", typed(func(in *fund.GiftInput) { in.Date = "2024-11-06" }),
			func(e *fund.Entry) { e.ReceivedAt = now }},
		{"29 February in a leap year", typed(func(in *fund.GiftInput) { in.Date = "2024-02-29" }),
			func(e *fund.Entry) { e.ReceivedAt = time.Date(2024, 2, 29, 0, 0, 0, 0, loc) }},
		{"the year 2000", typed(func(in *fund.GiftInput) { in.Date = "2000-01-01" }),
			func(e *fund.Entry) { e.ReceivedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, loc) }},
		{"not public", typed(func(in *fund.GiftInput) { in.Public = "" }), func(e *fund.Entry) { e.Public = false }},
		{"public from a ticked box", typed(func(in *fund.GiftInput) { in.Public = "on" }), nil},
		{"public as 1", typed(func(in *fund.GiftInput) { in.Public = "1" }), nil},
		{"public as No", typed(func(in *fund.GiftInput) { in.Public = " No " }), func(e *fund.Entry) { e.Public = false }},
		// No name to print is not filled from the donor's: the column
		// thanks "a Leeds reader" instead.
		{"public name left empty", typed(func(in *fund.GiftInput) { in.PublicName = "" }), func(e *fund.Entry) { e.PublicName = "" }},
		{"donor left out", typed(func(in *fund.GiftInput) { in.Name, in.Town, in.Email, in.PublicName, in.Message = "", "", "", "", "" }),
			func(e *fund.Entry) {
				e.DonorName, e.DonorTown, e.DonorEmail, e.PublicName, e.Message = "", "", "", "", ""
			}},
		{"no reference", typed(func(in *fund.GiftInput) { in.Reference = "" }), func(e *fund.Entry) { e.ProviderRef = "" }},
		{"reference that only contains a prefix", typed(func(in *fund.GiftInput) { in.Reference = "chq-pi_1" }),
			func(e *fund.Entry) { e.ProviderRef = "chq-pi_1" }},
		{"reference like a postal order", typed(func(in *fund.GiftInput) { in.Reference = "PO-12345" }),
			func(e *fund.Entry) { e.ProviderRef = "PO-12345" }},
		{"euros when the fund is in euros", typed(func(in *fund.GiftInput) { in.Amount, in.Currency = "€20", "eur" }),
			func(e *fund.Entry) { e.Amount = money.Major(20, "EUR") }},
		{"longest name and message", typed(func(in *fund.GiftInput) {
			in.Name, in.Message = strings.Repeat("é", 200), strings.Repeat("x", 1000)
		}), func(e *fund.Entry) { e.DonorName, e.Message = strings.Repeat("é", 200), strings.Repeat("x", 1000) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fund.ParseGift(tt.in, loc, now)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			want := base
			if tt.want != nil {
				tt.want(&want)
			}
			if !got.ReceivedAt.Equal(want.ReceivedAt) {
				t.Errorf("received %v, want %v", got.ReceivedAt, want.ReceivedAt)
			}
			got.ReceivedAt = want.ReceivedAt
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseGiftRefusesEachBadField(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	set := func(f func(*fund.GiftInput)) fund.GiftInput { return typed(f) }
	tests := []struct {
		name, field, want string
		in                fund.GiftInput
	}{
		{"no amount", "amount", "Enter the amount", set(func(in *fund.GiftInput) { in.Amount = " " })},
		{"zero", "amount", "must be more than zero", set(func(in *fund.GiftInput) { in.Amount = "0" })},
		{"negative", "amount", "must be more than zero", set(func(in *fund.GiftInput) { in.Amount = "-5" })},
		{"fractions of a penny", "amount", "at most two decimal places", set(func(in *fund.GiftInput) { in.Amount = "12.345" })},
		{"over a million", "amount", "more than £1,000,000", set(func(in *fund.GiftInput) { in.Amount = "1000000.01" })},
		{"words", "amount", "Write the amount in figures", set(func(in *fund.GiftInput) { in.Amount = "twenty" })},
		{"decimal comma", "amount", "Write the amount in figures", set(func(in *fund.GiftInput) { in.Amount = "12,50" })},
		{"dollars", "amount", "Write the amount in GBP", set(func(in *fund.GiftInput) { in.Amount = "$20" })},
		{"unknown currency", "currency", `does not take "XYZ"`, set(func(in *fund.GiftInput) { in.Currency = "XYZ" })},
		{"no method", "method", "Choose how the gift came, one of: cheque, postal-order, bank-transfer", set(func(in *fund.GiftInput) { in.Method = "" })},
		{"unknown method", "method", `"bitcoin" is not one`, set(func(in *fund.GiftInput) { in.Method = "bitcoin" })},
		{"no date", "received_at", "Enter the date the gift was received, such as 2024-11-06", set(func(in *fund.GiftInput) { in.Date = "" })},
		{"British order", "received_at", "Write the date as year-month-day", set(func(in *fund.GiftInput) { in.Date = "06/11/2024" })},
		{"words for a date", "received_at", "Write the date as year-month-day", set(func(in *fund.GiftInput) { in.Date = "yesterday" })},
		{"month 13", "received_at", "there is no month 13", set(func(in *fund.GiftInput) { in.Date = "2024-13-01" })},
		{"month 0", "received_at", "there is no month 0", set(func(in *fund.GiftInput) { in.Date = "2024-00-10" })},
		{"30 February", "received_at", "2024-02-30 does not exist: February 2024 has 29 days", set(func(in *fund.GiftInput) { in.Date = "2024-02-30" })},
		{"29 February in 2023", "received_at", "2023-02-29 does not exist: February 2023 has 28 days", set(func(in *fund.GiftInput) { in.Date = "2023-02-29" })},
		{"31 April", "received_at", "2024-04-31 does not exist", set(func(in *fund.GiftInput) { in.Date = "2024-04-31" })},
		{"day 0", "received_at", "2024-11-00 does not exist", set(func(in *fund.GiftInput) { in.Date = "2024-11-00" })},
		{"tomorrow", "received_at", "The date received cannot be in the future", set(func(in *fund.GiftInput) { in.Date = "2024-11-07" })},
		{"far future", "received_at", "cannot be in the future", set(func(in *fund.GiftInput) { in.Date = "2999-01-01" })},
		{"last century", "received_at", "too long ago", set(func(in *fund.GiftInput) { in.Date = "1999-12-31" })},
		{"public maybe", "public", "Write yes or no", set(func(in *fund.GiftInput) { in.Public = "maybe" })},
		{"email without @", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "jane.example.org" })},
		{"email with space", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "jane smith@example.org" })},
		{"email in angle brackets", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "Jane <jane@example.org>" })},
		{"email with two @", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "jane@x@example.org" })},
		{"email without a dot", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "jane@localhost" })},
		{"email ending in a dot", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "jane@example." })},
		{"email with no local part", "donor_email", "Enter an email address", set(func(in *fund.GiftInput) { in.Email = "@example.org" })},
		{"email too long", "donor_email", "longer than 200", set(func(in *fund.GiftInput) { in.Email = strings.Repeat("a", 190) + "@example.org" })},
		{"name too long", "donor_name", "longer than 200 characters", set(func(in *fund.GiftInput) { in.Name = strings.Repeat("é", 201) })},
		{"town too long", "donor_town", "longer than 200", set(func(in *fund.GiftInput) { in.Town = strings.Repeat("x", 201) })},
		{"public name too long", "public_name", "longer than 200", set(func(in *fund.GiftInput) { in.PublicName = strings.Repeat("x", 201) })},
		{"message too long", "message", "longer than 1,000 characters", set(func(in *fund.GiftInput) { in.Message = strings.Repeat("x", 1001) })},
		{"reference too long", "provider_ref", "longer than 200", set(func(in *fund.GiftInput) { in.Reference = strings.Repeat("x", 201) })},
		{"name not UTF-8", "donor_name", "characters we could not read", set(func(in *fund.GiftInput) { in.Name = "Ren\xe9" })},
		{"message not UTF-8", "message", "characters we could not read", set(func(in *fund.GiftInput) { in.Message = "\xff" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := fund.ParseGift(tt.in, loc, now)
			all := valid.All(err)
			if len(all) != 1 || all[0].Field != tt.field || !strings.Contains(all[0].Message, tt.want) {
				t.Fatalf("got %v, want one refusal of %s saying %q", err, tt.field, tt.want)
			}
			if e != (fund.Entry{}) {
				t.Errorf("a refused gift still gave an entry: %+v", e)
			}
		})
	}
}

// A person cannot type a reference in a payment provider's namespace: the
// real payment would then look recorded already and never be credited.
func TestParseGiftRefusesProviderReferences(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	for _, ref := range []string{"pi_3QxYz", "ch_1", "py_1", "in_1", "re_1", "dp_1", "cs_test_a1", "evt_1",
		"PI_3QXYZ", "  pi_1  ", "Ch_100234", "pi_3QxYz~kept-after-refund-500", "sub_1", "csv:0123456789abcdef:2", "CSV:x",
		"chq-1~kept-after-refund-500", "standing-order:3f2a", " Standing-Order:x"} {
		t.Run(ref, func(t *testing.T) {
			_, err := fund.ParseGift(typed(func(in *fund.GiftInput) { in.Reference = ref }), loc, now)
			all := valid.All(err)
			if len(all) != 1 || all[0].Field != "provider_ref" || !strings.Contains(all[0].Message, "the fund records itself") && !strings.Contains(all[0].Message, "References beginning ") {
				t.Fatalf("reference %q: %v", ref, err)
			}
		})
	}
}

// Every field at fault is named at once, so a form shows each message
// beside its own field.
func TestParseGiftNamesEveryBadField(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	in := fund.GiftInput{Amount: "-1", Method: "paypal", Date: "2024-02-30", Email: "nope", Public: "perhaps", Reference: "pi_1"}
	_, err := fund.ParseGift(in, loc, now)
	var fields []string
	for _, v := range valid.All(err) {
		fields = append(fields, v.Field)
	}
	if got := strings.Join(fields, " "); got != "amount method received_at public donor_email provider_ref" {
		t.Fatalf("fields %q from %v", got, err)
	}
}
