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
		// invalid is a refusal: 422, an error summary with role=alert
		// linking to the field, the message beside it, the typed text kept.
		invalid := func(name, path string, form url.Values, field, msg, kept string) scenario {
			want := []string{`role="alert"`, `href="#` + field + `"`, `id="` + field + `-error"`, msg}
			if kept != "" {
				want = append(want, kept)
			}
			return scenario{name: name, method: "POST", path: path, as: account.Editor, form: form,
				status: http.StatusUnprocessableEntity, want: want}
		}
		runScenarios(t, h, []scenario{
			invalid("empty headline", "/admin/articles", with("headline", "  "), "headline", "Give the article a headline.", "Typed standfirst"),
			invalid("huge headline", "/admin/articles", with("headline", strings.Repeat("h", 301)), "headline", "The headline is too long.", "Typed standfirst"),
			invalid("malformed UTF-8", "/admin/articles", with("standfirst", "bad \xff\xfe bytes"), "standfirst", "characters we could not read", "Typed headline"),
			invalid("duplicate slug", "/admin/articles", with("slug", "taken-headline"), "slug", "Another article already uses this slug.", "Typed body text"),
			invalid("bad slug", "/admin/articles", with("slug", "Not A Slug!"), "slug", "lower-case letters", "Typed body text"),
			invalid("no section", "/admin/articles", with("section", ""), "section", "Choose a section.", "Typed headline"),
			invalid("bad section", "/admin/articles", with("section", "99999"), "section", "Choose a section.", "Typed headline"),
			invalid("bad author", "/admin/articles", with("authors", "abc"), "authors", "Choose authors from the list.", "Typed headline"),
			invalid("too many tags", "/admin/articles", with("tags", tags), "tags", "at most 20 tags", "Typed headline"),
			invalid("long body", "/admin/articles", with("body", strings.Repeat("b", 500_001)), "body", "The body is too long.", "Typed headline"),
			invalid("duplicate slug on edit", "/admin/articles/"+id, with("slug", "taken-headline"), "slug", "Another article already uses this slug.", "Typed body text"),
			invalid("bad date", "/admin/articles/"+id+"/schedule", url.Values{"publish_at": {"next Tuesday"}}, "publish_at", "Give the date and time like", "next Tuesday"),
			invalid("no date", "/admin/articles/"+id+"/schedule", url.Values{"publish_at": {""}}, "publish_at", "Choose the date and time", ""),
			invalid("past date", "/admin/articles/"+id+"/schedule", url.Values{"publish_at": {"2020-01-01T09:00"}}, "publish_at", "Choose a time in the future.", "2020-01-01T09:00"),
			// Beyond the request limit nothing can be kept, but the message
			// is still beside the body.
			{name: "oversized request", method: "POST", path: "/admin/articles", as: account.Editor,
				form: with("body", strings.Repeat("b", 1<<20)), status: http.StatusUnprocessableEntity, want: []string{"too long to send"}},
			// Publishing twice and an empty correction are refused beside
			// their fields too.
			{name: "publish", method: "POST", path: "/admin/articles/" + id + "/publish", as: account.Editor, form: url.Values{},
				status: http.StatusSeeOther},
			{name: "publish twice", method: "POST", path: "/admin/articles/" + id + "/publish", as: account.Editor, form: url.Values{},
				status: http.StatusUnprocessableEntity, want: []string{"already published"}},
			{name: "empty correction", method: "POST", path: "/admin/articles/" + id + "/corrections", as: account.Editor,
				form: url.Values{"kind": {"update"}, "correction": {"   "}}, status: http.StatusUnprocessableEntity,
				want: []string{`id="correction-error"`, `value="update" checked`}},
			{name: "bad kind", method: "POST", path: "/admin/articles/" + id + "/corrections", as: account.Editor,
				form: url.Values{"kind": {"erratum"}, "correction": {"Kept text"}}, status: http.StatusUnprocessableEntity,
				want: []string{`id="kind-error"`, "Kept text</textarea>"}},
			// The no-JavaScript preview re-renders the form without saving.
			{name: "preview", method: "POST", path: "/admin/articles", as: account.Editor, form: with("preview", "1"),
				status: http.StatusOK, want: []string{"<p>Typed body text</p>", "Nothing is saved yet"}},
		})
	})
}
