package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// giftInput is one gift as typed in the form or read from a CSV row, kept
// as typed so that a refused form shows it again unchanged. The form's
// field ids are the fund's own field names, so the fund's messages land
// beside the right field.
type giftInput struct {
	Amount, Method, ReceivedAt       string
	DonorName, DonorEmail, DonorTown string
	Public                           bool
	PublicName, Message, Reference   string
}

// parseGift checks a typed gift against what the ledger will accept, so
// that the form and the CSV preview can show every problem before
// anything is recorded. cur is the fund's currency, today the start of
// today in loc.
func parseGift(in giftInput, cur string, loc *time.Location, today time.Time) (fund.Entry, fieldErrors) {
	var errs fieldErrors
	e := fund.Entry{DonorName: strings.TrimSpace(in.DonorName), DonorEmail: strings.TrimSpace(in.DonorEmail),
		DonorTown: strings.TrimSpace(in.DonorTown), Public: in.Public, PublicName: strings.TrimSpace(in.PublicName),
		Message: strings.TrimSpace(in.Message), ProviderRef: strings.TrimSpace(in.Reference)}
	amount, err := money.Parse(in.Amount, cur)
	if err != nil {
		errs.Add("amount", amountMessage(err, cur))
	}
	e.Amount = amount
	e.Method = fund.Method(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(in.Method)), " ", "-"))
	if !e.Method.Valid() {
		errs.Add("method", "Choose how the gift came: "+methodNames()+".")
	}
	date := strings.TrimSpace(in.ReceivedAt)
	switch d, err := time.ParseInLocation("2006-01-02", date, loc); {
	case date == "":
		errs.Add("received_at", "Enter the date the gift was received, such as "+today.Format("2006-01-02")+".")
	case err != nil:
		errs.Add("received_at", "Write the date as year-month-day, such as "+today.Format("2006-01-02")+".")
	case d.After(today):
		errs.Add("received_at", "The date received cannot be in the future.")
	case d.Year() < 2000:
		errs.Add("received_at", "The date received is too long ago; check the year.")
	default:
		e.ReceivedAt = d
	}
	if e.DonorEmail != "" && (!strings.Contains(e.DonorEmail, "@") || strings.ContainsAny(e.DonorEmail, " \t<>")) {
		errs.Add("donor_email", "Enter an email address such as name@example.org, or leave it empty.")
	}
	for _, f := range []struct{ id, label, v string }{{"donor_name", "The donor's name", e.DonorName},
		{"donor_email", "The email address", e.DonorEmail}, {"donor_town", "The town", e.DonorTown},
		{"public_name", "The public name", e.PublicName}, {"provider_ref", "The reference", e.ProviderRef}} {
		if !utf8.ValidString(f.v) {
			errs.Add(f.id, f.label+" contains characters we could not read.")
		} else if utf8.RuneCountInString(f.v) > 200 {
			errs.Add(f.id, f.label+" is longer than 200 characters.")
		}
	}
	if !utf8.ValidString(e.Message) || utf8.RuneCountInString(e.Message) > 1000 {
		errs.Add("message", "The message must be readable text of at most 1,000 characters.")
	}
	return e, errs
}

// sentence capitalises a domain package's message and ends it with a stop.
func sentence(msg string) string {
	if msg == "" {
		return "This is not right."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// methodNames lists the methods as CSV files and messages write them.
func methodNames() string {
	var names []string
	for _, m := range giftMethods() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

// giftMethods puts the ways money comes by hand first: the treasurer's
// form is mostly for the post.
func giftMethods() []fund.Method {
	return []fund.Method{fund.Cheque, fund.PostalOrder, fund.BankTransfer, fund.StandingOrder, fund.Cash,
		fund.Card, fund.DirectDebit, fund.Supporter}
}

// methodChoice is one option of the method list.
type methodChoice struct {
	Value, Label string
	Selected     bool
}

func methodChoices(selected string) []methodChoice {
	var out []methodChoice
	for _, m := range giftMethods() {
		out = append(out, methodChoice{Value: string(m), Label: methodLabel(m), Selected: string(m) == selected})
	}
	return out
}

// fundGiftPage is the form that records one gift.
type fundGiftPage struct {
	adminFrame
	In      giftInput
	Methods []methodChoice
}

func (s *Server) adminFundGiftForm(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	p := &fundGiftPage{adminFrame: s.newAdminFrame(r, "Record a gift"),
		In: giftInput{ReceivedAt: s.today().Format("2006-01-02"), Method: string(fund.Cheque)}}
	p.Methods = methodChoices(p.In.Method)
	if id, err := strconv.ParseInt(r.URL.Query().Get("recorded"), 10, 64); err == nil {
		if e, err := l.Entry(r.Context(), id); err == nil {
			p.Notice = fmt.Sprintf("Recorded entry %d: %s by %s on %s.", e.ID, e.Amount.Format(),
				methodLabel(e.Method), e.ReceivedAt.In(s.site.Location).Format("2 January 2006"))
		}
	}
	return s.renderAdmin(w, http.StatusOK, "admin_fund_gift", p)
}

// adminFundGiftCreate records one gift. Nothing is recorded unless every
// field is right; the gift and its audit entry are written together.
func (s *Server) adminFundGiftCreate(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	p := &fundGiftPage{adminFrame: s.newAdminFrame(r, "Record a gift")}
	in := giftInput{Public: r.PostFormValue("public") != ""}
	for _, f := range []struct {
		dst       *string
		id, label string
		max       int
	}{{&in.Amount, "amount", "The amount", 50}, {&in.Method, "method", "The method", 50},
		{&in.ReceivedAt, "received_at", "The date", 50}, {&in.DonorName, "donor_name", "The name", 200},
		{&in.DonorEmail, "donor_email", "The email address", 254}, {&in.DonorTown, "donor_town", "The town", 200},
		{&in.PublicName, "public_name", "The public name", 200}, {&in.Message, "message", "The message", 1000},
		{&in.Reference, "provider_ref", "The reference", 200}} {
		*f.dst = formValue(r, &p.Errors, f.id, f.label, f.max)
	}
	p.In, p.Methods = in, methodChoices(in.Method)
	ctx := r.Context()
	cur, err := s.fundCurrency(ctx, l)
	if err != nil {
		return err
	}
	e, errs := parseGift(in, cur, s.site.Location, s.today())
	for _, fe := range errs {
		p.Errors.Add(fe.Field, fe.Message)
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	e.RecordedBy = recorder(r)
	b, err := l.RecordBatch(ctx, []fund.Entry{e}, func(ctx context.Context, tx *sql.Tx, b fund.Batch) error {
		for _, g := range b.Recorded {
			if err := s.audit(ctx, tx, r, "fund.gift", "ledger_entry", strconv.FormatInt(g.ID, 10), nil, auditGift(g)); err != nil {
				return err
			}
		}
		return nil
	})
	var v valid.Error
	if errors.As(err, &v) {
		p.Errors.Add(v.Field, sentence(v.Message))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	if err != nil {
		return err
	}
	if len(b.Skipped) > 0 {
		old := b.Skipped[0].Existing
		p.Errors.Add("provider_ref", fmt.Sprintf("This reference was recorded before, as entry %d (%s on %s). Nothing was recorded.",
			old.ID, old.Amount.Format(), old.ReceivedAt.In(s.site.Location).Format("2 January 2006")))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/fund/gifts/new?recorded=%d", b.Recorded[0].ID), http.StatusSeeOther)
	return nil
}
