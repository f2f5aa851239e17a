package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

const importHeader = "date,amount,method,name,email,town,public,public_name,message,reference\n"

func TestFundImportPreviewShowsErrorsAndRecordsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		file := importHeader +
			"2024-11-04,20.00,cheque,Jane Smith,jane@example.org,Leeds,yes,J Smith,Keep it up,chq-1\n" +
			"2024-11-04,-5,cheque,,,,,,,\n" +
			"2024-13-01,12.345,bitcoin,,not-an-email,,maybe,,,\n" +
			"2024-11-30,$20,cash,,,,no,,,\n"
		res := h.importCSV(t, []byte(file))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("preview: %d", res.status)
		}
		body := unescape(res.body)
		for _, want := range []string{"3 lines of the file have errors", "£20", "J Smith",
			"amount: The amount must be more than zero", "date: Write the date as year-month-day",
			"method: Choose how the gift came", "email: Enter an email address", "public: Write yes or no",
			"date: The date received cannot be in the future", "amount: Write the amount in GBP"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if strings.Contains(body, "Record these gifts") {
			t.Error("a file with errors is offered for recording")
		}
		if got := h.raised(t); got.Minor != 0 {
			t.Fatalf("the preview recorded %v", got)
		}
	})
}

func TestFundImportRecordsAfterConfirmation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		ctx := context.Background()
		if _, err := h.fund.Record(ctx, fund.Entry{Amount: money.Major(7, "GBP"), Method: fund.Cheque, ProviderRef: "chq-old", RecordedBy: "t"}); err != nil {
			t.Fatal(err)
		}
		file := "\xef\xbb\xbf" + "reference,date,amount,method,name,email,town,public,public_name,message\n" +
			"chq-1,2024-11-04,20.00,cheque,Jane Smith,jane@example.org,Leeds,yes,J Smith,\"Keep it up, comrades\"\n" +
			"chq-old,2024-11-04,7,cheque,,,,,,\n" +
			"BACS-1,2024-11-05,\"1,250\",Bank Transfer,,,Swansea,yes,,\n" +
			",2024-11-06,3.50,cash,,,,,,\n" +
			"chq-1,2024-11-04,20.00,cheque,Jane Smith,,,,,\n"
		res := h.importCSV(t, []byte(file))
		if res.status != http.StatusOK || !strings.Contains(res.body, "Record these gifts") {
			t.Fatalf("preview: %d\n%s", res.status, res.body)
		}
		body := unescape(res.body)
		for _, want := range []string{"3 gifts to record, £1,273.50 in all; 2 already recorded", "Already recorded as entry 1",
			"Same reference as line 2", "Keep it up, comrades"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if got := h.raised(t); got != money.Major(7, "GBP") {
			t.Fatalf("the preview recorded: %v", got)
		}
		confirm := url.Values{"data": {previewData(t, res.body)}, "confirm": {"1"}}
		res = h.do(t, req{method: "POST", path: "/admin/fund/import", as: treasurer, form: confirm})
		if res.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", res.status, res.body)
		}
		// The same confirmation sent again (a double click, the back
		// button) records nothing more, the line without a reference too.
		if again := h.do(t, req{method: "POST", path: "/admin/fund/import", as: treasurer, form: confirm}); again.status >= 500 {
			t.Fatalf("second confirmation: %d", again.status)
		}
		done := h.do(t, req{path: res.header.Get("Location"), as: treasurer})
		if !strings.Contains(done.body, "Recorded 3 gifts.") || !strings.Contains(done.body, "Skipped lines 3, 6") {
			t.Errorf("after import: %s", res.header.Get("Location"))
		}
		if got := h.raised(t); got != money.New(128050, "GBP") {
			t.Fatalf("raised %v, want £1,280.50", got)
		}
		e, err := h.fund.EntryByRef(ctx, "BACS-1")
		if err != nil || e.Method != fund.BankTransfer || e.ReceivedAt.In(h.fund.Location()).Format("2006-01-02") != "2024-11-05" {
			t.Fatalf("BACS-1: %+v %v", e, err)
		}
		if r, err := h.fund.Check(ctx); err != nil || !r.OK() {
			t.Fatalf("check: %v %v", r.Problems, err)
		}
	})
}

func TestFundImportMalformedRefused(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	good := "2024-11-04,20.00,cheque,,,,,,,\n"
	many := importHeader + strings.Repeat(good, 5001)
	huge := importHeader + good + strings.Repeat("x", 2<<20)
	var scenarios []scenario
	for name, c := range map[string]struct{ file, want string }{
		"empty":          {"", "The file is empty"},
		"blank":          {"\n\n  \n", "The file is empty"},
		"header only":    {importHeader, "header line but no gifts"},
		"no header":      {good + good, "The first line must name exactly these columns"},
		"missing column": {"date,amount,method\n2024-11-04,20,cash\n", "The first line must name exactly these columns"},
		"extra column":   {strings.TrimSuffix(importHeader, "\n") + ",notes\n" + strings.TrimSuffix(good, "\n") + ",x\n", "The first line must name exactly"},
		"short row":      {importHeader + good + "2024-11-04,20.00,cheque\n", "Line 3 has a different number of columns"},
		"bad quoting":    {importHeader + "2024-11-04,\"20.00,cheque,,,,,,,\n", "quote mark out of place"},
		"bare quote":     {importHeader + "2024-11-04,20\"00,cheque,,,,,,,\n", "Line 2 has a quote mark out of place"},
		"binary":         {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"},
		"latin-1":        {importHeader + "2024-11-04,20,cash,Ren\xe9,,,,,,\n", "not a CSV text file"},
		"too many rows":  {many, "more than 5,000 gifts"},
		"too large":      {huge, "larger than 2 MiB"},
	} {
		body, ctype := multipartForm(t, nil, "file", "gifts.csv", []byte(c.file))
		// 422 with the message beside the file field, and no confirmation.
		scenarios = append(scenarios, scenario{name: name, method: "POST", path: "/admin/fund/import", as: treasurer,
			body: body, contentType: ctype, status: http.StatusUnprocessableEntity, plain: true,
			want: []string{c.want, `id="file-error"`}, notWant: []string{"Record these gifts"}})
	}
	scenarios = append(scenarios, scenario{name: "a mangled confirmation", method: "POST", path: "/admin/fund/import", as: treasurer,
		form: url.Values{"data": {"%%%"}, "confirm": {"1"}}, status: http.StatusUnprocessableEntity})
	runScenarios(t, h, scenarios)
	if got := h.raised(t); got.Minor != 0 {
		t.Fatalf("malformed files recorded %v", got)
	}
}

func TestFundExportCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		ctx := context.Background()
		loc := h.fund.Location()
		var first fund.Entry
		for i, donor := range []string{"=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(A1)", "@cmd", "-2+3", "Jane, \"JJ\" Smith"} {
			e, err := h.fund.Record(ctx, fund.Entry{Amount: money.New(int64(1000+i*125), "GBP"), Method: fund.Cheque, DonorName: donor,
				DonorTown: "Leeds", ProviderRef: fmt.Sprintf("chq-%d", i), ReceivedAt: time.Date(2024, 11, 1+i, 9, 0, 0, 0, loc), RecordedBy: "t"})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = e
			}
		}
		if _, err := h.fund.Reverse(ctx, first.ID, "=bounced", "t"); err != nil {
			t.Fatal(err)
		}
		res := h.do(t, req{path: "/admin/fund/export.csv?month=2024-11", as: treasurer})
		if res.status != 200 || res.header.Get("Content-Disposition") != `attachment; filename="fund-ledger-2024-11.csv"` ||
			!strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %v", res.status, res.header)
		}
		rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "id,received,amount,currency,method,donor,town,reference,reversal_of,reason,recorded_by,recorded_at" || len(rows) != 7 {
			t.Fatalf("rows %q", rows)
		}
		var sum int64
		for _, r := range rows[1:] {
			pounds, pence, _ := strings.Cut(strings.TrimPrefix(r[2], "-"), ".")
			p, err1 := strconv.ParseInt(pounds, 10, 64)
			q, err2 := strconv.ParseInt(pence, 10, 64)
			if err1 != nil || err2 != nil || len(pence) != 2 {
				t.Fatalf("amount %q is not pounds with pence", r[2])
			}
			v := p*100 + q
			if strings.HasPrefix(r[2], "-") {
				v = -v
			}
			sum += v
			if c := r[5]; c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("donor cell %q can run as a formula", c)
			}
		}
		if got := h.raised(t); sum != got.Minor {
			t.Fatalf("export sums to %d, ledger to %d", sum, got.Minor)
		}
		if rows[1][5] != `'=HYPERLINK("http://evil.example","x")` || rows[2][5] != "'+SUM(A1)" || rows[5][5] != `Jane, "JJ" Smith` || rows[6][9] != "'=bounced" {
			t.Errorf("cells %q %q %q %q", rows[1][5], rows[2][5], rows[5][5], rows[6][9])
		}
		if rows[1][1] != "2024-11-01" || rows[1][2] != "10.00" || rows[2][2] != "11.25" || rows[6][2] != "-10.00" || rows[6][8] != rows[1][0] {
			t.Errorf("row values %q / %q / %q", rows[1], rows[2], rows[6])
		}
		ranged := h.do(t, req{path: "/admin/fund/export.csv?from=2024-11-02&to=2024-11-03", as: treasurer})
		if rows, _ := csv.NewReader(strings.NewReader(ranged.body)).ReadAll(); len(rows) != 3 {
			t.Errorf("2 to 3 November: %d rows", len(rows))
		}
		if bad := h.do(t, req{path: "/admin/fund/export.csv?from=2024-11-05&to=2024-11-01", as: treasurer}); bad.status != http.StatusBadRequest {
			t.Errorf("backwards range: %d", bad.status)
		}
	})
}

func TestFundColumnText(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	ctx := context.Background()
	loc := h.fund.Location()
	day := time.Date(2024, 11, 5, 11, 0, 0, 0, loc)
	for _, e := range []fund.Entry{
		{Amount: money.Major(20, "GBP"), Method: fund.Cheque, DonorTown: "Swansea", Public: true},
		{Amount: money.Major(5, "GBP"), Method: fund.Cheque, PublicName: "J Smith", DonorTown: "Leeds", Public: true},
		{Amount: money.Major(10, "GBP"), Method: fund.StandingOrder},
	} {
		e.ReceivedAt, e.RecordedBy = day, "t"
		if _, err := h.fund.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	res := h.do(t, req{path: "/admin/fund/column.txt?date=2024-11-05", as: treasurer})
	col, err := h.fund.DailyColumn(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if res.status != 200 || res.body != col.Text() || res.header.Get("Content-Disposition") != `attachment; filename="fund-column-2024-11-05.txt"` {
		t.Fatalf("column: %d %v\n%s", res.status, res.header, res.body)
	}
	for _, want := range []string{"Fighting fund, Tuesday 5 November 2024: £35 today.", "£20 from a Swansea reader", "£5 from J Smith, Leeds", "£10 from a reader"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("column lacks %q:\n%s", want, res.body)
		}
	}
	if !bytes.HasPrefix([]byte(res.header.Get("Content-Type")), []byte("text/plain")) {
		t.Errorf("content type %q", res.header.Get("Content-Type"))
	}
	if bad := h.do(t, req{path: "/admin/fund/column.txt?date=5/11/2024", as: treasurer}); bad.status != http.StatusBadRequest {
		t.Errorf("bad date: %d", bad.status)
	}
	today := h.do(t, req{path: "/admin/fund/column.txt", as: treasurer})
	if !strings.Contains(today.body, "Wednesday 6 November 2024: £0 today.") {
		t.Errorf("today's column: %s", today.body)
	}
}

// importFileOf builds an import file of exactly size bytes and rows gifts
// of £1 each, padding the messages.
func importFileOf(t *testing.T, size, rows int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(importHeader)
	line := func(i, pad int) string {
		return fmt.Sprintf("2024-11-04,1.00,cheque,,,,,,%s,chq-%d\n", strings.Repeat("m", pad), i)
	}
	per, extra := (size-b.Len())/rows, (size-b.Len())%rows
	for i := range rows {
		n := per
		if i < extra {
			n++
		}
		pad := n - len(line(i, 0))
		if pad < 0 || pad > 1000 {
			t.Fatalf("cannot make %d rows fill %d bytes", rows, size)
		}
		b.WriteString(line(i, pad))
	}
	if b.Len() != size {
		t.Fatalf("built %d bytes, want %d", b.Len(), size)
	}
	return b.Bytes()
}

// TestFundImportSizeLimitAtBoundary drives the import at its one limit
// through the router and its middleware: a file of exactly
// fund.ImportMaxBytes and ImportMaxRows gifts previews and, confirmed,
// is recorded; a byte more is refused, with the limit the page states.
// Before the import had its own body limit the general 1 MiB cap refused
// the confirmation of any file over 768 KiB (its base64 is larger).
func TestFundImportSizeLimitAtBoundary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund())
		form := h.do(t, req{path: "/admin/fund/import", as: account.Treasurer})
		if !strings.Contains(form.body, "Up to 5,000 gifts and 2 MiB.") {
			t.Fatalf("the form does not state the limits")
		}
		over := importFileOf(t, fund.ImportMaxBytes+1, fund.ImportMaxRows)
		res := h.importCSV(t, over)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "The file is larger than 2 MiB.") {
			t.Fatalf("a byte over: %d, want 422 saying larger than 2 MiB", res.status)
		}
		file := importFileOf(t, fund.ImportMaxBytes, fund.ImportMaxRows)
		res = h.importCSV(t, file)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Record these gifts") {
			t.Fatalf("preview of a file at the limit: %d %s", res.status, firstError(res.body))
		}
		data := previewData(t, res.body)
		if data != base64.RawURLEncoding.EncodeToString(file) {
			t.Fatal("the preview does not carry the file intact")
		}
		res = h.do(t, req{method: "POST", path: "/admin/fund/import", as: account.Treasurer, form: url.Values{"data": {data}, "confirm": {"1"}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("confirming a file at the limit: %d %s", res.status, firstError(res.body))
		}
		if got := h.raised(t); got.Minor != int64(fund.ImportMaxRows)*100 {
			t.Fatalf("raised %v after importing %d gifts of £1", got, fund.ImportMaxRows)
		}
	})
}

// firstError is the first field error on a page, for a failure message.
func firstError(body string) string {
	_, after, ok := strings.Cut(body, `class="field-error"`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(after, "</p>")
	return msg
}
