package supporter

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/csvcell"
)

// ExportHeader is the first line of the supporters' CSV.
func ExportHeader() []string {
	return []string{"kind", "id", "name", "email", "plan", "amount", "currency", "interval", "method", "status",
		"next_payment", "next_amount", "joined", "reference"}
}

// WriteCSV writes every supporter, one row each: card and Direct Debit
// subscriptions, then standing orders, which count as supporters
// everywhere. Text people typed is made safe for spreadsheets; amounts
// are plain decimals; dates are in loc. The treasurer's page and
// `coopress supporters export` both write it.
func WriteCSV(w io.Writer, subs []Subscription, orders []StandingOrder, loc *time.Location) error {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.DateOnly)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader()); err != nil {
		return err
	}
	for _, s := range subs {
		next := ""
		if !s.NextPaymentAt.IsZero() {
			next = s.NextAmount.Plain()
		}
		if err := cw.Write([]string{"subscription", strconv.FormatInt(s.ID, 10), csvcell.Safe(s.Name), csvcell.Safe(s.Email),
			csvcell.Safe(s.PlanName), s.Amount.Plain(), s.Amount.Currency, s.PlanInterval, string(s.Method), string(s.Status),
			date(s.NextPaymentAt), next, date(s.CreatedAt), csvcell.Safe(s.ProviderSubscription)}); err != nil {
			return err
		}
	}
	for _, o := range orders {
		if err := cw.Write([]string{"standing-order", strconv.FormatInt(o.ID, 10), csvcell.Safe(o.Name), csvcell.Safe(o.Email),
			"", o.Amount.Plain(), o.Amount.Currency, string(o.Frequency), "standing-order", string(o.Status),
			"", "", date(o.StartedOn), csvcell.Safe(o.Reference)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
