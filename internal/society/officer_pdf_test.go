package society_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestOfficersPDF writes a register of officers of several pages on both
// engines and reads its text back: every page carries the society, the
// as-of day and "page N of M"; officers in office on the day and former
// officers with their terms are each listed once under their heading;
// the register as of an earlier day leaves out later appointments and
// shows ended terms as still running.
func TestOfficersPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		admit(t, s, "Ann Jones", "1 High St", "10", "2024-01-02")
		const n = 60
		for i := 1; i <= n; i++ {
			o := appoint(t, s, society.OfficerInput{Name: fmt.Sprintf("Director Number%02d", i), Office: "Director",
				Address: fmt.Sprintf("%d Board Lane\nLeeds LS%d", i, i), On: "2024-03-01"})
			if i%3 == 0 {
				if err := endOffice(t, s, o.ID, "2025-06-30", "resigned"); err != nil {
					t.Fatal(err)
				}
			}
		}
		appoint(t, s, society.OfficerInput{Name: "Zoë Chair", Office: "Chair", Member: "1", On: "2025-07-01"})
		var buf bytes.Buffer
		if err := s.WriteOfficersPDF(ctx, &buf, "2025-12-31", society.RegisterPDF{Society: "The Daily Co-op Readers' Society"}); err != nil {
			t.Fatal(err)
		}
		pages := pdfStreams(t, buf.Bytes())
		if np := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); len(pages) < 2 || np != len(pages) {
			t.Fatalf("%d page streams, %d pages; want the same, at least 2", len(pages), np)
		}
		for i, p := range pages {
			for _, w := range []string{"(Register of officers of The Daily Co-op Readers' Society as of 31 December 2025)",
				fmt.Sprintf("(Page %d of %d)", i+1, len(pages)), "(Why the term ended)", "As of 31 December 2025"} {
				if !strings.Contains(p, w) {
					t.Errorf("page %d lacks %q", i+1, w)
				}
			}
		}
		all := strings.Join(pages, "")
		current, former := strings.Index(all, "(In office at the close of 31 December 2025)"), strings.Index(all, "(Former officers)")
		if current < 0 || former < current {
			t.Fatalf("headings at %d and %d; want in office, then former", current, former)
		}
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("(Director Number%02d)", i)
			at, in := strings.Index(all, name), current < strings.Index(all, name) && strings.Index(all, name) < former
			if at < 0 || strings.Count(all, name) != 1 || in == (i%3 == 0) {
				t.Errorf("%s at %d, listed %d times; want once, under its heading", name, at, strings.Count(all, name))
			}
		}
		for _, w := range []string{"(Zo\xeb Chair)", "(Leeds LS60)", "(2025-06-30)", "(resigned)", "(2025-07-01)",
			"(41 officers in office and 20 former officers as of 31 December 2025.)"} {
			if !strings.Contains(all, w) {
				t.Errorf("register lacks %q", w)
			}
		}
		if strings.Contains(all, "(None.)") {
			t.Error("a part with officers says None.")
		}

		buf.Reset()
		if err := s.WriteOfficersPDF(ctx, &buf, "2024-12-31", society.RegisterPDF{Society: "S"}); err != nil {
			t.Fatal(err)
		}
		early := strings.Join(pdfStreams(t, buf.Bytes()), "")
		for _, w := range []string{"(60 officers in office and 0 former officers as of 31 December 2024.)", "(None.)"} {
			if !strings.Contains(early, w) {
				t.Errorf("the register as of 2024-12-31 lacks %q", w)
			}
		}
		if strings.Contains(early, "Chair") || strings.Contains(early, "(resigned)") {
			t.Error("the register as of 2024-12-31 shows a later appointment or end")
		}
		if err := s.WriteOfficersPDF(ctx, &buf, "2024-12-31", society.RegisterPDF{}); err == nil {
			t.Error("written without the society's name")
		}
	})
}
