package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
)

// secretaries may open the register of members: the secretary role
// only, as DESIGN's least privilege says (no role implies another).
func secretaries() []account.Role { return []account.Role{account.Secretary} }

// registerShown is how many members the register page lists; the CSV
// has them all.
const registerShown = 500

// registerPage is the register of members (s.30) as of a day.
type registerPage struct {
	adminFrame
	AsOf     string
	Rows     []society.Row
	Members  int // members (not ceased) as of the day
	Total    int // every line, former members included
	Capital  money.Money
	Currency string
}

// Paid writes an amount paid in the society's currency, with pence.
func (p *registerPage) Paid(minor int64) string { return money.New(minor, p.Currency).FormatFull() }

// societyOr404 is the society service, or a 404 on a server without one.
func (s *Server) societyOr404() (*society.Service, error) {
	if s.society == nil {
		return nil, &httpError{Status: http.StatusNotFound, Message: "The register is not set up on this server."}
	}
	return s.society, nil
}

// asOfParam reads ?as_of=YYYY-MM-DD, today in the publication's zone by
// default; a day that does not exist or has not come is refused beside
// the field.
func (s *Server) asOfParam(r *http.Request, errs *fieldErrors) string {
	today := s.now().In(s.site.Location).Format(time.DateOnly)
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return today
	}
	d, err := time.ParseInLocation(time.DateOnly, v, s.site.Location)
	switch {
	case err != nil:
		errs.Add("as_of", "Write the day as YYYY-MM-DD, such as "+today+".")
		return today
	case d.Format(time.DateOnly) > today:
		errs.Add("as_of", "The register can be shown as of today at the latest.")
		return today
	}
	return d.Format(time.DateOnly)
}

func (s *Server) adminRegister(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &registerPage{adminFrame: s.newAdminFrame(r, "Register of members"), Currency: soc.Rules().Currency}
	p.AsOf = s.asOfParam(r, &p.Errors)
	var capital int64
	err = soc.EachRow(r.Context(), p.AsOf, func(row society.Row) error {
		p.Total++
		if row.CeasedOn == "" {
			p.Members++
			capital += row.Paid
		}
		if len(p.Rows) < registerShown {
			p.Rows = append(p.Rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.Capital = money.New(capital, p.Currency)
	return s.renderAdmin(w, formStatus(p.Errors), "admin_register", p)
}

// adminRegisterCSV sends the whole register as of the day as CSV.
func (s *Server) adminRegisterCSV(w http.ResponseWriter, r *http.Request) error {
	return s.registerCSV(w, r, "register-of-members", (*society.Service).WriteCSV)
}

// registerCSV sends a register as of the day the request names (today by
// default) as a CSV file, name-DAY.csv, that write makes.
func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request, name string,
	write func(*society.Service, context.Context, io.Writer, string) error) error {
	return s.registerFile(w, r, "text/csv; charset=utf-8", name, ".csv", write)
}

// registerPDF sends a register as of the day the request names as a PDF
// file, name-DAY.pdf, that write makes with the society's name on it.
func (s *Server) registerPDF(w http.ResponseWriter, r *http.Request, name string,
	write func(*society.Service, context.Context, io.Writer, string, society.RegisterPDF) error) error {
	o := society.RegisterPDF{Society: s.site.SocietyName}
	return s.registerFile(w, r, "application/pdf", name, ".pdf",
		func(soc *society.Service, ctx context.Context, w io.Writer, asOf string) error {
			return write(soc, ctx, w, asOf, o)
		})
}

// registerFile is registerCSV and registerPDF's one body: a register as
// of the day the request names (a bad day refused with 400 before
// anything is read) sent whole, as name-DAY.ext, only once write has
// made it all, so a failure midway is an error page and not half a file.
func (s *Server) registerFile(w http.ResponseWriter, r *http.Request, contentType, name, ext string,
	write func(*society.Service, context.Context, io.Writer, string) error) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	var errs fieldErrors
	asOf := s.asOfParam(r, &errs)
	if len(errs) > 0 {
		return badRequest(errs[0].Message)
	}
	var buf bytes.Buffer
	if err := write(soc, r.Context(), &buf, asOf); err != nil {
		return err
	}
	return sendAttachment(w, contentType, name+"-"+asOf+ext, buf.Bytes())
}

// annualReturnPage is the year's figures for the annual return (AR30).
type annualReturnPage struct {
	adminFrame
	Year   string
	Figure *society.AnnualReturn
	cur    string
}

// Money writes minor units in the society's currency.
func (p *annualReturnPage) Money(minor int64) string { return money.New(minor, p.cur).FormatFull() }

func (s *Server) adminAnnualReturn(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	p := &annualReturnPage{adminFrame: s.newAdminFrame(r, "Figures for the annual return"), cur: soc.Rules().Currency}
	this := s.now().In(s.site.Location).Year()
	year := this
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > this {
			p.Errors.Add("year", "Write a year from 1900 to "+strconv.Itoa(this)+", such as "+strconv.Itoa(this-1)+".")
		} else {
			year = n
		}
	}
	p.Year = strconv.Itoa(year)
	if len(p.Errors) == 0 {
		a, err := soc.AnnualReturn(r.Context(), year)
		if err != nil {
			return err
		}
		p.Figure = &a
	}
	return s.renderAdmin(w, formStatus(p.Errors), "admin_annual_return", p)
}
