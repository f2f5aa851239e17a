package society_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// pdfOf writes c and checks the result is one whole PDF.
func pdfOf(t *testing.T, c society.Certificate) string {
	t.Helper()
	var b bytes.Buffer
	if err := society.WriteCertificate(&b, c); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "%PDF-1.") || !strings.HasSuffix(strings.TrimSpace(out), "%%EOF") {
		t.Fatalf("not a whole PDF: %.20q … %.20q", out, out[max(0, len(out)-20):])
	}
	if n := strings.Count(out, "/Type /Page\n"); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	return out
}

// TestCertificateStatesTheHolding builds certificates from the register
// on both engines and reads the member's name, number and holding back
// out of the PDF's text stream.
func TestCertificateStatesTheHolding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		admit(t, s, "Ann Jones", "1 High St\nLeeds LS1 1AA", "250", "2024-03-01")
		admit(t, s, "Łucja Żółć", "2 Low Rd, Hull", "1", "2024-05-01")
		if _, err := s.Apply(ctx, change(society.Allotment, 1, 1000, "2025-01-10"), secretary); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, change(society.Withdrawal, 2, 1, "2025-02-01"), secretary); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			number int64
			on     string
			want   []string
		}{
			{"first allotment", 1, "2024-12-31", []string{"(Ann Jones)", "member number 1, holds 250 withdrawable shares of \xa31 each",
				"\xa3250 has been paid", "31 December 2024", "1 High St, Leeds LS1 1AA", "(Certificate SC-1-1)"}},
			{"after more shares", 1, "2025-06-01", []string{"(Ann Jones)", "holds 1250 withdrawable shares", "\xa31,250 has been paid",
				"1 June 2025", "(Certificate SC-1-3)"}},
			// Ł is not in the core fonts' code page: its base letter stands in.
			{"one share, a name outside the code page", 2, "2024-05-01", []string{"(Lucja Z\xf3lc)", "holds 1 withdrawable share of"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c, err := s.Certificate(ctx, tc.number, tc.on)
				if err != nil {
					t.Fatal(err)
				}
				c.Society = "The Daily Co-op Readers' Society Limited"
				out := pdfOf(t, c)
				for _, w := range append(tc.want, "(The Daily Co-op Readers' Society Limited)", "Share certificate") {
					if !strings.Contains(out, w) {
						t.Errorf("PDF lacks %q", w)
					}
				}
				if want := "share-certificate-" + c.Reference + ".pdf"; c.Filename() != want {
					t.Errorf("file name %q, want %q", c.Filename(), want)
				}
				if again := pdfOf(t, c); again != out {
					t.Error("the same certificate gave different bytes")
				}
			})
		}
		for _, tc := range []struct {
			name   string
			number int64
			on     string
			cause  error
		}{
			{"no such member", 9, "2025-06-01", society.ErrNotFound},
			{"not yet admitted", 2, "2024-04-30", society.ErrNotFound},
			{"former member", 2, "2025-06-01", society.ErrCeased},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Certificate(ctx, tc.number, tc.on)
				var ve valid.Error
				if !errors.Is(err, tc.cause) || !errors.As(err, &ve) || ve.Field != society.FieldMember {
					t.Fatalf("got %v, want a valid.Error on member for %v", err, tc.cause)
				}
			})
		}
	})
}

func TestWriteCertificateRefusesAnEmptyOne(t *testing.T) {
	good := society.Certificate{Society: "S", Reference: "SC-1-1", Number: 1, Name: "Ann", Shares: 1, Paid: 100,
		Nominal: 100, Currency: "GBP", On: "2025-01-01"}
	pdfOf(t, good)
	for name, spoil := range map[string]func(*society.Certificate){
		"no society": func(c *society.Certificate) { c.Society = " " },
		"no name":    func(c *society.Certificate) { c.Name = "" },
		"no shares":  func(c *society.Certificate) { c.Shares = 0 },
		"bad date":   func(c *society.Certificate) { c.On = "2025-02-30" },
	} {
		c := good
		spoil(&c)
		var b bytes.Buffer
		if err := society.WriteCertificate(&b, c); err == nil || b.Len() != 0 {
			t.Errorf("%s: err %v, %d bytes written", name, err, b.Len())
		}
	}
	odd := good
	odd.Reference = "../\"x\"\r\n"
	if got := odd.Filename(); got != "share-certificate-x.pdf" {
		t.Errorf("a reference with a path and a quote gives the file name %q", got)
	}
}
