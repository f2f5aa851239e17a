package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"

	"github.com/coopress/coopress/internal/media"
)

// mediaFile serves one image rendition from the library's store (the data
// directory, or a bucket every node shares). The names
// are their content, so browsers and caches may keep them for a year
// without asking again. Anything that is not a rendition's name is a 404:
// media.Store.Open accepts only "KEY-WIDTH.jpg|png" and opens it inside
// the media directory.
func (s *Server) mediaFile(w http.ResponseWriter, r *http.Request) error {
	if s.media == nil {
		return errNotFound
	}
	name := r.PathValue("file")
	f, contentType, err := s.media.Open(r.Context(), name)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+name+`"`)
	http.ServeContent(w, r, "", f.ModTime(), f)
	return nil
}

// imgTag is the <img> for an image from the library: every rendition in
// srcset, sizes as the page's layout gives it (a CSS length list such as
// "(min-width: 60rem) 40rem, 100vw"; "100vw" when empty), the largest
// rendition's width and height so the browser reserves the space, and the
// alt text. Templates call it as mediaImg (for images in the first screen,
// such as an article's featured image) or mediaImgLazy (further down).
func imgTag(im media.Image, sizes string, lazy bool) template.HTML {
	if len(im.Renditions) == 0 {
		return ""
	}
	if sizes == "" {
		sizes = "100vw"
	}
	loading := ""
	if lazy {
		loading = ` loading="lazy"`
	}
	// Every value is escaped here; the URLs are made of hex and digits.
	return template.HTML(fmt.Sprintf(`<img src="%s" srcset="%s" sizes="%s" width="%d" height="%d" alt="%s" decoding="async"%s>`,
		html.EscapeString(im.Src()), html.EscapeString(im.SrcSet()), html.EscapeString(sizes),
		im.Width, im.Height, html.EscapeString(im.Alt), loading))
}

// mediaImg is the template helper for an image in the first screen:
// {{mediaImg .Image "(min-width: 60rem) 40rem, 100vw"}}.
func mediaImg(im media.Image, sizes string) template.HTML { return imgTag(im, sizes, false) }

// mediaImgLazy is mediaImg for images further down the page, which the
// browser fetches only as they come near.
func mediaImgLazy(im media.Image, sizes string) template.HTML { return imgTag(im, sizes, true) }
