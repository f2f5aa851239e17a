package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/media"
)

// mediaRoles may upload images and edit their text: everyone who writes
// or edits articles. Images are newsroom things; an admin who needs them
// holds a newsroom role too, since no role implies another.
func mediaRoles() []account.Role {
	return []account.Role{account.Writer, account.Editor}
}

// errNoMedia answers when the server was built without an image store.
var errNoMedia = &httpError{Status: http.StatusServiceUnavailable, Message: "The image library is not set up on this server."}

// mediaRow is one image in the library list, with its thumbnail's size.
type mediaRow struct {
	media.Image
	ThumbW, ThumbH int
}

// mediaLibraryPage lists the library and holds the upload form, which
// keeps what was typed when an upload is refused.
type mediaLibraryPage struct {
	adminFrame
	Images     []mediaRow
	Page       int
	Prev, Next int
	Total      int
	Meta       media.Meta
	MaxMB      int64
}

func (s *Server) adminMediaLibrary(w http.ResponseWriter, r *http.Request) error {
	if s.media == nil {
		return errNoMedia
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	p := &mediaLibraryPage{adminFrame: s.newAdminFrame(r, "Images"), Page: page}
	return s.renderMediaLibrary(w, r, http.StatusOK, p)
}

func (s *Server) renderMediaLibrary(w http.ResponseWriter, r *http.Request, status int, p *mediaLibraryPage) error {
	list, total, err := s.media.List(r.Context(), p.Page)
	if err != nil {
		return err
	}
	const thumb = 160
	for _, im := range list {
		p.Images = append(p.Images, mediaRow{Image: im, ThumbW: thumb, ThumbH: max(1, thumb*im.Height/im.Width)})
	}
	p.Total, p.MaxMB = total, s.media.MaxBytes()>>20
	if p.Page > 1 {
		p.Prev = p.Page - 1
	}
	if p.Page*media.PerPage < total {
		p.Next = p.Page + 1
	}
	return s.renderAdmin(w, status, "admin_media", p)
}

// adminMediaUpload takes one image with its alt text, caption and credit.
func (s *Server) adminMediaUpload(w http.ResponseWriter, r *http.Request) error {
	if s.media == nil {
		return errNoMedia
	}
	p := &mediaLibraryPage{adminFrame: s.newAdminFrame(r, "Images"), Page: 1}
	form, err := s.readUploadForm(w, r, &p.Errors)
	if err != nil {
		return err
	}
	p.Meta = form.meta
	if _, err := form.meta.Normalize(); err != nil {
		p.Errors.addValidation(err, "")
	}
	if form.file == nil && p.Errors.Of("file") == "" {
		p.Errors.Add("file", "Choose an image file to upload.")
	}
	if len(p.Errors) > 0 {
		return s.renderMediaLibrary(w, r, http.StatusUnprocessableEntity, p)
	}
	im, err := s.media.Upload(r.Context(), form.file, form.filename, form.meta, actor(r))
	if err != nil {
		if errors.Is(err, media.ErrBusy) {
			return s.uploadBusy(w, r, p)
		}
		if p.Errors.addValidation(err, "") {
			return s.renderMediaLibrary(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	done := "uploaded"
	if im.Existing {
		done = "existing"
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/media/%d?%s=1", im.ID, done), http.StatusSeeOther)
	return nil
}

// mediaEditPage shows one image, its sizes and the form for its text.
type mediaEditPage struct {
	adminFrame
	Image media.Image
	Meta  media.Meta
}

func (s *Server) loadMedia(r *http.Request) (media.Image, error) {
	if s.media == nil {
		return media.Image{}, errNoMedia
	}
	id, err := pathID(r, "id")
	if err != nil {
		return media.Image{}, err
	}
	return s.media.Get(r.Context(), id)
}

func (s *Server) adminMediaEdit(w http.ResponseWriter, r *http.Request) error {
	im, err := s.loadMedia(r)
	if err != nil {
		return err
	}
	p := &mediaEditPage{adminFrame: s.newAdminFrame(r, "Image: "+im.Alt), Image: im, Meta: im.Meta}
	switch q := r.URL.Query(); {
	case q.Get("uploaded") != "":
		p.Notice = "Image uploaded."
	case q.Get("existing") != "":
		p.Notice = "This file was already in the library, so here it is; its text is unchanged."
	case q.Get("saved") != "":
		p.Notice = "Saved."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_media_edit", p)
}

func (s *Server) adminMediaSave(w http.ResponseWriter, r *http.Request) error {
	im, err := s.loadMedia(r)
	if err != nil {
		return err
	}
	p := &mediaEditPage{adminFrame: s.newAdminFrame(r, "Image: "+im.Alt), Image: im}
	_ = r.ParseForm()
	p.Meta = media.Meta{
		Alt:     formValue(r, &p.Errors, "alt", "The alt text", media.MaxAlt),
		Caption: formValue(r, &p.Errors, "caption", "The caption", media.MaxCaption),
		Credit:  formValue(r, &p.Errors, "credit", "The credit", media.MaxCredit),
	}
	if len(p.Errors) == 0 {
		if _, err = s.media.UpdateMeta(r.Context(), im.ID, p.Meta, actor(r)); err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_media_edit", p)
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/media/%d?saved=1", im.ID), http.StatusSeeOther)
	return nil
}
