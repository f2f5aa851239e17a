package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
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

// newMediaSite is a staff site with an image library limited to 1 MiB
// uploads, so the size tests stay small.
func newMediaSite(t *testing.T, d *db.DB) (*staffSite, *media.Store) {
	t.Helper()
	s := newStaffSiteWith(t, d, &mailbox{}, true)
	return s, s.images
}

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

// upload posts the upload form: the text fields, then the file (none when
// body is nil).
func (s *staffSite) upload(t *testing.T, token string, fields url.Values, filename string, body []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range []string{"alt", "caption", "credit"} {
		_ = mw.WriteField(k, fields.Get(k))
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(body)
	_ = mw.Close()
	return s.doBody(t, http.MethodPost, "/admin/media", token, mw.FormDataContentType(), &buf)
}

// doBody sends a request with a raw body and no redirects followed.
func (s *staffSite) doBody(t *testing.T, method, path, token, contentType string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, s.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "coopress_session", Value: token})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func TestMediaUploadAsWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newMediaSite(t, d)
		writer := s.session(t, s.person(t, "writer@example.org", account.Writer))
		if res := s.do(t, "GET", "/admin/media", writer, nil); res.status != 200 || !strings.Contains(res.body, "Upload an image") {
			t.Fatalf("library: %d", res.status)
		}
		pic := testJPEG(t, 1200, 800)
		res := s.upload(t, writer, url.Values{"alt": {"A <b>bold</b> \"view\""}, "credit": {"Staff"}}, "view.jpg", pic)
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "?uploaded=1") {
			t.Fatalf("upload: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
		}
		page := s.do(t, "GET", res.header.Get("Location"), writer, nil)
		srcset := regexp.MustCompile(`srcset="([^"]+)"`).FindStringSubmatch(page.body)
		if page.status != 200 || srcset == nil || !strings.Contains(page.body, `alt="A &lt;b&gt;bold&lt;/b&gt; &#34;view&#34;"`) {
			t.Fatalf("image page: %d\n%s", page.status, page.body)
		}
		urls := regexp.MustCompile(`(/media/[0-9a-f]{24}-(\d+)\.jpg) (\d+)w`).FindAllStringSubmatch(srcset[1], -1)
		if len(urls) != 3 || urls[0][3] != "480" || urls[1][3] != "960" || urls[2][3] != "1200" {
			t.Fatalf("srcset %q", srcset[1])
		}
		for _, u := range urls {
			file := s.do(t, "GET", u[1], "", nil)
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
		again := s.upload(t, writer, url.Values{"alt": {"Again"}}, "copy.jpg", pic)
		if again.status != http.StatusSeeOther || strings.TrimSuffix(again.header.Get("Location"), "?existing=1") !=
			strings.TrimSuffix(res.header.Get("Location"), "?uploaded=1") {
			t.Errorf("duplicate upload: %d %s, first %s", again.status, again.header.Get("Location"), res.header.Get("Location"))
		}
		lib := s.do(t, "GET", "/admin/media", writer, nil)
		if strings.Count(lib.body, `href="/admin/media/1"><img`) != 1 {
			t.Errorf("library does not list the image once:\n%s", lib.body)
		}
	})
}

func TestMediaUploadRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, images := newMediaSite(t, d)
		editor := s.session(t, s.person(t, "editor@example.org", account.Editor))
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
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := s.upload(t, editor, tt.fields, tt.file, tt.body)
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422\n%s", res.status, res.body)
				}
				if !strings.Contains(res.body, `id="`+tt.field+`-error"`) || !strings.Contains(res.body, tt.msg) {
					t.Errorf("no %q message beside %s:\n%s", tt.msg, tt.field, res.body)
				}
				for _, k := range []string{"alt", "caption", "credit"} {
					if v := tt.fields.Get(k); v != "" && !strings.Contains(res.body, `value="`+v+`"`) {
						t.Errorf("typed %s %q not kept", k, v)
					}
				}
			})
		}
		if _, total, _ := images.List(context.Background(), 1); total != 0 {
			t.Errorf("%d images stored after refusals", total)
		}
	})
}

func TestMediaAccess(t *testing.T) {
	s, _ := newMediaSite(t, dbtest.SQLite(t))
	if res := s.do(t, "GET", "/admin/media", "", nil); !res.sentToSignIn() {
		t.Errorf("anonymous GET: %d", res.status)
	}
	if res := s.upload(t, "", url.Values{"alt": {"x"}}, "a.jpg", testJPEG(t, 10, 10)); res.status != http.StatusUnauthorized {
		t.Errorf("anonymous upload: %d", res.status)
	}
	treasurer := s.session(t, s.person(t, "t@example.org", account.Treasurer))
	if res := s.upload(t, treasurer, url.Values{"alt": {"x"}}, "a.jpg", testJPEG(t, 10, 10)); res.status != http.StatusForbidden {
		t.Errorf("treasurer upload: %d", res.status)
	}
}

func TestMediaEditText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, images := newMediaSite(t, d)
		writer := s.session(t, s.person(t, "w@example.org", account.Writer))
		im, err := images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 100, 50)), "a.jpg", media.Meta{Alt: "Old"}, account.Actor{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/media/" + strconv.FormatInt(im.ID, 10)
		res := s.do(t, "POST", path, writer, url.Values{"alt": {""}, "caption": {"Kept caption"}})
		if res.status != 422 || !strings.Contains(res.body, `id="alt-error"`) || !strings.Contains(res.body, `value="Kept caption"`) {
			t.Errorf("empty alt: %d\n%s", res.status, res.body)
		}
		res = s.do(t, "POST", path, writer, url.Values{"alt": {"New alt"}, "credit": {"Me"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.status, res.body)
		}
		if got, _ := images.Get(context.Background(), im.ID); got.Alt != "New alt" || got.Credit != "Me" {
			t.Errorf("after save: %+v", got.Meta)
		}
		if res := s.do(t, "GET", "/admin/media/999999", writer, nil); res.status != 404 {
			t.Errorf("unknown image: %d", res.status)
		}
	})
}

func TestMediaServingRefusesOtherNames(t *testing.T) {
	s, images := newMediaSite(t, dbtest.SQLite(t))
	im, err := images.Upload(context.Background(), bytes.NewReader(testJPEG(t, 600, 300)), "a.jpg", media.Meta{Alt: "x"}, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res := s.do(t, "GET", im.Src(), "", nil); res.status != 200 {
		t.Fatalf("%s: %d", im.Src(), res.status)
	}
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
		if res := s.do(t, "GET", p, "", nil); res.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, res.status)
		}
	}
	// A path with dot segments is cleaned by the router first and never
	// reaches the media handler with them.
	if res := s.do(t, "GET", "/media/../coopress.db", "", nil); res.status == 200 {
		t.Errorf("/media/../coopress.db served")
	}
}

// TestMediaUploadBusy holds the library's decoding slots, as a burst of
// large uploads would, and uploads: the answer is 503 with Retry-After and
// the form again with the reason beside the file field and the text kept;
// once the slot is free the same upload goes through.
func TestMediaUploadBusy(t *testing.T) {
	s, images := newMediaSite(t, dbtest.SQLite(t))
	writer := s.session(t, s.person(t, "writer@example.org", account.Writer))
	var leaves []func()
	for {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // take only slots that are free now
		leave, err := images.Gate().Enter(ctx)
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
	gate := images.Gate()
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
	res := s.upload(t, writer, typed, "busy.jpg", pic)
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
	if res := s.upload(t, writer, typed, "busy.jpg", pic); res.status != http.StatusSeeOther {
		t.Errorf("after the slots were freed: %d\n%.300s", res.status, res.body)
	}
}
