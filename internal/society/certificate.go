package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
	"github.com/go-pdf/fpdf"
)

// Certificate is what a share certificate states: who holds how many of
// the society's shares, as the register has it on a day.
type Certificate struct {
	// Society is the society's registered name (the society-name
	// setting); the register itself does not keep it.
	Society string
	// Reference identifies this certificate: the same member, holding
	// and day always give the same one, and any change to the holding a
	// new one. Certificate fills it.
	Reference string
	Number    int64 // membership number
	Class     Class
	Name      string
	Address   string
	Shares    int64
	// Paid is the amount paid on the shares, minor units of Currency.
	Paid int64
	// Nominal is the value of one share in minor units.
	Nominal  int64
	Currency string
	// On is the day the holding is stated for, YYYY-MM-DD.
	On string
}

// Certificate is member number's certificate as the register has it on
// the day on (YYYY-MM-DD; empty is today in the society's zone). The
// caller sets Society. A member not yet admitted that day, or holding no
// shares then (a former member), has none: a valid.Error says which.
func (s *Service) Certificate(ctx context.Context, number int64, on string) (Certificate, error) {
	return s.certificateIn(ctx, s.db, number, on)
}

// certificateIn is Certificate read through q: an approval's transaction
// states the holding it has just allotted, before it commits.
func (s *Service) certificateIn(ctx context.Context, q db.Queryer, number int64, on string) (Certificate, error) {
	if on == "" {
		on = s.rules.today(s.now())
	}
	c := Certificate{Number: number, On: on, Nominal: s.rules.Nominal, Currency: s.rules.Currency}
	var admitted string
	var last int64
	err := q.QueryRowContext(ctx, `SELECT m.class, m.admitted_on, COALESCE(SUM(e.shares), 0),
		COALESCE(SUM(e.amount_minor), 0), COALESCE(MAX(e.id), 0)
		FROM members m LEFT JOIN share_entries e ON e.member_id = m.id AND e.entry_on <= $2
		WHERE m.number = $1 GROUP BY m.id, m.class, m.admitted_on`, number, on).
		Scan(&c.Class, &admitted, &c.Shares, &c.Paid, &last)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && admitted > on) {
		return Certificate{}, valid.Error{Field: FieldMember, Cause: ErrNotFound,
			Message: "There is no member " + strconv.FormatInt(number, 10) + " in the register on " + on + "."}
	}
	if err != nil {
		return Certificate{}, fmt.Errorf("society: certificate for %d: %w", number, err)
	}
	if c.Shares <= 0 {
		return Certificate{}, valid.Error{Field: FieldMember, Cause: ErrCeased,
			Message: "Member " + strconv.FormatInt(number, 10) + " held no shares on " + on + "."}
	}
	err = q.QueryRowContext(ctx, `SELECT c.name, c.postal_address FROM member_contacts c
		JOIN members m ON m.id = c.member_id
		WHERE m.number = $1 AND c.effective_on <= $2 ORDER BY c.effective_on DESC, c.id DESC LIMIT 1`, number, on).
		Scan(&c.Name, &c.Address)
	if err != nil {
		return Certificate{}, fmt.Errorf("society: certificate details for %d: %w", number, err)
	}
	// The last entry fixes the holding: the ledger only grows, so its id
	// changes exactly when the holding does.
	c.Reference = fmt.Sprintf("SC-%d-%d", number, last)
	return c, nil
}

// Filename is the name to offer the certificate under, as a download or
// a mail's attachment: "share-certificate-SC-42-7.pdf". The reference is
// digits, letters and hyphens, so the name needs no quoting.
func (c Certificate) Filename() string {
	ref := strings.Map(func(r rune) rune {
		if r == '-' || ('0' <= r && r <= '9') || ('A' <= r && r <= 'Z') || ('a' <= r && r <= 'z') {
			return r
		}
		return -1
	}, c.Reference)
	if ref == "" {
		ref = strconv.FormatInt(c.Number, 10)
	}
	return "share-certificate-" + ref + ".pdf"
}

// check refuses a certificate that would state nothing true.
func (c Certificate) check() error {
	var missing []string
	if strings.TrimSpace(c.Society) == "" {
		missing = append(missing, "society")
	}
	if strings.TrimSpace(c.Name) == "" {
		missing = append(missing, "name")
	}
	if strings.TrimSpace(c.Reference) == "" {
		missing = append(missing, "reference")
	}
	if c.Number <= 0 || c.Shares <= 0 || c.Nominal <= 0 || c.Paid < 0 {
		missing = append(missing, "number, shares, nominal or paid")
	}
	if len(c.Currency) != 3 {
		missing = append(missing, "currency")
	}
	if _, err := time.Parse(time.DateOnly, c.On); err != nil {
		missing = append(missing, "date")
	}
	if len(missing) > 0 {
		return fmt.Errorf("society: certificate without a valid %s", strings.Join(missing, ", "))
	}
	return nil
}

// WriteCertificate writes c to w as a one-page PDF (A4, landscape). Its
// text stream is left uncompressed: a page of text is a few kilobytes
// either way, and plain text lets anyone (and any test) search it. The
// document's date is c.On, so the same certificate gives the same bytes.
func WriteCertificate(w io.Writer, c Certificate) error {
	if err := c.check(); err != nil {
		return err
	}
	day, _ := time.Parse(time.DateOnly, c.On)
	cur := func(minor int64) string { return money.New(minor, c.Currency).Format() }
	shares := "shares"
	if c.Shares == 1 {
		shares = "share"
	}

	p := fpdf.New("L", "mm", "A4", "")
	p.SetCompression(false)
	p.SetCreationDate(day)
	p.SetModificationDate(day)
	p.SetCatalogSort(true)
	p.SetTitle("Share certificate "+c.Reference, true)
	p.SetSubject(c.Society, true)
	p.SetAuthor(c.Society, true)
	p.SetCreator("coopress", false)
	p.SetLang("en-GB")
	p.SetMargins(25, 25, 25)
	p.SetAutoPageBreak(false, 0)
	p.AddPage()

	pw, ph := p.GetPageSize()
	width := pw - 50
	p.SetLineWidth(1.2)
	p.Rect(12, 12, pw-24, ph-24, "D")
	p.SetLineWidth(0.3)
	p.Rect(15, 15, pw-30, ph-30, "D")

	line := func(style string, size, h float64, align, s string) {
		p.SetFont("Helvetica", style, size)
		p.MultiCell(width, h, pdfText(s), "", align, false)
	}
	p.SetY(28)
	line("", 11, 6, "R", "Certificate "+c.Reference)
	line("B", 24, 12, "C", c.Society)
	line("", 11, 6, "C", "A society registered under the Co-operative and Community Benefit Societies Act 2014")
	p.Ln(6)
	line("B", 18, 10, "C", "Share certificate")
	p.Ln(6)
	line("", 13, 7, "C", "This is to certify that")
	line("B", 20, 11, "C", c.Name)
	if a := oneLine(c.Address); a != "" {
		line("", 11, 6, "C", a)
	}
	p.Ln(3)
	line("", 13, 7, "C", fmt.Sprintf("member number %d, holds %s withdrawable %s of %s each in the society,",
		c.Number, strconv.FormatInt(c.Shares, 10), shares, cur(c.Nominal)))
	line("", 13, 7, "C", fmt.Sprintf("on which %s has been paid, as entered in the register of members on %s.",
		cur(c.Paid), longDate(c.On)))
	p.Ln(6)
	line("I", 10, 5, "C", "Shares in the society are withdrawable, not transferable, at their nominal value, "+
		"as the society's rules provide. The register of members is the proof of membership; this "+
		"certificate states what it held on the day above.")

	p.SetY(ph - 50)
	p.SetFont("Helvetica", "", 11)
	half := width / 2
	p.CellFormat(half, 6, pdfText("Issued "+longDate(c.On)), "", 0, "L", false, 0, "")
	p.CellFormat(half, 6, "", "B", 1, "L", false, 0, "")
	p.CellFormat(half, 6, "", "", 0, "L", false, 0, "")
	p.CellFormat(half, 6, pdfText("Secretary, for "+c.Society), "", 1, "L", false, 0, "")
	if err := p.Output(w); err != nil {
		return fmt.Errorf("society: certificate %s: %w", c.Reference, err)
	}
	return nil
}
