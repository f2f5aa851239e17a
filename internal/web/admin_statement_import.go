package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// statementsPath is where a bank statement is uploaded, previewed and
// confirmed.
const statementsPath = "/admin/supporters/statements"

// statementPage is the upload form, then the preview of a statement.
type statementPage struct {
	adminFrame
	Preview *supporter.StatementPreview
	// Data is the file itself, base64url, carried in the confirmation form
	// so that what is imported is exactly what was previewed and nothing
	// is kept on the server between the two steps.
	Data string
	// Done says what a finished import did.
	Done   string
	Limits string
	// Waiting counts the lines that wait for the treasurer.
	Waiting int
}

func (s *Server) newStatementPage(r *http.Request) *statementPage {
	return &statementPage{adminFrame: s.newAdminFrame(r, "Import a bank statement"), Limits: supporter.StatementLimits()}
}

func (s *Server) adminStatementForm(w http.ResponseWriter, r *http.Request) error {
	so, err := s.standingOrders()
	if err != nil {
		return err
	}
	p := s.newStatementPage(r)
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("recorded")); err == nil {
		waiting, _ := strconv.Atoi(q.Get("waiting"))
		skipped, _ := strconv.Atoi(q.Get("skipped"))
		p.Notice = fmt.Sprintf("Imported: %d %s recorded in the fighting fund, %d left for you to assign, %d already imported before.",
			n, plural(n, "payment", "payments"), waiting, skipped)
	}
	lines, err := so.WaitingLines(r.Context())
	if err != nil {
		return err
	}
	p.Waiting = len(lines)
	return s.renderAdmin(w, http.StatusOK, "admin_statement_import", p)
}

// adminStatementImport previews an uploaded statement, saving nothing; or,
// when the preview's confirmation comes back, imports it in one
// transaction.
func (s *Server) adminStatementImport(w http.ResponseWriter, r *http.Request) error {
	so, err := s.standingOrders()
	if err != nil {
		return err
	}
	p := s.newStatementPage(r)
	data, problem := statementUpload(w, r)
	if problem != "" {
		p.Errors.Add("file", problem)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_statement_import", p)
	}
	ctx := r.Context()
	cur, err := so.Currency(ctx)
	if err != nil {
		return err
	}
	st, err := supporter.ParseStatement(bytes.NewReader(data), cur, s.site.Location, s.now())
	if v, ok := valid.As(err); ok {
		p.Errors.Add("file", v.Message)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_statement_import", p)
	}
	if err != nil {
		return err
	}
	preview, err := so.Preview(ctx, st)
	if err != nil {
		return err
	}
	p.Preview, p.Data = &preview, base64.RawURLEncoding.EncodeToString(data)
	if !preview.OK() {
		p.Errors.Add("file", fmt.Sprintf("%d %s of the statement %s problems, shown below. Nothing has been recorded: correct the file and upload it again.",
			preview.Invalid, plural(preview.Invalid, "line", "lines"), plural(preview.Invalid, "has", "have")))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_statement_import", p)
	}
	if r.PostFormValue("confirm") == "" {
		p.Title = "Check the statement before importing it"
		return s.renderAdmin(w, http.StatusOK, "admin_statement_import", p)
	}
	res, err := so.Confirm(ctx, st, recorder(r), func(ctx context.Context, tx *sql.Tx, res supporter.ImportResult) error {
		ids := make([]int64, 0, len(res.Recorded))
		for _, l := range res.Recorded {
			ids = append(ids, l.Entry.ID)
		}
		return s.audit(ctx, tx, r, "supporter.statement.import", "bank_statement", st.Key, nil,
			map[string]any{"recorded": len(ids), "entry_ids": ids, "total": res.Total.FormatFull(),
				"waiting": res.Waiting, "skipped": res.Skipped})
	})
	if v, ok := valid.As(err); ok {
		p.Errors.Add("file", v.Message)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_statement_import", p)
	}
	if err != nil {
		return err
	}
	q := url.Values{"recorded": {strconv.Itoa(len(res.Recorded))}, "waiting": {strconv.Itoa(res.Waiting)},
		"skipped": {strconv.Itoa(res.Skipped)}}
	http.Redirect(w, r, statementsPath+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// statementBodyLimit bounds the statement's requests: room for a file of
// supporter.StatementMaxBytes as base64 in the confirmation (the larger
// of the two requests) and the form around it. The middleware's general
// maxBody is smaller, so it must not apply here (see bodyLimit).
var statementBodyLimit = int64(base64.RawURLEncoding.EncodedLen(supporter.StatementMaxBytes) + 64<<10)

// isStatementImport reports whether r posts a statement, which sets its
// own body limit.
func isStatementImport(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == statementsPath
}

// statementUpload reads the statement from the upload, or from the
// preview's confirmation. problem is a message for the treasurer.
func statementUpload(w http.ResponseWriter, r *http.Request) (data []byte, problem string) {
	return csvUpload(w, r, csvUploadRules{bodyLimit: statementBodyLimit, maxBytes: supporter.StatementMaxBytes,
		tooLarge: supporter.StatementTooLarge(), choose: "Choose the CSV file you exported from the bank."})
}
