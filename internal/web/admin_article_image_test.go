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
	h := newHarness(t, d, withMedia())
	token := h.as(t, account.Editor)
	im, err := h.images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 1200, 800)), "dock.jpg",
		media.Meta{Alt: "Pickets at the dock gate", Credit: "Ann Photographer"}, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := h.articles.SectionBySlug(context.Background(), "world")
	form := url.Values{"headline": {"Pickets at Felixstowe"}, "section": {strconv.FormatInt(sec.ID, 10)}, "body": {"Text."},
		"image_id": {strconv.FormatInt(im.ID, 10)}, "image_caption": {"The main gate at dawn"}}
	res := h.do(t, req{method: "POST", path: "/admin/articles", token: token, form: form})
	if res.status != http.StatusSeeOther {
		t.Fatalf("save with an image: %d %s", res.status, errorSummary(res.body))
	}
	id := savedRE.FindStringSubmatch(res.header.Get("Location"))[1]
	n, _ := strconv.ParseInt(id, 10, 64)
	st, err := h.articles.ByID(context.Background(), n)
	if err != nil || st.Image.URL != im.Src() || st.Image.Alt != "Pickets at the dock gate" ||
		st.Image.Caption != "The main gate at dawn" || st.Image.Credit != "Ann Photographer" {
		t.Fatalf("image %+v %v", st.Image, err)
	}
	page := h.do(t, req{path: "/admin/articles/" + id, token: token})
	if !strings.Contains(page.body, `value="`+strconv.FormatInt(im.ID, 10)+`" selected`) {
		t.Error("the picker does not show the chosen image")
	}
	if r := h.do(t, req{method: "POST", path: "/admin/articles/" + id + "/publish", token: token, form: url.Values{}}); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if page := h.get(t, "/article/pickets-at-felixstowe"); !strings.Contains(page.body, `src="`+im.Src()+`"`) ||
		!strings.Contains(page.body, `alt="Pickets at the dock gate"`) || !strings.Contains(page.body, `srcset="`+im.SrcSet()+`"`) {
		t.Error("the public page lacks the image in all its sizes")
	}
	for _, tc := range []struct{ imageID, alt, field string }{{"999999", "x", "image_id"}, {"abc", "x", "image_id"}} {
		form.Set("image_id", tc.imageID)
		form.Set("image_alt", tc.alt)
		if r := h.do(t, req{method: "POST", path: "/admin/articles/" + id, token: token, form: form}); r.status != 422 || !strings.Contains(r.body, `id="`+tc.field+`-error"`) {
			t.Errorf("image %q: %d", tc.imageID, r.status)
		}
	}
}
