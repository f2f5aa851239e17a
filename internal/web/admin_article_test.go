package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestNewsroomWorkflowOverHTTP walks an article from a writer's draft to
// publication and correction, checking every refusal on the way.
func TestNewsroomWorkflowOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, newsroom()...)
		writer, editor := h.as(t, account.Writer), h.as(t, account.Editor)
		other := h.session(t, h.person(t, "other@example.org", account.Writer))
		id := h.create(t, writer, h.articleValues(t, "Dockers walk out at Felixstowe", "The port is **closed**."))
		path := "/admin/articles/" + id

		// Another writer may read it but not change or submit it; its
		// writer cannot publish, schedule or correct: the routes refuse, and
		// the form offers only what the writer may do.
		refusals := []scenario{
			{name: "other writer reads", path: path, token: other, status: http.StatusOK, want: []string{`id="read-only"`}},
			{name: "other writer saves", method: "POST", path: path, token: other, form: h.articleValues(t, "Hijacked", "x"),
				status: http.StatusForbidden},
			{name: "other writer submits", method: "POST", path: path + "/submit", token: other, form: url.Values{},
				status: http.StatusForbidden},
			{name: "writer's buttons", path: path, as: account.Writer, status: http.StatusOK,
				want: []string{"Submit for review"}, notWant: []string{"Publish now"}},
		}
		for _, action := range []string{"publish", "schedule", "unpublish", "corrections"} {
			refusals = append(refusals, scenario{name: "writer " + action, method: "POST", path: path + "/" + action,
				as: account.Writer, form: url.Values{}, status: http.StatusForbidden})
		}
		runScenarios(t, h, refusals)
		if res := h.step(t, writer, id, "submit", nil); res.status != http.StatusSeeOther {
			t.Fatalf("writer submit: %d %s", res.status, errorSummary(res.body))
		}
		if res := h.do(t, req{path: "/admin/desk", token: editor}); !strings.Contains(res.body, "Dockers walk out at Felixstowe") {
			t.Fatal("the submission is not on the desk")
		}
		if res := h.get(t, "/article/dockers-walk-out-at-felixstowe"); res.status != 404 {
			t.Fatalf("unpublished article answers %d", res.status)
		}
		// The editor edits and publishes.
		form := h.articleValues(t, "Dockers walk out at Felixstowe", "The port is **closed** for a second day.")
		if res := h.do(t, req{method: "POST", path: path, token: editor, form: form}); res.status != http.StatusSeeOther {
			t.Fatalf("editor save: %d %s", res.status, errorSummary(res.body))
		}
		if res := h.step(t, editor, id, "publish", nil); res.status != http.StatusSeeOther {
			t.Fatalf("editor publish: %d", res.status)
		}
		page := h.get(t, "/article/dockers-walk-out-at-felixstowe")
		if page.status != 200 || !strings.Contains(page.body, "<strong>closed</strong> for a second day") {
			t.Fatalf("published page: %d", page.status)
		}
		if res := h.do(t, req{method: "POST", path: path, token: writer, form: form}); res.status != http.StatusForbidden {
			t.Errorf("writer editing a published article: %d", res.status)
		}
		// A correction shows on the page with its date.
		if res := h.step(t, editor, id, "corrections", url.Values{"kind": {"correction"}, "correction": {"We gave the wrong port."}}); res.status != http.StatusSeeOther {
			t.Fatalf("correction: %d %s", res.status, errorSummary(res.body))
		}
		page = h.get(t, "/article/dockers-walk-out-at-felixstowe")
		if !strings.Contains(page.body, "We gave the wrong port.") || !strings.Contains(page.body, "Wednesday 6 November 2024") {
			t.Errorf("the correction is not on the page")
		}
		// A slug change redirects with 301.
		form.Set("slug", "felixstowe-strike")
		if res := h.do(t, req{method: "POST", path: path, token: editor, form: form}); res.status != http.StatusSeeOther {
			t.Fatalf("slug change: %d %s", res.status, errorSummary(res.body))
		}
		if res := h.get(t, "/article/dockers-walk-out-at-felixstowe"); res.status != 301 || res.header.Get("Location") != "/article/felixstowe-strike" {
			t.Errorf("old slug: %d %s", res.status, res.header.Get("Location"))
		}
		if res := h.step(t, editor, id, "unpublish", nil); res.status != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", res.status)
		}
		if res := h.get(t, "/article/felixstowe-strike"); res.status != 404 {
			t.Errorf("unpublished article answers %d", res.status)
		}
		// Each change is in the audit log, with who did it.
		var n int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = 'article'
			AND object_id = $1 AND action IN ('article.create', 'article.submit', 'article.publish', 'article.correction', 'article.unpublish')
			AND actor_id IS NOT NULL`, id).Scan(&n); err != nil || n != 5 {
			t.Errorf("audit entries: %d %v", n, err)
		}
	})
}

// TestRevisionPages shows a diff between two saves and restores the first.
func TestRevisionPages(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), newsroom()...)
	writer, editor := h.as(t, account.Writer), h.as(t, account.Editor)
	id := h.create(t, writer, h.articleValues(t, "Budget vote", "Line one\nLine two"))
	if res := h.do(t, req{method: "POST", path: "/admin/articles/" + id, token: writer, form: h.articleValues(t, "Budget vote", "Line one\nLine 2, amended")}); res.status != http.StatusSeeOther {
		t.Fatal(res.status)
	}
	res := h.do(t, req{path: "/admin/articles/" + id + "/revisions", token: writer})
	if res.status != 200 || !strings.Contains(res.body, "<del><span class=\"visually-hidden\">removed: </span>- Line two</del>") ||
		!strings.Contains(res.body, "+ Line 2, amended</ins>") || strings.Contains(res.body, "Restore version") {
		t.Fatalf("revisions page for the writer: %d\n%s", res.status, res.body)
	}
	if res := h.do(t, req{path: "/admin/articles/" + id + "/revisions?from=abc", token: writer}); res.status != 422 {
		t.Errorf("bad revision id: %d", res.status)
	}
	res = h.do(t, req{path: "/admin/articles/" + id + "/revisions", token: editor})
	i := strings.LastIndex(res.body, `/restore"`)
	j := strings.LastIndex(res.body[:i], `action="`)
	restore := res.body[j+len(`action="`) : i+len(`/restore`)]
	if r := h.do(t, req{method: "POST", path: restore, token: writer, form: url.Values{}}); r.status != http.StatusForbidden {
		t.Errorf("writer restore: %d", r.status)
	}
	if r := h.do(t, req{method: "POST", path: restore, token: editor, form: url.Values{}}); r.status != http.StatusSeeOther {
		t.Fatalf("restore %s: %d", restore, r.status)
	}
	if res := h.do(t, req{path: "/admin/articles/" + id, token: editor}); !strings.Contains(res.body, "Line one\nLine two</textarea>") {
		t.Errorf("restored body not in the form")
	}
}
