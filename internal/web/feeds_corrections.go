package web

import (
	"context"
	"html"
	"strings"

	"github.com/coopress/coopress/internal/article"
)

// feedCorrections appends each article's dated corrections and updates to
// its feed body, as the article page lists them under the text, and moves
// its modification time to the latest note. A reader who saw the first
// version only learns of a correction if the entry itself changes.
// Bodies must already be sanitised: the notes are plain text, escaped here,
// and this markup is our own.
func (s *Server) feedCorrections(ctx context.Context, list []article.Article) error {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	notes, err := s.articles.CorrectionsOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		cs := notes[list[i].ID]
		if len(cs) == 0 {
			continue
		}
		list[i].BodyHTML += s.correctionsHTML(cs)
		if last := cs[len(cs)-1].At; last.After(list[i].UpdatedAt) {
			list[i].UpdatedAt = last
		}
	}
	return nil
}

// correctionsHTML is the short list that follows a body in a feed:
// "Correction, 6 November 2024: …", dated in the paper's own time zone
// like its pages.
func (s *Server) correctionsHTML(cs []article.Correction) string {
	var b strings.Builder
	b.WriteString("\n<p><strong>Corrections and updates</strong></p>\n<ul>")
	for _, c := range cs {
		label := "Correction"
		if c.Kind == article.KindUpdate {
			label = "Update"
		}
		b.WriteString("<li>")
		b.WriteString(label)
		b.WriteString(", ")
		b.WriteString(c.At.In(s.site.Location).Format("2 January 2006"))
		b.WriteString(": ")
		b.WriteString(html.EscapeString(c.Text))
		b.WriteString("</li>")
	}
	b.WriteString("</ul>\n")
	return b.String()
}
