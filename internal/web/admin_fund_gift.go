package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/valid"
)

// sentence capitalises a domain package's message and ends it with a stop.
func sentence(msg string) string {
	if msg == "" {
		return "This is not right."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// methodChoice is one option of the method list.
type methodChoice struct {
	Value, Label string
	Selected     bool
}

func methodChoices(selected string) []methodChoice {
	var out []methodChoice
	for _, m := range fund.GiftMethods() {
		out = append(out, methodChoice{Value: string(m), Label: methodLabel(m), Selected: string(m) == selected})
	}
	return out
}

// fundGiftPage is the form that records one gift.
type fundGiftPage struct {
	adminFrame
	In      fund.GiftInput
	Methods []methodChoice
}

func (s *Server) adminFundGiftForm(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	p := &fundGiftPage{adminFrame: s.newAdminFrame(r, "Record a gift"),
		In: fund.GiftInput{Date: s.today().Format("2006-01-02"), Method: string(fund.Cheque)}}
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
	in := giftFormInput(r)
	p.In, p.Methods = in, methodChoices(in.Method)
	ctx := r.Context()
	if in.Currency, err = s.fundCurrency(ctx, l); err != nil {
		return err
	}
	e, err := fund.ParseGift(in, s.site.Location, s.now())
	for _, v := range valid.All(err) {
		p.Errors.Add(v.Field, v.Message)
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	if err != nil {
		return err
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
	if v, ok := valid.As(err); ok {
		p.Errors.Add(v.Field, sentence(v.Message))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	if err != nil {
		return err
	}
	if len(b.Skipped) > 0 {
		old := b.Skipped[0].Existing
		msg := fmt.Sprintf("This reference was recorded before, as entry %d (%s on %s). Nothing was recorded.",
			old.ID, old.Amount.Format(), old.ReceivedAt.In(s.site.Location).Format("2 January 2006"))
		if b.Skipped[0].Conflict != nil {
			msg = fmt.Sprintf("This reference was recorded before, as entry %d (%s by %s on %s), and this gift differs. Nothing was recorded; it is listed under “Held for you” on the fund dashboard until you resolve it.",
				old.ID, old.Amount.Format(), old.Method, old.ReceivedAt.In(s.site.Location).Format("2 January 2006"))
		}
		p.Errors.Add("provider_ref", msg)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_gift", p)
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/fund/gifts/new?recorded=%d", b.Recorded[0].ID), http.StatusSeeOther)
	return nil
}

// giftFormInput reads the form as typed; its field names are the fund's
// own, so each of ParseGift's messages lands beside its field.
func giftFormInput(r *http.Request) fund.GiftInput {
	v := r.PostFormValue
	return fund.GiftInput{Amount: v(fund.FieldAmount), Method: v(fund.FieldMethod), Date: v(fund.FieldDate),
		Name: v(fund.FieldName), Email: v(fund.FieldEmail), Town: v(fund.FieldTown), Public: v(fund.FieldPublic),
		PublicName: v(fund.FieldPublicName), Message: v(fund.FieldMessage), Reference: v(fund.FieldReference)}
}
