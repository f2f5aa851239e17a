package article_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestRevisionsDiffAndRestore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newNewsroomFixture(t, d, nil)
		st := f.draft(t, f.writer, "Council cuts libraries")
		first := st.Version
		st.BodyMD = "First line\nA new second line\nThird line\n"
		if err := f.room.Save(ctx, f.writer, st); err != nil {
			t.Fatal(err)
		}
		st.Headline = "Council cuts five libraries"
		if err := f.room.Save(ctx, f.writer, st); err != nil {
			t.Fatal(err)
		}
		revs, err := f.store.Revisions(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 3 || revs[2].Version != first || revs[0].Headline != "Council cuts five libraries" {
			t.Fatalf("revisions: %+v", revs)
		}
		if revs[2].SavedBy != f.writer.ID || revs[2].SavedByName != f.writer.Name {
			t.Errorf("saved by %d %q", revs[2].SavedBy, revs[2].SavedByName)
		}
		diff := article.Diff(revs[2], revs[0])
		var got []string
		for _, l := range diff {
			switch l.Op {
			case article.DiffDelete:
				got = append(got, "-"+l.Text)
			case article.DiffInsert:
				got = append(got, "+"+l.Text)
			}
		}
		want := "-Headline: Council cuts libraries|+Headline: Council cuts five libraries|-Second line|+A new second line|+Third line"
		if strings.Join(got, "|") != want {
			t.Fatalf("diff %q\nwant %q", strings.Join(got, "|"), want)
		}

		// Writers cannot restore; editors restore as a new revision.
		if _, err := f.room.Restore(ctx, f.writer, st.ID, revs[2].ID); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer restore: %v", err)
		}
		back, err := f.room.Restore(ctx, f.editor, st.ID, revs[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Headline != "Council cuts libraries" || back.BodyMD != "First line\nSecond line\n" || back.Version <= revs[0].Version {
			t.Fatalf("restored: %q %q v%d", back.Headline, back.BodyMD, back.Version)
		}
		if revs, _ := f.store.Revisions(ctx, st.ID); len(revs) != 4 || revs[0].SavedBy != f.editor.ID {
			t.Fatalf("after restore %d revisions", len(revs))
		}
		if _, err := f.room.Restore(ctx, f.editor, st.ID, 987654); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("restore a missing revision: %v", err)
		}
		// Revisions are append-only in the database itself.
		if _, err := d.ExecContext(ctx, `DELETE FROM article_revisions WHERE article_id = $1`, st.ID); err == nil {
			t.Fatal("deleted revisions")
		}
	})
}

func TestDiffLines(t *testing.T) {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "")
	}
	for _, tc := range []struct{ a, b string }{
		{"", ""}, {"abc", "abc"}, {"", "abc"}, {"abc", ""}, {"abcabba", "cbabac"}, {"abcdef", "azcdxf"},
		{"xaxbxcx", "yaybycy"}, {"aaaa", "aa"}, {"kitten", "sitting"},
	} {
		a, b := split(tc.a), split(tc.b)
		diff := article.DiffLines(a, b)
		var ra, rb []string
		edits := 0
		for _, l := range diff {
			if l.Op != article.DiffInsert {
				ra = append(ra, l.Text)
				if a[l.Old-1] != l.Text {
					t.Errorf("%q→%q: old line %d is %q, diff says %q", tc.a, tc.b, l.Old, a[l.Old-1], l.Text)
				}
			}
			if l.Op != article.DiffDelete {
				rb = append(rb, l.Text)
				if b[l.New-1] != l.Text {
					t.Errorf("%q→%q: new line %d is %q, diff says %q", tc.a, tc.b, l.New, b[l.New-1], l.Text)
				}
			}
			if l.Op != article.DiffEqual {
				edits++
			}
		}
		if strings.Join(ra, "") != tc.a || strings.Join(rb, "") != tc.b {
			t.Errorf("%q→%q: diff rebuilds %q→%q", tc.a, tc.b, strings.Join(ra, ""), strings.Join(rb, ""))
		}
		if lcs := lcsLen(a, b); edits != len(a)+len(b)-2*lcs {
			t.Errorf("%q→%q: %d edits, shortest is %d", tc.a, tc.b, edits, len(a)+len(b)-2*lcs)
		}
	}
}

// lcsLen is the textbook dynamic programme, to check the diff is minimal.
func lcsLen(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestCorrections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newNewsroomFixture(t, d, nil)
		st := f.draft(t, f.writer, "Pay offer rejected")
		if _, err := f.room.AddCorrection(ctx, f.editor, st.ID, article.KindCorrection, "Too early"); !isField(err, "text") {
			t.Fatalf("correction on a draft: %v", err)
		}
		if _, err := f.room.Publish(ctx, f.editor, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.room.AddCorrection(ctx, f.writer, st.ID, article.KindCorrection, "x"); !errors.Is(err, article.ErrForbidden) {
			t.Fatalf("writer correction: %v", err)
		}
		for _, bad := range []struct {
			kind article.CorrectionKind
			text string
		}{{"erratum", "x"}, {article.KindUpdate, "  "}, {article.KindUpdate, "\xff\xfe"}, {article.KindUpdate, strings.Repeat("x", 2001)}} {
			if _, err := f.room.AddCorrection(ctx, f.editor, st.ID, bad.kind, bad.text); err == nil {
				t.Errorf("accepted %q %.20q", bad.kind, bad.text)
			}
		}
		f.advance(time.Hour)
		if _, err := f.room.AddCorrection(ctx, f.editor, st.ID, article.KindCorrection, "An earlier version gave the offer as 4%; it was 3%."); err != nil {
			t.Fatal(err)
		}
		f.advance(time.Hour)
		if _, err := f.room.AddCorrection(ctx, f.editor, st.ID, article.KindUpdate, "The union has called a ballot."); err != nil {
			t.Fatal(err)
		}
		cs, err := f.store.Corrections(ctx, st.ID)
		if err != nil || len(cs) != 2 || cs[0].Kind != article.KindCorrection || cs[1].Kind != article.KindUpdate ||
			!cs[1].At.Equal(f.clock) || cs[0].ByID != f.editor.ID {
			t.Fatalf("corrections %+v %v", cs, err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE article_corrections SET text = 'rewritten'`); err == nil {
			t.Fatal("a correction was rewritten")
		}
	})
}
