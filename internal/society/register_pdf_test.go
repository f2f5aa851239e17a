package society_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// pdfStreams inflates every compressed stream of a PDF, in order: the
// pages' contents come out as the text fpdf drew.
func pdfStreams(t testing.TB, pdf []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a whole PDF: %.20q", pdf)
	}
	var out []string
	re := regexp.MustCompile(`(?s)/Filter /FlateDecode /Length \d+>>\nstream\n(.*?)\nendstream`)
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// TestRegisterPDF writes a register of several pages on both engines and reads
// it back: every page carries the society, the as-of day and "page N of
// M"; every member is there, former ones with the day they ceased; the
// register as of an earlier day leaves out later members.
func TestRegisterPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		const n = 70
		for i := 1; i <= n; i++ {
			admit(t, s, fmt.Sprintf("Reader Number%03d", i), fmt.Sprintf("%d Long Road\nLeeds LS%d", i, i), "10", "2024-01-02")
		}
		if _, err := s.Apply(ctx, change(society.Withdrawal, 7, 10, "2025-03-01"), secretary); err != nil {
			t.Fatal(err)
		}
		last := admit(t, s, "Zoë Late", "1 New St, York", "5", "2025-06-01")
		long := "a" + strings.Repeat("b", 150) + "@example.org"
		if err := s.ChangeContact(ctx, last.Number, society.Contact{Name: "Zoë Late", Address: "1 New St, York", Email: long,
			EmailUse: society.EmailNotices, EffectiveOn: "2025-07-01"}, secretary); err != nil {
			t.Fatal(err)
		}
		var progress [][2]int
		var buf bytes.Buffer
		err := s.WriteRegisterPDF(ctx, &buf, "2025-12-31", society.RegisterPDF{Society: "The Daily Co-op Readers' Society",
			Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(progress) != 1 || progress[0] != [2]int{n + 1, n + 1} {
			t.Errorf("progress %v, want one report of %d of %d", progress, n+1, n+1)
		}
		pages := pdfStreams(t, buf.Bytes())
		if np := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); len(pages) < 3 || np != len(pages) {
			t.Fatalf("%d page streams, %d pages; want the same, at least 3", len(pages), np)
		}
		all := strings.Join(pages, "")
		for i, p := range pages {
			for _, w := range []string{"(Register of members of The Daily Co-op Readers' Society as of 31 December 2025)",
				fmt.Sprintf("(Page %d of %d)", i+1, len(pages)), "(Electronic address and its use)", "As of 31 December 2025"} {
				if !strings.Contains(p, w) {
					t.Errorf("page %d lacks %q", i+1, w)
				}
			}
		}
		for i := 1; i <= n; i++ {
			if !strings.Contains(all, fmt.Sprintf("(Reader Number%03d)", i)) {
				t.Errorf("member %d missing", i)
			}
		}
		// An address too long for its column is cut across lines, none
		// lost: the pieces put together give it back.
		var drawn strings.Builder
		for _, m := range regexp.MustCompile(`\(([^()]*)\) Tj`).FindAllStringSubmatch(all, -1) {
			drawn.WriteString(m[1])
		}
		if !strings.Contains(drawn.String(), long) || strings.Contains(all, "("+long+")") {
			t.Errorf("the long email is not drawn whole across lines")
		}
		for _, w := range []string{"(Zo\xeb Late)", "(Leeds LS70)", "(2025-03-01)", "(\xa310.00)",
			fmt.Sprintf("%d members and 1 former members as of 31 December 2025; share capital \xa3695.00.", n)} {
			if !strings.Contains(all, w) {
				t.Errorf("register lacks %q", w)
			}
		}

		buf.Reset()
		if err := s.WriteRegisterPDF(ctx, &buf, "2024-12-31", society.RegisterPDF{Society: "S"}); err != nil {
			t.Fatal(err)
		}
		if early := strings.Join(pdfStreams(t, buf.Bytes()), ""); strings.Contains(early, "Late") ||
			!strings.Contains(early, "(Reader Number007)") || strings.Contains(early, "(2025-03-01)") {
			t.Errorf("the register as of 2024-12-31 shows member %d or member 7's withdrawal", last.Number)
		}
	})
}

// TestRegisterPDFCancelled: a cancelled context stops the work, and the
// writer gets nothing, not half a file.
func TestRegisterPDFCancelled(t *testing.T) {
	d := dbtest.SQLite(t)
	s := newService(t, d)
	admit(t, s, "Ann Jones", "1 High St", "1", "2024-01-02")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	err := s.WriteRegisterPDF(ctx, &buf, "2025-01-01", society.RegisterPDF{Society: "S"})
	if !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Fatalf("err %v, %d bytes written", err, buf.Len())
	}
}
