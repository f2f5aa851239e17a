package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/media"
)

// uploadPath is the one address whose body may be larger than maxBody; the
// middleware leaves its limit to adminMediaUpload, which sets its own.
const uploadPath = "/admin/media"

// isUpload reports whether r is an image upload, for the middleware.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == uploadPath
}

// uploadOverhead is room beyond the image for the text fields and the
// multipart framing.
const uploadOverhead = 1 << 20

// maxUploadField bounds each text field read from the multipart form; the
// media package's own limits are smaller, so a longer value is reported as
// too long rather than cut silently.
const maxUploadField = 16 << 10

// uploadForm is what the upload form sent.
type uploadForm struct {
	meta     media.Meta
	file     io.Reader // nil when no file was chosen
	filename string
}

// readUploadForm streams the multipart form: text fields into strings, the
// file into memory up to one byte over the store's limit (so the store can
// say it is too large), without temporary files. Problems with the request
// itself become messages beside the file field; what was read before them
// is kept, and the form puts the text fields first so they survive.
func (s *Server) readUploadForm(w http.ResponseWriter, r *http.Request, e *fieldErrors) (uploadForm, error) {
	var f uploadForm
	limit := s.media.MaxBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		e.Add("file", "Choose an image file to upload.")
		return f, nil
	}
	tooLarge := fmt.Sprintf("This file is larger than %d MB. Export a smaller version and try again.", limit>>20)
	bodyError := func(err error) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e.Add("file", tooLarge)
		} else {
			e.Add("file", "The upload did not arrive whole. Try again.")
		}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			if r.Context().Err() != nil {
				return f, r.Context().Err()
			}
			bodyError(err)
			return f, nil
		}
		switch name := part.FormName(); name {
		case "alt", "caption", "credit":
			b, err := io.ReadAll(io.LimitReader(part, maxUploadField))
			if err != nil {
				bodyError(err)
				return f, nil
			}
			v := string(b)
			if !utf8.ValidString(v) {
				e.Add(name, "This field contains characters we could not read.")
				v = strings.ToValidUTF8(v, "")
			}
			switch name {
			case "alt":
				f.meta.Alt = v
			case "caption":
				f.meta.Caption = v
			default:
				f.meta.Credit = v
			}
		case "file":
			b, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				bodyError(err)
				return f, nil
			}
			// A form sent with no file chosen has an empty file part.
			if len(b) > 0 || part.FileName() != "" {
				f.file, f.filename = bytes.NewReader(b), part.FileName()
			}
		}
		_ = part.Close()
	}
}

// uploadRetryAfter is the Retry-After, in seconds, sent with an upload
// refused because every decoding slot stayed taken: about two uploads'
// worth of decoding.
const uploadRetryAfter = "30"

// uploadBusy answers an upload that found the image library's decoding
// slots all taken (media.ErrBusy): 503 with Retry-After, so a script
// knows to retry, and the form again with the reason beside the file
// field and the typed text kept, so a person does too.
func (s *Server) uploadBusy(w http.ResponseWriter, r *http.Request, p *mediaLibraryPage) error {
	w.Header().Set("Retry-After", uploadRetryAfter)
	p.Errors.Add("file", "Too many images are being processed just now. Wait half a minute, then upload this one again.")
	return s.renderMediaLibrary(w, r, http.StatusServiceUnavailable, p)
}
