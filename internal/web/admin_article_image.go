package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/media"
)

// imageChoice is one picture the featured-image picker offers.
type imageChoice struct {
	Value, Label, Thumb string
	Selected            bool
}

// keepImage is the picker's value for an image from before the library
// (imports, demo content): it stays as it is.
const keepImage = "keep"

// imageChoices lists the newest library images, with the article's own
// selected. The value is the image's id; the article then holds its URL.
func (s *Server) imageChoices(r *http.Request, cur article.Story, chosen string) ([]imageChoice, error) {
	out := []imageChoice{{Value: "", Label: "No image", Selected: chosen == "" && cur.Image.URL == ""}}
	found := false
	if s.media != nil {
		list, _, err := s.media.List(r.Context(), 1)
		if err != nil {
			return nil, err
		}
		for _, im := range list {
			id := strconv.FormatInt(im.ID, 10)
			sel := chosen == id || (chosen == "" && cur.Image.URL != "" && im.Src() == cur.Image.URL)
			found = found || sel
			out = append(out, imageChoice{Value: id, Label: im.Filename + " · " + im.Alt, Thumb: im.Thumb(), Selected: sel})
		}
	}
	if cur.Image.URL != "" && !found {
		out = append(out, imageChoice{Value: keepImage, Label: "The current image", Selected: chosen == "" || chosen == keepImage})
	}
	return out, nil
}

// applyImage sets the featured image of next from the picker: a library
// image by id (its alt text, caption and credit fill any the form left
// empty), the current one kept, or none. Alt text is required whenever
// there is an image, since a reader who cannot see it must still be told
// what it shows.
func (s *Server) applyImage(r *http.Request, cur article.Story, f *articleForm, next *article.Story, e *fieldErrors) {
	switch f.ImageID {
	case "":
		next.Image = article.Image{}
		return
	case keepImage:
		next.Image.URL = cur.Image.URL
	default:
		id, err := strconv.ParseInt(f.ImageID, 10, 64)
		var im media.Image
		if err == nil && id > 0 && s.media != nil {
			im, err = s.media.Get(r.Context(), id)
		}
		if err != nil || id <= 0 || s.media == nil {
			e.Add("image_id", "Choose an image from the library.")
			return
		}
		next.Image.URL = im.Src()
		if next.Image.Alt == "" {
			next.Image.Alt, f.ImageAlt = im.Alt, im.Alt
		}
		if next.Image.Caption == "" {
			next.Image.Caption, f.ImageCaption = im.Caption, im.Caption
		}
		if next.Image.Credit == "" {
			next.Image.Credit, f.ImageCredit = im.Credit, im.Credit
		}
	}
	if strings.TrimSpace(next.Image.Alt) == "" {
		e.Add("image_alt", "Describe the image for people who cannot see it (alt text).")
	}
}
