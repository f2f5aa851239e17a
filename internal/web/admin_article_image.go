package web

import (
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/article"
)

// applyImage sets the featured image of next from the form: the picture an
// article already has is kept, and its alt text is required whenever there
// is one, since a reader who cannot see it must still be told what it is.
func (s *Server) applyImage(r *http.Request, cur article.Story, f *articleForm, next *article.Story, e *fieldErrors) {
	next.Image.URL = cur.Image.URL
	if next.Image.URL != "" && strings.TrimSpace(f.ImageAlt) == "" {
		e.Add("image_alt", "Describe the image for people who cannot see it (alt text).")
	}
}
