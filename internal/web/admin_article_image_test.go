package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/media"
)

// TestFeaturedImageFromTheLibrary picks an uploaded image by id: the
// article then holds its URL and the library's alt text, the public page
// shows it, a missing alt text or an unknown id is refused beside its field.
func TestFeaturedImageFromTheLibrary(t *testing.T) {
	d := dbtest.SQLite(t)
	s, images := newMediaSite(t, d)
	ed := s.person(t, "editor@example.org", account.Editor)
	token := s.session(t, ed)
	im, err := images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 1200, 800)), "dock.jpg",
		media.Meta{Alt: "Pickets at the dock gate", Credit: "Ann Photographer"}, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := s.articles.SectionBySlug(context.Background(), "world")
	form := url.Values{"headline": {"Pickets at Felixstowe"}, "section": {strconv.FormatInt(sec.ID, 10)}, "body": {"Text."},
		"image_id": {strconv.FormatInt(im.ID, 10)}, "image_caption": {"The main gate at dawn"}}
	res := s.do(t, "POST", "/admin/articles", token, form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("save with an image: %d %s", res.status, errorSummary(res.body))
	}
	id := savedRE.FindStringSubmatch(res.header.Get("Location"))[1]
	n, _ := strconv.ParseInt(id, 10, 64)
	st, err := s.articles.ByID(context.Background(), n)
	if err != nil || st.Image.URL != im.Src() || st.Image.Alt != "Pickets at the dock gate" ||
		st.Image.Caption != "The main gate at dawn" || st.Image.Credit != "Ann Photographer" {
		t.Fatalf("image %+v %v", st.Image, err)
	}
	page := s.do(t, "GET", "/admin/articles/"+id, token, nil)
	if !strings.Contains(page.body, `value="`+strconv.FormatInt(im.ID, 10)+`" selected`) {
		t.Error("the picker does not show the chosen image")
	}
	if r := s.do(t, "POST", "/admin/articles/"+id+"/publish", token, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if _, _, body := (&site{http: s.http}).get(t, "/article/pickets-at-felixstowe"); !strings.Contains(body, `src="`+im.Src()+`"`) ||
		!strings.Contains(body, `alt="Pickets at the dock gate"`) || !strings.Contains(body, `srcset="`+im.SrcSet()+`"`) {
		t.Error("the public page lacks the image in all its sizes")
	}
	for _, tc := range []struct{ imageID, alt, field string }{{"999999", "x", "image_id"}, {"abc", "x", "image_id"}} {
		form.Set("image_id", tc.imageID)
		form.Set("image_alt", tc.alt)
		if r := s.do(t, "POST", "/admin/articles/"+id, token, form); r.status != 422 || !strings.Contains(r.body, `id="`+tc.field+`-error"`) {
			t.Errorf("image %q: %d", tc.imageID, r.status)
		}
	}
}
