package web

import (
	"bytes"
	"encoding/csv"
	"github.com/coopress/coopress/internal/csvcell"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/fund"
)

// exportHeader is the ledger export's first line; the accountants' import
// is set up against these names, so they change only with notice.
func exportHeader() []string {
	return []string{"id", "received", "amount", "currency", "method", "donor", "town", "reference",
		"reversal_of", "reason", "recorded_by", "recorded_at"}
}

// adminFundExport sends the ledger as CSV: a campaign month (?month=, the
// default being this month) or the entries received between two dates
// (?from=&to=, both included, in the publication's zone).
func (s *Server) adminFundExport(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var entries []fund.Entry
	var name string
	if q.Get("from") != "" || q.Get("to") != "" {
		from, err1 := time.ParseInLocation("2006-01-02", q.Get("from"), s.site.Location)
		to, err2 := time.ParseInLocation("2006-01-02", q.Get("to"), s.site.Location)
		if err1 != nil || err2 != nil || to.Before(from) {
			return badRequest("Give from and to as dates, year-month-day, with from no later than to: ?from=2024-11-01&to=2024-11-30.")
		}
		entries, err = l.EntriesReceived(r.Context(), from, to.AddDate(0, 0, 1))
		name = "fund-ledger-" + from.Format("2006-01-02") + "-to-" + to.Format("2006-01-02") + ".csv"
	} else {
		month, _, merr := s.fundMonth(r)
		if merr != nil {
			return merr
		}
		entries, err = l.Entries(r.Context(), month)
		name = "fund-ledger-" + month + ".csv"
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(exportHeader())
	for _, e := range entries {
		rev := ""
		if e.ReversalOf != 0 {
			rev = strconv.FormatInt(e.ReversalOf, 10)
		}
		// Amounts and ids are written by us as plain numbers; only the
		// text people typed can carry a formula.
		_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), s.receivedDate(e.ReceivedAt), e.Amount.Plain(),
			e.Amount.Currency, string(e.Method), csvcell.Safe(e.DonorName), csvcell.Safe(e.DonorTown), csvcell.Safe(e.ProviderRef), rev,
			csvcell.Safe(e.Reason), csvcell.Safe(e.RecordedBy), e.RecordedAt.In(s.site.Location).Format(time.RFC3339)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return sendAttachment(w, "text/csv; charset=utf-8", name, buf.Bytes())
}

// sendAttachment writes body as a download named name.
func sendAttachment(w http.ResponseWriter, contentType, name string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(body)
	return err
}

// adminFundColumn sends a day's fund column (?date=, today by default) as
// plain text for the print edition.
func (s *Server) adminFundColumn(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	day := s.today()
	if d := r.URL.Query().Get("date"); d != "" {
		if day, err = time.ParseInLocation("2006-01-02", d, s.site.Location); err != nil {
			return badRequest("Give the date as year-month-day, such as 2024-11-06.")
		}
	}
	col, err := l.DailyColumn(r.Context(), day)
	if err != nil {
		return err
	}
	return sendAttachment(w, "text/plain; charset=utf-8", "fund-column-"+day.Format("2006-01-02")+".txt", []byte(col.Text()))
}
