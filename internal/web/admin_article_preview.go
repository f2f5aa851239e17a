package web

import (
	"net/http"
	"unicode/utf8"
)

// adminPreview renders posted Markdown exactly as readers would get it:
// through the same renderer and sanitiser as a save, so the preview can
// show nothing the page would not. editor.js puts the answer in the
// preview pane; it is an HTML fragment, already safe.
func (s *Server) adminPreview(w http.ResponseWriter, r *http.Request) error {
	body := r.PostFormValue("body")
	if !utf8.ValidString(body) {
		return badRequest("The text contains characters we could not read.")
	}
	html, err := s.articles.Renderer().HTML(body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(html))
	return err
}
