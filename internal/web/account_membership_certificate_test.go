package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// pdfStartXref finds the offset a PDF's trailer gives for its
// cross-reference table.
var pdfStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// readPDF checks that body is one whole PDF, reading its structure: the
// header, the trailer's offset pointing at the cross-reference table, and
// every object that table lists starting where it says; it returns the
// text shown on the page, the strings of its (uncompressed) text stream.
func readPDF(t *testing.T, body string) string {
	t.Helper()
	if !strings.HasPrefix(body, "%PDF-1.") {
		t.Fatalf("no PDF header: %.20q", body)
	}
	m := pdfStartXref.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no startxref at the end: %q", body[max(0, len(body)-60):])
	}
	at, _ := strconv.Atoi(m[1])
	if at >= len(body) || !strings.HasPrefix(body[at:], "xref") {
		t.Fatalf("startxref %d does not point at the xref table", at)
	}
	lines := strings.Split(body[at:], "\n")
	var start, count int
	if _, err := fmt.Sscan(lines[1], &start, &count); err != nil {
		t.Fatalf("xref subsection %q: %v", lines[1], err)
	}
	for i := 1; i < count; i++ { // object 0 is the free list's head
		// Offsets are ten zero-padded decimal digits, which Sscan
		// would read as octal.
		off, err := strconv.Atoi(strings.TrimLeft(strings.Fields(lines[2+i])[0], "0"))
		if err != nil {
			t.Fatalf("xref entry %q: %v", lines[2+i], err)
		}
		if want := strconv.Itoa(start+i) + " 0 obj"; !strings.HasPrefix(body[off:], want) {
			t.Fatalf("xref says object %d is at %d, found %.12q", start+i, off, body[off:])
		}
	}
	var text []string
	for _, s := range regexp.MustCompile(`\((.*?)\)\s*Tj`).FindAllStringSubmatch(body, -1) {
		text = append(text, s[1])
	}
	return strings.Join(text, "\n")
}

// TestMemberCertificate: a member downloads their own share certificate,
// which parses as a PDF and names them, their holding and their number;
// there is no address for anyone else's, a reader with no membership or
// a former member gets a 404, and no session is sent to sign in.
func TestMemberCertificate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc))
		reader := h.persona(t, account.Reader)
		admitMember(t, soc, "Someone Else", 7)
		m := admitMember(t, soc, "Rita Reader", 125)
		if err := soc.Link(ctx, m.Number, reader.account.ID, account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		res := h.do(t, req{path: "/account/membership/certificate.pdf", token: reader.token})
		if res.status != 200 || res.header.Get("Content-Type") != "application/pdf" ||
			res.header.Get("Content-Disposition") != `attachment; filename="share-certificate-2.pdf"` ||
			res.header.Get("Cache-Control") != "no-store, private" {
			t.Fatalf("certificate: %d %v", res.status, res.header)
		}
		text := readPDF(t, res.body)
		for _, want := range []string{"Rita Reader", "member number 2, holds 125 withdrawable shares", "has been paid"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate's text lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Someone Else") {
			t.Error("the certificate names another member")
		}
		if page := h.do(t, req{path: "/account/membership", token: reader.token}); !strings.Contains(page.body, `href="/account/membership/certificate.pdf"`) {
			t.Error("the membership page has no link to the certificate")
		}

		outsider := h.readerSession(t, "outsider@example.org")
		if res := h.do(t, req{path: "/account/membership/certificate.pdf", token: outsider}); res.status != http.StatusNotFound {
			t.Errorf("a non-member's certificate: %d, want 404", res.status)
		}
		if res := h.do(t, req{path: "/account/membership/certificate.pdf"}); res.status != http.StatusSeeOther ||
			res.header.Get("Location") != "/account/signin" {
			t.Errorf("no session: %d %s", res.status, res.header.Get("Location"))
		}
		if _, err := soc.Apply(ctx, society.Change{Member: m.Number, Kind: society.Withdrawal, Shares: 125, On: "2024-11-01",
			Reason: "leaving"}, account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		if res := h.do(t, req{path: "/account/membership/certificate.pdf", token: reader.token}); res.status != http.StatusNotFound {
			t.Errorf("a former member's certificate: %d, want 404", res.status)
		}
	})
}
