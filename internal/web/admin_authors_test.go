package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

var authorSavedRE = regexp.MustCompile(`^/admin/authors/(\d+)\?saved=1$`)

// TestAdminAuthors walks an editor through creating, editing, linking and
// unlinking a profile, with the refusals on the way, and checks what the
// writer, the author's page and the audit log see.
func TestAdminAuthors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, newsroom()...)
		ctx := context.Background()
		writerID := h.account(t, account.Writer).ID
		writer, editor := h.as(t, account.Writer), h.as(t, account.Editor)
		admin := h.person(t, "admin@example.org", account.Admin)
		wid := strconv.FormatInt(writerID, 10)

		// Everyone editors may tie a byline to is offered; admins are not.
		res := h.do(t, req{path: "/admin/authors", token: editor})
		if res.status != 200 || !strings.Contains(res.body, `<option value="`+wid+`">Test writer &lt;writer@example.org&gt;</option>`) ||
			strings.Contains(res.body, "admin@example.org") || !strings.Contains(res.body, `href="/admin/authors"`) {
			t.Fatalf("authors page: %d\n%s", res.status, res.body)
		}

		// Create, tied to the writer; the slug comes from the name.
		res = h.do(t, req{method: "POST", path: "/admin/authors", token: editor, form: url.Values{"name": {"Wendy Writer"}, "slug": {""},
			"bio": {"Covers <unions> & work."}, "account": {wid}}})
		m := authorSavedRE.FindStringSubmatch(res.header.Get("Location"))
		if res.status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %s\n%s", res.status, res.header.Get("Location"), errorSummary(res.body))
		}
		id := m[1]
		res = h.do(t, req{path: "/admin/authors/" + id + "?saved=1", token: editor})
		for _, want := range []string{"Author saved.", `value="wendy-writer"`, "Covers &lt;unions&gt; &amp; work.</textarea>",
			`<option value="` + wid + `" selected>`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("edit page lacks %q", want)
			}
		}

		// The writer's new article carries their byline.
		res = h.do(t, req{path: "/admin/articles/new", token: writer})
		if !strings.Contains(res.body, `<option value="`+id+`" selected>Wendy Writer</option>`) {
			t.Errorf("the writer's byline is not preselected:\n%s", res.body)
		}

		// A taken slug is refused beside the field, the values kept.
		res = h.do(t, req{method: "POST", path: "/admin/authors", token: editor, form: url.Values{"name": {"Another Wendy"}, "slug": {"wendy-writer"},
			"bio": {"Kept bio"}, "account": {""}}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="slug-error"`) ||
			!strings.Contains(res.body, "Another author already has this slug.") || !strings.Contains(res.body, `value="Another Wendy"`) ||
			!strings.Contains(res.body, "Kept bio</textarea>") || !strings.Contains(res.body, `id="slug" name="slug" type="text" value="wendy-writer"`) {
			t.Errorf("duplicate slug: %d\n%s", res.status, res.body)
		}
		// An account that is no writer or editor is refused beside its field.
		res = h.do(t, req{method: "POST", path: "/admin/authors", token: editor, form: url.Values{"name": {"Ada Admin"}, "account": {strconv.FormatInt(admin.ID, 10)}}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="account-error"`) {
			t.Errorf("linking an admin: %d\n%s", res.status, errorSummary(res.body))
		}

		// An edit shows at once on the author's page, which was cached.
		if res = h.do(t, req{path: "/author/wendy-writer"}); !strings.Contains(res.body, "Covers &lt;unions&gt;") {
			t.Fatalf("author page before the edit: %d", res.status)
		}
		res = h.do(t, req{method: "POST", path: "/admin/authors/" + id, token: editor, form: url.Values{"name": {"Wendy Writer"}, "slug": {"wendy-writer"},
			"bio": {"Labour correspondent."}, "account": {wid}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", res.status, errorSummary(res.body))
		}
		if res = h.do(t, req{path: "/author/wendy-writer"}); !strings.Contains(res.body, "Labour correspondent.") {
			t.Errorf("author page still shows the old biography")
		}

		// Another editor unlinks it: the writer's form no longer picks it.
		res = h.do(t, req{method: "POST", path: "/admin/authors/" + id, token: h.session(t, h.person(t, "ed2@example.org", account.Editor)), form: url.Values{"name": {"Wendy Writer"}, "slug": {"wendy-writer"},
			"bio": {"Labour correspondent."}, "account": {""}}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("unlink: %d\n%s", res.status, errorSummary(res.body))
		}
		if _, err := h.articles.AuthorForAccount(ctx, writerID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("after unlink the writer still has a byline: %v", err)
		}
		if res = h.do(t, req{path: "/admin/articles/new", token: writer}); strings.Contains(res.body, `<option value="`+id+`" selected>`) {
			t.Errorf("unlinked byline still preselected")
		}

		// Writers and admins may not manage profiles, and cannot see the link.
		mine := url.Values{"name": {"Mine"}}
		runScenarios(t, h, []scenario{
			{path: "/admin/authors", token: h.session(t, admin), status: http.StatusForbidden},
			{method: "POST", path: "/admin/authors/" + id, token: h.session(t, admin), form: mine, status: http.StatusForbidden},
			{path: "/admin/authors", as: account.Writer, form: mine, status: http.StatusForbidden},
			{method: "POST", path: "/admin/authors", as: account.Writer, form: mine, status: http.StatusForbidden},
			{path: "/admin/authors/" + id, as: account.Writer, form: mine, status: http.StatusForbidden},
			{method: "POST", path: "/admin/authors/" + id, as: account.Writer, form: mine, status: http.StatusForbidden},
			{name: "writer's navigation", path: "/admin/articles", as: account.Writer, status: http.StatusOK,
				notWant: []string{`href="/admin/authors"`}},
			{name: "missing author", path: "/admin/authors/999999", as: account.Editor, status: http.StatusNotFound},
		})

		entries, _, err := h.accounts.Audit().List(ctx, account.Filter{ObjectType: "author", ObjectID: id}, 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, fmt.Sprintf("%s by %s", e.Action, e.ActorName))
		}
		slices.Reverse(got) // the log lists newest first
		want := []string{"author.create by editor@example.org", "author.link by editor@example.org", "author.update by editor@example.org",
			"author.update by ed2@example.org", "author.unlink by ed2@example.org"}
		if !slices.Equal(got, want) {
			t.Errorf("audit log %v, want %v", got, want)
		}
	})
}
