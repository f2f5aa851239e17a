// Package media keeps the paper's images: it checks what staff upload,
// stores the original under a name derived from its content, writes
// resized copies for responsive pages and records each image's alt text,
// caption and credit. It knows nothing of HTTP; internal/web serves the
// files and the pages.
package media

import (
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
)

// ErrNotFound is db.ErrNotFound, so callers test for one sentinel only.
var ErrNotFound = db.ErrNotFound

// The reasons an upload is refused. Upload wraps each in a valid.Error
// for the "file" field, so a form can show it and a caller can still test
// it with errors.Is.
var (
	ErrTooLarge      = errors.New("media: file too large")
	ErrTooManyPixels = errors.New("media: too many pixels")
	ErrUnsupported   = errors.New("media: not a JPEG, PNG or WebP image")
)

// Widths returns the rendition widths written for every image, smallest
// first. An image narrower than one of them is never enlarged: its own
// width becomes its largest rendition instead. A function, not a variable,
// so no caller can change them for everyone.
func Widths() []int { return []int{480, 960, 1600} }

// Limits on the describing text, generous for real use and small enough
// that a page never carries a novel in an attribute.
const (
	MaxAlt      = 1000
	MaxCaption  = 2000
	MaxCredit   = 200
	maxFilename = 255
)

// Meta is what people write about an image.
type Meta struct {
	Alt     string
	Caption string
	Credit  string
}

// Normalize trims the fields and checks them: alt text is required, every
// field must be valid UTF-8 and within its limit. It returns the first
// problem as a valid.Error named after the form field.
func (m Meta) Normalize() (Meta, error) {
	m.Alt, m.Caption, m.Credit = strings.TrimSpace(m.Alt), strings.TrimSpace(m.Caption), strings.TrimSpace(m.Credit)
	for _, f := range []struct {
		field, label, value string
		max                 int
	}{{"alt", "The alt text", m.Alt, MaxAlt}, {"caption", "The caption", m.Caption, MaxCaption}, {"credit", "The credit", m.Credit, MaxCredit}} {
		if !utf8.ValidString(f.value) {
			return m, valid.Error{Field: f.field, Message: f.label + " contains characters we could not read."}
		}
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return m, valid.Error{Field: f.field, Message: fmt.Sprintf("%s is too long (%d characters at most).", f.label, f.max)}
		}
	}
	if m.Alt == "" {
		return m, valid.Error{Field: "alt", Message: "Describe the image for people who cannot see it (alt text)."}
	}
	return m, nil
}

// Rendition is one resized copy of an image.
type Rendition struct {
	Width, Height int
	// Name is the file name under /media/, such as "3f2a…-960.jpg".
	Name string
	// base is where browsers fetch it from: empty for /media/ on the
	// site, or the store's PublicURL.
	base string
}

// URL is the rendition's address: /media/NAME on the site, or under the
// store's public address when renditions come straight from a bucket or
// a CDN.
func (r Rendition) URL() string {
	if r.base != "" { // the bucket's layout: KEY[:2]/NAME
		return r.base + r.Name[:2] + "/" + r.Name
	}
	return "/media/" + r.Name
}

// Image is one image in the library.
type Image struct {
	ID       int64
	Filename string // as uploaded; shown to staff only, never trusted
	Key      string // content-derived storage key
	// ContentType is the original's type; renditions are JPEG or PNG.
	ContentType string
	// OrigWidth and OrigHeight are the uploaded file's dimensions.
	OrigWidth, OrigHeight int
	// Width and Height are the largest rendition's, for <img width height>
	// so the browser reserves the right space before the image arrives.
	Width, Height int
	Bytes         int64
	SHA256        string
	Meta
	UploadedBy int64 // zero when uploaded from the command line
	UploadedAt time.Time
	Renditions []Rendition // smallest first
	// Existing is set by Upload when the same file was already in the
	// library: the image returned is that one, unchanged.
	Existing bool
}

// Src is a middle-sized rendition, for browsers that ignore srcset.
func (im Image) Src() string {
	if len(im.Renditions) == 0 {
		return ""
	}
	return im.Renditions[(len(im.Renditions)-1)/2].URL()
}

// Thumb is the smallest rendition, for lists.
func (im Image) Thumb() string {
	if len(im.Renditions) == 0 {
		return ""
	}
	return im.Renditions[0].URL()
}

// SrcSet lists every rendition with its width descriptor, for <img
// srcset>: "/media/KEY-480.jpg 480w, /media/KEY-960.jpg 960w, …".
func (im Image) SrcSet() string {
	var b strings.Builder
	for i, r := range im.Renditions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.URL())
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(r.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// renditionsFor works out the copies of a w×h original: the standard
// widths below w, then w itself capped at the largest standard width.
func renditionsFor(key, ext string, w, h int) []Rendition {
	var out []Rendition
	ws := Widths()
	add := func(rw int) {
		rh := max(1, (h*rw+w/2)/w)
		out = append(out, Rendition{Width: rw, Height: rh, Name: fmt.Sprintf("%s-%d.%s", key, rw, ext)})
	}
	for _, rw := range ws {
		if rw < w {
			add(rw)
		}
	}
	if top := min(w, ws[len(ws)-1]); len(out) == 0 || out[len(out)-1].Width != top {
		add(top)
	}
	return out
}

// withRenditions fills the fields derived from the stored ones.
func (im Image) withRenditions(ext string) Image {
	im.Renditions = renditionsFor(im.Key, ext, im.OrigWidth, im.OrigHeight)
	top := im.Renditions[len(im.Renditions)-1]
	im.Width, im.Height = top.Width, top.Height
	return im
}
