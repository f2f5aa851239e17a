package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
)

// registerImportPath is where a register file is uploaded, previewed and
// confirmed.
const registerImportPath = "/admin/register/import"

// registerImportShown is how many ready lines the preview lists; every
// line with a problem is listed whatever their number.
const registerImportShown = 1000

// registerImportPage is the upload form, then the preview of a file.
type registerImportPage struct {
	adminFrame
	// Rows are the lines listed: every one with a problem, and ready ones
	// up to registerImportShown.
	Rows []society.ImportRow
	// Data is the file itself, base64url, carried in the confirmation form
	// so that what is recorded is exactly what was previewed and nothing
	// is kept on the server between the two steps.
	Data string
	// Lines counts the file's lines; Ready, Recorded and Bad those to
	// import, those already in the register and those with problems;
	// Unlisted the ready lines not listed.
	Lines, Ready, Recorded, Bad, Unlisted int
	Columns, Optional                     []string
	MaxMiB, MaxRows                       int
	currency                              string
	nominal                               int64
}

// Paid is a line's shares at nominal value.
func (p *registerImportPage) Paid(shares int64) string {
	return money.New(shares*p.nominal, p.currency).FormatFull()
}

func (s *Server) newRegisterImportPage(r *http.Request, soc *society.Service) *registerImportPage {
	return &registerImportPage{adminFrame: s.newAdminFrame(r, "Import an existing register"),
		Columns: society.ImportColumns(), Optional: society.ImportOptionalColumns(),
		MaxMiB: society.ImportMaxBytes >> 20, MaxRows: society.ImportMaxRows,
		currency: soc.Rules().Currency, nominal: soc.Rules().Nominal}
}

func (s *Server) adminRegisterImportForm(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := s.newRegisterImportPage(r, soc)
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("recorded")); err == nil {
		skipped, _ := strconv.Atoi(q.Get("skipped"))
		former := ""
		if f, _ := strconv.Atoi(q.Get("former")); f > 0 {
			former = fmt.Sprintf(" (%d of them former, with the day they left)", f)
		}
		p.Notice = fmt.Sprintf("Imported %d %s%s; %d already in the register %s skipped.", n, plural(n, "member", "members"),
			former, skipped, plural(skipped, "was", "were"))
	}
	return s.renderAdmin(w, http.StatusOK, "admin_register_import", p)
}

// adminRegisterImport previews an uploaded register file, recording
// nothing; or, when the preview's confirmation comes back, imports it in
// one transaction.
func (s *Server) adminRegisterImport(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := s.newRegisterImportPage(r, soc)
	data, problem := csvUpload(w, r, csvUploadRules{bodyLimit: registerImportBodyLimit, maxBytes: society.ImportMaxBytes,
		tooLarge: society.ImportTooLarge(), choose: "Choose the CSV file of your register."})
	refuse := func(msg string) error {
		p.Errors.Add("file", msg)
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_register_import", p)
	}
	if problem != "" {
		return refuse(problem)
	}
	rows, err := society.ParseImport(bytes.NewReader(data), s.now(), soc.Rules())
	if msg, ok := society.FileProblem(err); ok {
		return refuse(msg)
	}
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := soc.CheckImport(ctx, rows); err != nil {
		return err
	}
	p.preview(rows)
	p.Data = base64.RawURLEncoding.EncodeToString(data)
	if p.Bad > 0 {
		return refuse(fmt.Sprintf("%d %s of the file %s problems, shown below beside %s. Nothing has been recorded: correct the file and upload it again.",
			p.Bad, plural(p.Bad, "line", "lines"), plural(p.Bad, "has", "have"), plural(p.Bad, "it", "them")))
	}
	if r.PostFormValue("confirm") == "" {
		p.Title = "Check the register before importing it"
		return s.renderAdmin(w, http.StatusOK, "admin_register_import", p)
	}
	res, err := soc.Import(ctx, rows, actor(r), nil)
	if msg, ok := society.FileProblem(err); ok {
		// Something changed since the preview; the rows say what.
		p.Rows, p.Ready, p.Recorded, p.Bad, p.Unlisted = nil, 0, 0, 0, 0
		p.preview(rows)
		return refuse(msg)
	}
	if err != nil {
		return err
	}
	q := url.Values{"recorded": {strconv.Itoa(res.Recorded)}, "skipped": {strconv.Itoa(res.Skipped)}}
	if res.Former > 0 {
		q.Set("former", strconv.Itoa(res.Former))
	}
	http.Redirect(w, r, registerImportPath+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// preview counts the rows and picks those to list.
func (p *registerImportPage) preview(rows []society.ImportRow) {
	p.Lines = len(rows)
	for _, row := range rows {
		switch {
		case !row.OK():
			p.Bad++
		case row.Recorded:
			p.Recorded++
		default:
			p.Ready++
		}
		if !row.OK() || len(p.Rows)-p.Bad < registerImportShown {
			p.Rows = append(p.Rows, row)
		} else {
			p.Unlisted++
		}
	}
}

// registerImportBodyLimit bounds the import's requests: room for a file
// of society.ImportMaxBytes as base64 in the confirmation (the larger of
// the two requests) and the form around it. The middleware's general
// maxBody is smaller, so it must not apply here (see bodyLimit).
var registerImportBodyLimit = int64(base64.RawURLEncoding.EncodedLen(society.ImportMaxBytes) + 64<<10)

// isRegisterImport reports whether r posts a register file, which sets
// its own body limit.
func isRegisterImport(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == registerImportPath
}
