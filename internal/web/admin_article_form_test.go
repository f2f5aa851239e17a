package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestArticleFormBadInput sends bad input to every newsroom form: each
// answer is the form again with a clear message beside the field, an error
// summary with role=alert, and what was typed still there.
func TestArticleFormBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, newsroom()...)
		editor := h.as(t, account.Editor)
		h.create(t, editor, h.articleValues(t, "Taken headline", "x"))
		id := h.create(t, editor, h.articleValues(t, "Another story", "x"))
		with := func(k, v string) url.Values {
			f := h.articleValues(t, "Typed headline", "Typed body text")
			f.Set("standfirst", "Typed standfirst")
			f.Set(k, v)
			return f
		}
		tags := strings.Repeat("tag, ", 21)
		for _, tc := range []struct {
			name, path string
			form       url.Values
			field      string
			msg        string
			kept       string
		}{
			{"empty headline", "/admin/articles", with("headline", "  "), "headline", "Give the article a headline.", "Typed standfirst"},
			{"huge headline", "/admin/articles", with("headline", strings.Repeat("h", 301)), "headline", "The headline is too long.", "Typed standfirst"},
			{"malformed UTF-8", "/admin/articles", with("standfirst", "bad \xff\xfe bytes"), "standfirst", "characters we could not read", "Typed headline"},
			{"duplicate slug", "/admin/articles", with("slug", "taken-headline"), "slug", "Another article already uses this slug.", "Typed body text"},
			{"bad slug", "/admin/articles", with("slug", "Not A Slug!"), "slug", "lower-case letters", "Typed body text"},
			{"no section", "/admin/articles", with("section", ""), "section", "Choose a section.", "Typed headline"},
			{"bad section", "/admin/articles", with("section", "99999"), "section", "Choose a section.", "Typed headline"},
			{"bad author", "/admin/articles", with("authors", "abc"), "authors", "Choose authors from the list.", "Typed headline"},
			{"too many tags", "/admin/articles", with("tags", tags), "tags", "at most 20 tags", "Typed headline"},
			{"long body", "/admin/articles", with("body", strings.Repeat("b", 500_001)), "body", "The body is too long.", "Typed headline"},
			{"duplicate slug on edit", "/admin/articles/" + id, with("slug", "taken-headline"), "slug", "Another article already uses this slug.", "Typed body text"},
			{"bad date", "/admin/articles/" + id + "/schedule", url.Values{"publish_at": {"next Tuesday"}}, "publish_at", "Give the date and time like", "next Tuesday"},
			{"no date", "/admin/articles/" + id + "/schedule", url.Values{"publish_at": {""}}, "publish_at", "Choose the date and time", ""},
			{"past date", "/admin/articles/" + id + "/schedule", url.Values{"publish_at": {"2020-01-01T09:00"}}, "publish_at", "Choose a time in the future.", "2020-01-01T09:00"},
		} {
			res := h.do(t, req{method: "POST", path: tc.path, token: editor, form: tc.form})
			switch {
			case res.status != http.StatusUnprocessableEntity:
				t.Errorf("%s: %d, want 422", tc.name, res.status)
			case !strings.Contains(res.body, `role="alert"`) || !strings.Contains(res.body, `href="#`+tc.field+`"`):
				t.Errorf("%s: no error summary linking to #%s", tc.name, tc.field)
			case !strings.Contains(res.body, `id="`+tc.field+`-error"`) || !strings.Contains(res.body, tc.msg):
				t.Errorf("%s: no message %q beside #%s\n%s", tc.name, tc.msg, tc.field, errorSummary(res.body))
			case !strings.Contains(res.body, tc.kept):
				t.Errorf("%s: the typed %q is lost", tc.name, tc.kept)
			}
		}
		// Beyond the request limit nothing can be kept, but the message is
		// still beside the body.
		res := h.do(t, req{method: "POST", path: "/admin/articles", token: editor, form: with("body", strings.Repeat("b", 1<<20))})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "too long to send") {
			t.Errorf("oversized request: %d", res.status)
		}
		// Publishing twice and an empty correction are refused beside their
		// fields too.
		if res := h.step(t, editor, id, "publish", nil); res.status != http.StatusSeeOther {
			t.Fatal(res.status)
		}
		if res := h.step(t, editor, id, "publish", nil); res.status != 422 || !strings.Contains(res.body, "already published") {
			t.Errorf("publish twice: %d", res.status)
		}
		res = h.step(t, editor, id, "corrections", url.Values{"kind": {"update"}, "correction": {"   "}})
		if res.status != 422 || !strings.Contains(res.body, `id="correction-error"`) || !strings.Contains(res.body, `value="update" checked`) {
			t.Errorf("empty correction: %d", res.status)
		}
		res = h.step(t, editor, id, "corrections", url.Values{"kind": {"erratum"}, "correction": {"Kept text"}})
		if res.status != 422 || !strings.Contains(res.body, `id="kind-error"`) || !strings.Contains(res.body, "Kept text</textarea>") {
			t.Errorf("bad kind: %d", res.status)
		}
		// The no-JavaScript preview re-renders the form without saving.
		res = h.do(t, req{method: "POST", path: "/admin/articles", token: editor, form: with("preview", "1")})
		if res.status != 200 || !strings.Contains(res.body, "<p>Typed body text</p>") || !strings.Contains(res.body, "Nothing is saved yet") {
			t.Errorf("preview: %d", res.status)
		}
	})
}
