package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// fundImportPage is the upload form, then the preview of a file.
type fundImportPage struct {
	adminFrame
	Columns []string
	Rows    []importRow
	// Data is the file itself, base64url, carried in the confirmation form
	// so that what is recorded is exactly what was previewed and nothing
	// is kept on the server between the two steps.
	Data string
	// Bad counts rows with errors; Record and Skip count the rest.
	Bad, Record, Skip int
	Total             money.Money
	// Skipped says which lines a finished import left out.
	Skipped string
	// Limits says how large a file may be, from the fund's setting.
	Limits string
}

func (s *Server) adminFundImportForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.ledger(); err != nil {
		return err
	}
	p := &fundImportPage{adminFrame: s.newAdminFrame(r, "Import gifts"), Columns: fund.ImportColumns(), Limits: fund.ImportLimits()}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("recorded")); err == nil {
		p.Notice = fmt.Sprintf("Recorded %d %s.", n, plural(n, "gift", "gifts"))
		if sk := q.Get("skipped"); sk != "" {
			p.Skipped = "Skipped line " + sk + ": its reference was already in the ledger."
			if strings.Contains(sk, ",") {
				p.Skipped = "Skipped lines " + sk + ": their references were already in the ledger."
			}
		}
	}
	return s.renderAdmin(w, http.StatusOK, "admin_fund_import", p)
}

// adminFundImport previews an uploaded file, recording nothing; or, when
// the preview's confirmation comes back, records every gift in it in one
// transaction.
func (s *Server) adminFundImport(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	p := &fundImportPage{adminFrame: s.newAdminFrame(r, "Import gifts"), Columns: fund.ImportColumns(), Limits: fund.ImportLimits()}
	data, problem := importUpload(w, r)
	if problem != "" {
		p.Errors.Add("file", problem)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_import", p)
	}
	ctx := r.Context()
	cur, err := s.fundCurrency(ctx, l)
	if err != nil {
		return err
	}
	parsed, err := fund.ParseCSV(bytes.NewReader(data), cur, s.site.Location, s.now())
	if v, ok := valid.As(err); ok {
		p.Errors.Add("file", v.Message)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_import", p)
	}
	if err != nil {
		return err
	}
	rows := previewRows(parsed)
	if err := markRecorded(ctx, l, rows); err != nil {
		return err
	}
	p.Rows, p.Data, p.Total = rows, base64.RawURLEncoding.EncodeToString(data), money.Zero(cur)
	for _, row := range rows {
		switch {
		case len(row.Errors) > 0:
			p.Bad++
		case row.Skip != "":
			p.Skip++
		default:
			p.Record++
			p.Total, _ = p.Total.Add(row.Gift.Amount)
		}
	}
	if p.Bad > 0 {
		p.Errors.Add("file", fmt.Sprintf("%d %s of the file %s errors, shown below. Nothing has been recorded: correct the file and upload it again.",
			p.Bad, plural(p.Bad, "line", "lines"), plural(p.Bad, "has", "have")))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_import", p)
	}
	if r.PostFormValue("confirm") == "" {
		p.Title = "Check the gifts before recording them"
		return s.renderAdmin(w, http.StatusOK, "admin_fund_import", p)
	}
	return s.recordImport(w, r, l, p)
}

// recordImport records the previewed rows all or nothing, with one audit
// entry for the batch in the same transaction.
func (s *Server) recordImport(w http.ResponseWriter, r *http.Request, l FundLedger, p *fundImportPage) error {
	gifts := make([]fund.Entry, len(p.Rows))
	for i, row := range p.Rows {
		gifts[i] = row.Gift
		gifts[i].RecordedBy = recorder(r)
	}
	b, err := l.RecordBatch(r.Context(), gifts, func(ctx context.Context, tx *sql.Tx, b fund.Batch) error {
		ids := make([]int64, 0, len(b.Recorded))
		for _, e := range b.Recorded {
			ids = append(ids, e.ID)
		}
		var skipped []string
		for _, sk := range b.Skipped {
			skipped = append(skipped, sk.Existing.ProviderRef)
		}
		objID := ""
		if len(ids) > 0 {
			objID = fmt.Sprintf("%d-%d", ids[0], ids[len(ids)-1])
		}
		return s.audit(ctx, tx, r, "fund.import", "ledger_batch", objID, nil,
			map[string]any{"recorded": len(ids), "entry_ids": ids, "total": p.Total.FormatFull(), "skipped_references": skipped})
	})
	var re fund.RowError
	if errors.As(err, &re) && re.Row < len(p.Rows) {
		row := &p.Rows[re.Row]
		row.Errors = append(row.Errors, fund.ImportColumn(re.Err.Field)+": "+sentence(re.Err.Message))
		p.Errors.Add("file", fmt.Sprintf("Line %d cannot be recorded, shown below. Nothing has been recorded.", row.Line))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_import", p)
	}
	if err != nil {
		return err
	}
	var lines []string
	for _, sk := range b.Skipped {
		lines = append(lines, strconv.Itoa(p.Rows[sk.Row].Line))
	}
	q := url.Values{"recorded": {strconv.Itoa(len(b.Recorded))}}
	if len(lines) > 0 {
		q.Set("skipped", strings.Join(lines, ", "))
	}
	http.Redirect(w, r, "/admin/fund/import?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// importPath is where the import form posts its file and its confirmation.
const importPath = "/admin/fund/import"

// importBodyLimit bounds the import's request bodies, from the fund's one
// file limit: room for a file of fund.ImportMaxBytes as base64 in the
// confirmation (the larger of the two requests) and the form around it.
// The middleware's general maxBody is smaller than that, so it must not
// apply here (see bodyLimit).
var importBodyLimit = int64(base64.RawURLEncoding.EncodedLen(fund.ImportMaxBytes) + 64<<10)

// isFundImport reports whether r posts to the import, which sets its own
// body limit.
func isFundImport(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == importPath
}

// importUpload reads the gift file from the upload, or from the
// preview's confirmation. problem is a message for the treasurer.
func importUpload(w http.ResponseWriter, r *http.Request) (data []byte, problem string) {
	return csvUpload(w, r, csvUploadRules{bodyLimit: importBodyLimit, maxBytes: fund.ImportMaxBytes,
		tooLarge: fund.ImportTooLarge(), choose: "Choose the CSV file with your gifts."})
}

// csvUploadRules are what one CSV import page allows and how it words
// the missing file and the file that is too large.
type csvUploadRules struct {
	bodyLimit        int64 // the whole request: the file, base64, and the form
	maxBytes         int64 // the file itself
	tooLarge, choose string
}

// csvUpload reads a CSV file for an import page: from the multipart
// upload, or, on the preview's confirmation, from the form field "data"
// that carries the same bytes base64-encoded, so that what is confirmed
// is exactly what was previewed.
func csvUpload(w http.ResponseWriter, r *http.Request, rules csvUploadRules) (data []byte, problem string) {
	r.Body = http.MaxBytesReader(w, r.Body, rules.bodyLimit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(rules.maxBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, rules.tooLarge
		}
		return nil, "The upload could not be read. Upload the file again."
	}
	if enc := r.PostFormValue("data"); enc != "" {
		b, err := base64.RawURLEncoding.DecodeString(enc)
		if err != nil {
			return nil, "The confirmation did not carry the file intact. Upload the file again."
		}
		return b, ""
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, rules.choose
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, rules.maxBytes+1))
	if err != nil {
		return nil, "The file could not be read. Upload it again."
	}
	return b, ""
}

// markRecorded notes the rows whose reference is already in the ledger:
// they will be skipped, so importing a statement twice records it once.
// A row that differs from the recorded entry is an error instead.
func markRecorded(ctx context.Context, l FundLedger, rows []importRow) error {
	for i := range rows {
		row := &rows[i]
		if row.Gift.ProviderRef == "" || row.Skip != "" || len(row.Errors) > 0 {
			continue
		}
		e, err := l.EntryByRef(ctx, row.Gift.ProviderRef)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if fund.CompareDuplicate(e, row.Gift) != nil {
			// Not the same gift again: skipping it would drop a payment.
			row.Errors = append(row.Errors, fmt.Sprintf("reference: This reference is already entry %d, %s by %s; this line is %s by %s. Correct the line or remove it.",
				e.ID, e.Amount.Format(), e.Method, row.Gift.Amount.Format(), row.Gift.Method))
			continue
		}
		row.Skip = fmt.Sprintf("Already recorded as entry %d: will be skipped.", e.ID)
	}
	return nil
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
