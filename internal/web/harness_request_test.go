package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
)

// req is one request to a harness.
type req struct {
	method string // GET when empty
	// path is sent as written, query included, never re-escaped, so tests
	// can send malformed escapes and encoded slashes.
	path  string
	as    account.Role // signs in as this role's persona (harness.as)
	token string       // or sends this session token
	// form is sent urlencoded; body with contentType is sent instead when
	// set (multipart uploads, raw JSON).
	form        url.Values
	body        []byte
	contentType string
	header      map[string]string
}

// response is what a request returned.
type response struct {
	status int
	header http.Header
	body   string
	cookie *http.Cookie // the session cookie set, if any
}

// noRedirects lets tests see each redirect as it is sent.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends r to the site and reads the whole answer.
func (h *harness) do(t testing.TB, r req) response {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	contentType := r.contentType
	switch {
	case r.body != nil:
		body = bytes.NewReader(r.body)
	case r.form != nil:
		body = strings.NewReader(r.form.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	hr, err := http.NewRequest(method, h.http.URL, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.URL.Opaque, hr.URL.RawQuery, _ = strings.Cut(r.path, "?")
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	token := r.token
	if r.as != "" {
		token = h.as(t, r.as)
	}
	if token != "" {
		hr.AddCookie(&http.Cookie{Name: "coopress_session", Value: token})
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := noRedirects.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	res := response{status: resp.StatusCode, header: resp.Header, body: string(b)}
	for _, c := range resp.Cookies() {
		if c.Name == "coopress_session" {
			res.cookie = c
		}
	}
	return res
}

// get is do for a plain anonymous GET.
func (h *harness) get(t testing.TB, path string) response {
	t.Helper()
	return h.do(t, req{path: path})
}

// sentToSignIn reports whether r is the staff area's refusal of an
// anonymous GET: to the sign-in page, and back afterwards.
func (r response) sentToSignIn() bool {
	return r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/signin?next=")
}

// multipartForm encodes fields (name, value pairs, in order) and then one
// file as a multipart form, returning the body and its content type.
func multipartForm(t testing.TB, fields []string, fileField, filename string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile(fileField, filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// scenario is one request and what its answer must and must not hold.
type scenario struct {
	name   string
	method string // GET when empty
	path   string
	as     account.Role // the signed-in persona; none when empty
	token  string       // or this session
	form   url.Values
	// body and contentType replace form (uploads).
	body        []byte
	contentType string
	header      map[string]string // sent with the request

	status int
	// want must all be in the body and notWant none of it. With plain,
	// want is looked for with html/template's escapes undone, so messages
	// with quotes can be written as people read them.
	want, notWant []string
	plain         bool
	// wantHeader are response headers that must have exactly these values;
	// location is what the Location header must start with.
	wantHeader map[string]string
	location   string
}

// runScenarios sends each scenario to h as a subtest and checks its answer.
func runScenarios(t *testing.T, h *harness, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		name := sc.name
		if name == "" {
			name = strings.TrimSpace(sc.method + " " + sc.path + " " + string(sc.as))
		}
		t.Run(name, func(t *testing.T) {
			res := h.do(t, req{method: sc.method, path: sc.path, as: sc.as, token: sc.token, form: sc.form,
				body: sc.body, contentType: sc.contentType, header: sc.header})
			sc.check(t, res)
		})
	}
}

// check compares res with what the scenario expects.
func (sc scenario) check(t *testing.T, res response) {
	t.Helper()
	what := strings.TrimSpace(sc.method+" "+sc.path) + " as " + string(sc.as)
	if sc.as == "" {
		what = strings.TrimSpace(sc.method + " " + sc.path)
	}
	if res.status != sc.status {
		t.Fatalf("%s: status %d, want %d\n%.600s", what, res.status, sc.status, errorSummaryOr(res.body))
	}
	body := res.body
	if sc.plain {
		body = unescape(body)
	}
	for _, w := range sc.want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: body lacks %q", what, w)
		}
	}
	for _, w := range sc.notWant {
		if strings.Contains(res.body, w) {
			t.Errorf("%s: body must not contain %q", what, w)
		}
	}
	if loc := res.header.Get("Location"); !strings.HasPrefix(loc, sc.location) {
		t.Errorf("%s: Location %q, want %q…", what, loc, sc.location)
	}
	for k, v := range sc.wantHeader {
		if got := res.header.Get(k); got != v {
			t.Errorf("%s: %s %q, want %q", what, k, got, v)
		}
	}
}

// errorSummaryOr is a form's error summary, or else the start of the body,
// for failure messages.
func errorSummaryOr(body string) string {
	if s := errorSummary(body); s != "" {
		return s
	}
	return body
}

// errorSummary is the text of a form's error summary, for failure messages.
func errorSummary(body string) string {
	if i := strings.Index(body, `role="alert"`); i >= 0 {
		return body[i:min(len(body), i+600)]
	}
	return ""
}

// unescape undoes html/template's escaping of text, for comparing bodies
// with messages that contain quotes.
func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(s)
}
