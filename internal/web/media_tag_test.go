package web

import (
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/media"
)

func TestImgTagEscapesAndSizes(t *testing.T) {
	im := media.Image{Key: "0123456789abcdef01234567", Meta: media.Meta{Alt: `A "quoted" <alt> & more`},
		OrigWidth: 2000, OrigHeight: 1000}
	im.Renditions = []media.Rendition{{Width: 480, Height: 240, Name: im.Key + "-480.jpg"},
		{Width: 960, Height: 480, Name: im.Key + "-960.jpg"}, {Width: 1600, Height: 800, Name: im.Key + "-1600.jpg"}}
	im.Width, im.Height = 1600, 800
	got := string(mediaImg(im, ""))
	for _, want := range []string{
		`src="/media/0123456789abcdef01234567-960.jpg"`,
		`srcset="/media/0123456789abcdef01234567-480.jpg 480w, /media/0123456789abcdef01234567-960.jpg 960w, /media/0123456789abcdef01234567-1600.jpg 1600w"`,
		`sizes="100vw"`, `width="1600"`, `height="800"`,
		`alt="A &#34;quoted&#34; &lt;alt&gt; &amp; more"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("%s\nlacks %s", got, want)
		}
	}
	if strings.Contains(got, "lazy") || !strings.Contains(string(mediaImgLazy(im, "50vw")), `loading="lazy"`) {
		t.Errorf("lazy loading wrong: %s", got)
	}
	if mediaImg(media.Image{}, "") != "" {
		t.Error("an image without renditions draws a tag")
	}
}
