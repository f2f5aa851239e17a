package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/testwait"
)

// testJPEG is a w×h JPEG with some detail.
func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageForm is the upload form: the text fields, then the file.
func imageForm(t testing.TB, fields url.Values, filename string, data []byte) ([]byte, string) {
	t.Helper()
	return multipartForm(t, []string{"alt", fields.Get("alt"), "caption", fields.Get("caption"), "credit", fields.Get("credit")},
		"file", filename, data)
}

// uploadImage posts the upload form with the session token.
func (h *harness) uploadImage(t testing.TB, token string, fields url.Values, filename string, data []byte) response {
	t.Helper()
	body, ctype := imageForm(t, fields, filename, data)
	return h.do(t, req{method: "POST", path: "/admin/media", token: token, body: body, contentType: ctype})
}

func TestMediaUploadAsWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withMedia())
		writer := h.session(t, h.person(t, "writer@example.org", account.Writer))
		if res := h.do(t, req{path: "/admin/media", token: writer}); res.status != 200 || !strings.Contains(res.body, "Upload an image") {
			t.Fatalf("library: %d", res.status)
		}
		pic := testJPEG(t, 1200, 800)
		res := h.uploadImage(t, writer, url.Values{"alt": {"A <b>bold</b> \"view\""}, "credit": {"Staff"}}, "view.jpg", pic)
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "?uploaded=1") {
			t.Fatalf("upload: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
		}
		page := h.do(t, req{path: res.header.Get("Location"), token: writer})
		srcset := regexp.MustCompile(`srcset="([^"]+)"`).FindStringSubmatch(page.body)
		if page.status != 200 || srcset == nil || !strings.Contains(page.body, `alt="A &lt;b&gt;bold&lt;/b&gt; &#34;view&#34;"`) {
			t.Fatalf("image page: %d\n%s", page.status, page.body)
		}
		urls := regexp.MustCompile(`(/media/[0-9a-f]{24}-(\d+)\.jpg) (\d+)w`).FindAllStringSubmatch(srcset[1], -1)
		if len(urls) != 3 || urls[0][3] != "480" || urls[1][3] != "960" || urls[2][3] != "1200" {
			t.Fatalf("srcset %q", srcset[1])
		}
		for _, u := range urls {
			file := h.do(t, req{path: u[1]})
			cfg, err := jpeg.DecodeConfig(strings.NewReader(file.body))
			if file.status != 200 || err != nil || strconv.Itoa(cfg.Width) != u[2] {
				t.Errorf("%s: %d, %v, width %d", u[1], file.status, err, cfg.Width)
			}
			h := file.header
			if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(h.Get("Cache-Control"), "immutable") {
				t.Errorf("%s headers %v", u[1], h)
			}
		}
		again := h.uploadImage(t, writer, url.Values{"alt": {"Again"}}, "copy.jpg", pic)
		if again.status != http.StatusSeeOther || strings.TrimSuffix(again.header.Get("Location"), "?existing=1") !=
			strings.TrimSuffix(res.header.Get("Location"), "?uploaded=1") {
			t.Errorf("duplicate upload: %d %s, first %s", again.status, again.header.Get("Location"), res.header.Get("Location"))
		}
		lib := h.do(t, req{path: "/admin/media", token: writer})
		if strings.Count(lib.body, `href="/admin/media/1"><img`) != 1 {
			t.Errorf("library does not list the image once:\n%s", lib.body)
		}
	})
}

func TestMediaUploadRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withMedia())
		good := testJPEG(t, 200, 100)
		typed := url.Values{"alt": {"Typed alt"}, "caption": {"Typed caption"}, "credit": {"Typed credit"}}
		noAlt := url.Values{"caption": {"Typed caption"}, "credit": {"Typed credit"}}
		tests := []struct {
			name   string
			fields url.Values
			file   string
			body   []byte
			field  string
			msg    string
		}{
			{"missing alt", noAlt, "a.jpg", good, "alt", "Describe the image"},
			{"no file", typed, "", nil, "file", "Choose an image file"},
			{"text renamed .jpg", typed, "a.jpg", []byte("hello, I am text"), "file", "not a JPEG, PNG or WebP"},
			{"HTML renamed .jpg", typed, "a.jpg", []byte("<html><script>alert(1)</script>"), "file", "not a JPEG, PNG or WebP"},
			{"JPEG header then garbage", typed, "a.jpg", append([]byte("\xFF\xD8\xFF\xDB"), bytes.Repeat([]byte{7}, 500)...), "file", "could not be read"},
			{"over the store's limit", typed, "a.jpg", append(slices.Clone(good), make([]byte, 1<<20)...), "file", "larger than 1 MB"},
			{"over the request limit", typed, "a.jpg", append(slices.Clone(good), make([]byte, 3<<20)...), "file", "larger than 1 MB"},
		}
		var scenarios []scenario
		for _, tt := range tests {
			body, ctype := imageForm(t, tt.fields, tt.file, tt.body)
			// The message is beside its field and what was typed is kept.
			want := []string{`id="` + tt.field + `-error"`, tt.msg}
			for _, k := range []string{"alt", "caption", "credit"} {
				if v := tt.fields.Get(k); v != "" {
					want = append(want, `value="`+v+`"`)
				}
			}
			scenarios = append(scenarios, scenario{name: tt.name, method: "POST", path: "/admin/media", as: account.Editor,
				body: body, contentType: ctype, status: http.StatusUnprocessableEntity, want: want})
		}
		runScenarios(t, h, scenarios)
		if _, total, _ := h.images.List(context.Background(), 1); total != 0 {
			t.Errorf("%d images stored after refusals", total)
		}
	})
}

func TestMediaAccess(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withMedia())
	body, ctype := imageForm(t, url.Values{"alt": {"x"}}, "a.jpg", testJPEG(t, 10, 10))
	runScenarios(t, h, []scenario{
		{name: "anonymous GET", path: "/admin/media", status: http.StatusSeeOther, location: "/signin?next="},
		{name: "anonymous upload", method: "POST", path: "/admin/media", body: body, contentType: ctype, status: http.StatusUnauthorized},
		{name: "treasurer upload", method: "POST", path: "/admin/media", as: account.Treasurer, body: body, contentType: ctype,
			status: http.StatusForbidden},
	})
}

func TestMediaEditText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withMedia())
		writer := h.session(t, h.person(t, "w@example.org", account.Writer))
		im, err := h.images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 100, 50)), "a.jpg", media.Meta{Alt: "Old"}, account.Actor{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/media/" + strconv.FormatInt(im.ID, 10)
		res := h.do(t, req{method: "POST", path: path, token: writer, form: url.Values{"alt": {""}, "caption": {"Kept caption"}}})
		if res.status != 422 || !strings.Contains(res.body, `id="alt-error"`) || !strings.Contains(res.body, `value="Kept caption"`) {
			t.Errorf("empty alt: %d\n%s", res.status, res.body)
		}
		res = h.do(t, req{method: "POST", path: path, token: writer, form: url.Values{"alt": {"New alt"}, "credit": {"Me"}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.status, res.body)
		}
		if got, _ := h.images.Get(context.Background(), im.ID); got.Alt != "New alt" || got.Credit != "Me" {
			t.Errorf("after save: %+v", got.Meta)
		}
		if res := h.do(t, req{path: "/admin/media/999999", token: writer}); res.status != 404 {
			t.Errorf("unknown image: %d", res.status)
		}
	})
}

func TestMediaServingRefusesOtherNames(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withMedia())
	im, err := h.images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 600, 300)), "a.jpg", media.Meta{Alt: "x"}, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res := h.do(t, req{path: im.Src()}); res.status != 200 {
		t.Fatalf("%s: %d", im.Src(), res.status)
	}
	var refused []scenario
	for _, p := range []string{
		"/media/" + im.Key + ".orig",                      // the original, with its metadata
		"/media/" + im.Key[:2] + "%2f" + im.Key + ".orig", // the same through an encoded slash
		"/media/" + im.Key + "-480.png",                   // wrong format
		"/media/" + im.Key + "-123.jpg",                   // no such size
		"/media/" + im.Key + "-0480.jpg",
		"/media/" + strings.ToUpper(im.Key) + "-480.jpg",
		"/media/..%2f..%2fcoopress.db",
		"/media/..%2fcoopress.db",
		"/media/%2fetc%2fpasswd",
		"/media/%2e%2e%2fcoopress.db",
		"/media/nothing.jpg",
		"/media/",
	} {
		refused = append(refused, scenario{path: p, status: http.StatusNotFound})
	}
	runScenarios(t, h, refused)
	// A path with dot segments is cleaned by the router first and never
	// reaches the media handler with them.
	if res := h.do(t, req{path: "/media/../coopress.db"}); res.status == 200 {
		t.Errorf("/media/../coopress.db served")
	}
}

// TestMediaUploadBusy holds the library's decoding slots, as a burst of
// large uploads would, and uploads: the answer is 503 with Retry-After and
// the form again with the reason beside the file field and the text kept;
// once the slot is free the same upload goes through.
func TestMediaUploadBusy(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withMedia())
	writer := h.as(t, account.Writer)
	var leaves []func()
	for {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // take only slots that are free now
		leave, err := h.images.Gate().Enter(ctx)
		if err != nil {
			break
		}
		leaves = append(leaves, leave)
	}
	if len(leaves) == 0 {
		t.Fatal("took no decoding slot")
	}
	// Uploads may queue behind the slots; fill the queue too, so the
	// request is refused at once instead of after the wait.
	gate := h.images.Gate()
	waitCtx, stopWaiting := context.WithCancel(context.Background())
	defer stopWaiting()
	queued := gate.Room()
	for range queued {
		go func() {
			if leave, err := gate.Enter(waitCtx); err == nil {
				leave()
			}
		}()
	}
	if !testwait.For(5*time.Second, func() bool { return gate.Waiting() == queued }) {
		t.Fatalf("%d of %d waiters queued", gate.Waiting(), queued)
	}
	pic := testJPEG(t, 300, 200)
	typed := url.Values{"alt": {"Typed alt"}}
	res := h.uploadImage(t, writer, typed, "busy.jpg", pic)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After\n%.300s", res.status, res.header.Get("Retry-After"), res.body)
	}
	if !strings.Contains(res.body, `id="file-error"`) || !strings.Contains(res.body, "upload this one again") ||
		!strings.Contains(res.body, `value="Typed alt"`) {
		t.Errorf("no reason beside the file field, or the alt text lost:\n%s", res.body)
	}
	stopWaiting()
	for _, leave := range leaves {
		leave()
	}
	if res := h.uploadImage(t, writer, typed, "busy.jpg", pic); res.status != http.StatusSeeOther {
		t.Errorf("after the slots were freed: %d\n%.300s", res.status, res.body)
	}
}
